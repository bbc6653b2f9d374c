"""The two annotation tools' names and the labels a task can carry (shared by export and import)."""
from __future__ import annotations

from pathlib import Path

from service.core.vocabulary import ATTRIBUTION_TYPES as ATTR_TYPES  # noqa: F401
from service.core.vocabulary import LABELS, LEVELS, STANCES  # noqa: F401
from service.core.vocabulary import SOURCING as SOURCINGS  # noqa: F401

LS, DOCCANO = "label-studio", "doccano"
FORMATS = (LS, DOCCANO)
XML_CONFIG = Path(__file__).with_name("label_studio.xml")
TEXT, SPAN = "text", "span"  # label_studio.xml: the Text object tag and the span Labels control
ROLES = {"Source": "source", "Cue": "cue", "Content": "content"}
SENTENCE_CHOICES = ("label", "level", "sourcing")
CUE_CHOICES = ("attr_type", "stance", "main_clause")  # per-region, on Cue spans; plus the TextArea "lemma"


def tool(fmt: str) -> str:
    """``label-studio`` or ``doccano`` (``label_studio`` accepted)."""
    if (fmt := str(fmt).strip().lower().replace("_", "-")) not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return fmt
