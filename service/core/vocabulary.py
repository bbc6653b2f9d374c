"""The project's closed vocabularies, declared once: every module, the API schema, the corpus
checks and the batch tables take them from here.

Kept free of imports so that reading a label list never loads scikit-learn or spaCy.
"""
from __future__ import annotations

# How a sentence presents its claim (seeds/LABELLING_GUIDE.md).
LABELS = ("asserted", "attributed", "hedged", "none")
# The languages with lexicons and a parser; the model may know fewer.
SUPPORTED_LANGS = ("fr", "en")
# What a reporting verb conveys about the reported claim.
STANCES = ("neutral", "endorsing", "distancing", "denial")
# Linguistic cues a sentence can carry (service.core.cues).
CUE_TYPES = ("reporting_verb", "according_to", "unnamed_source", "hedge", "booster",
             "conditional", "quote", "question", "furniture")
# Kinds of attribution (seeds/ATTRIBUTION_GUIDE.md).
ATTRIBUTION_TYPES = ("direct_quote", "indirect", "according_to", "unnamed_source")
# Model variants: ``full`` parses, ``fast`` reads the lexicons only.
MODEL_MODES = ("full", "fast")
# A retraining job's life.
JOB_STATES = ("queued", "running", "training", "succeeded", "failed")
# How firmly the text presents its main claim, weakest first (seeds/LABELLING_GUIDE.md, Strength).
LEVELS = ("doubted", "possible", "probable", "stated", "emphatic")
# How identifiable the claim's source is, most identifiable first; ``none``: the author's own.
SOURCING = ("named", "identified", "anonymous", "vague", "none")

# One palette for the page and the batch report: the page's light-theme colours
# (service/web/static/app.css, ``--<label>-strong`` and the stance variables; a test keeps
# them equal), chosen for contrast on white.
PALETTE = {"asserted": "#0b5394", "attributed": "#8a4a00", "hedged": "#86307a", "none": "#5a5a5a",
           "neutral": "#4d4d4d", "endorsing": "#1d6b3a", "distancing": "#9a4d00", "denial": "#a4161a"}
# The report's sourcing bars, most identifiable (dark green) to none (grey).
SOURCING_PALETTE = {"named": "#1b5e20", "identified": "#66bb6a", "anonymous": "#ffb74d", "vague": "#e53935",
                    "none": "#b0bec5"}
