"""Language detection for ``lang: "auto"`` (py3langid: its model ships inside the package)."""
from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect(text: str) -> tuple[str, float]:
    """ISO 639-1 code and probability, over all languages the detector knows."""
    lang, prob = _identifier().classify(text[:5000])
    return lang, float(prob)


AUTO = "auto"


class UnsupportedLanguage(ValueError):
    """The requested or detected language has no model; the caller words the message."""

    def __init__(self, lang: str, detected: bool, probability: float | None, supported: tuple[str, ...]):
        super().__init__(f"language {lang!r} is not supported")
        self.lang, self.detected, self.probability, self.supported = lang, detected, probability, supported


def resolve_language(requested: str | None, text: str, supported: tuple[str, ...]) -> tuple[str, bool]:
    """The language to analyse ``text`` in, and whether it was detected: ``requested`` when given
    (None, "" or "auto": detect it), if ``supported`` holds it."""
    requested = (requested or "").strip().lower()
    if requested in ("", AUTO):
        lang, prob = detect(text)
        if lang not in supported:
            raise UnsupportedLanguage(lang, True, prob, supported)
        return lang, True
    if requested not in supported:
        raise UnsupportedLanguage(requested, False, None, supported)
    return requested, False
