"""Article figures from the sentences' strength: how assertive the article is, on whose word
its claims rest, and which claims it states most strongly without a source."""
from __future__ import annotations

from statistics import median

from service.core.vocabulary import LEVELS, SOURCING


def _claims(results: list[dict]) -> list[dict]:
    """Sentences that make a claim and carry a strength (label other than ``none``)."""
    return [r for r in results if r.get("strength") and r["strength"]["commitment"] is not None]


def claims_as_fact(results: list[dict], limit: int) -> list[dict]:
    """The ``limit`` claims the author states most strongly without a source: asserted
    sentences whose MAIN claim carries no attribution (one in a subordinate or gerund clause,
    "..., en prétextant que ...", does not make the claim someone else's), by commitment."""
    facts = [r for r in _claims(results)
             if r["label"] == "asserted" and not any(a["main_clause"] for a in r["attributions"])]
    facts.sort(key=lambda r: (-r["strength"]["commitment"], -r["scores"]["asserted"], r["index"]))
    return [{"index": r["index"], "text": r["text"], "score": r["scores"]["asserted"],
             "commitment": r["strength"]["commitment"], "level": r["strength"]["level"]}
            for r in facts[:limit]]


def strength_summary(results: list[dict]) -> dict:
    """``assertiveness``: mean, median and level counts of the claims' commitment;
    ``sourcing``: the share of claims of each sourcing class (``none``: the author's own)."""
    claims = _claims(results)
    values = [r["strength"]["commitment"] for r in claims]
    levels = dict.fromkeys(LEVELS, 0)
    sourcing = dict.fromkeys(SOURCING, 0)
    for r in claims:
        levels[r["strength"]["level"]] += 1
        sourcing[r["strength"]["sourcing"]] += 1
    n = len(claims)
    return {
        "assertiveness": {"claims": n, "mean": round(sum(values) / n, 4) if n else None,
                          "median": round(median(values), 4) if n else None, "levels": levels},
        "sourcing": {cls: round(c / n, 4) if n else 0.0 for cls, c in sourcing.items()},
    }
