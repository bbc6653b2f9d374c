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
