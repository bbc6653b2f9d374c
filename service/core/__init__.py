"""The runtime core: text -> sentences -> parse -> cues -> label, attributions -> article summary.

One package used alike by the web app, the batch engines and training; it imports no web or
batch code, and nothing here reads pandas or Flask.
"""
