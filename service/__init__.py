"""The media-framing service: ``core`` (text to labels, strength and attributions), ``storage``
(model registry, feedback), ``web`` (the HTTP API and page) and ``batch`` (archives at scale).

Importing ``service`` loads none of them; ``from service import create_app`` still works (it is
the web app's factory, ``service.web.create_app``) without the batch side ever loading Flask.
It first names OpenBLAS's kernels, before numpy can load (``service.openblas``).
"""
from service.openblas import pin_kernels

pin_kernels()


def __getattr__(name):
    if name == "create_app":
        from service.web import create_app

        return create_app
    raise AttributeError(f"module 'service' has no attribute {name!r}")
