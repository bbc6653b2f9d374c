"""The report's strength figures: assertiveness and sourcing shares per group, with bootstrap
confidence intervals, and their chart (``service.batch.report`` calls these).

Figures are pooled over a group's claims (an article with 30 claims weighs 3 times one with 10);
the 95% intervals resample the group's articles (1,000 resamples, fixed seed), since sentences
of one article are not independent. Articles analysed by a model without strength models carry
no figures and are left out.
"""
from __future__ import annotations

import numpy as np

from service.core.vocabulary import SOURCING, SOURCING_PALETTE

BOOTSTRAP = 1000
SEED = 20261125


def has_strength(df) -> bool:
    return "assertiveness" in df.columns and df["assertiveness"].notna().any()


def _pooled(values: np.ndarray, weights: np.ndarray, seed: int) -> tuple[float, float, float]:
    """Weighted mean and its 95% bootstrap interval over articles."""
    total = weights.sum()
    if total == 0:
        return (float("nan"),) * 3
    value = float((values * weights).sum() / total)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(values), size=(BOOTSTRAP, len(values)))
    w = weights[idx]
    means = (values[idx] * w).sum(axis=1) / np.where(w.sum(axis=1) > 0, w.sum(axis=1), 1)
    lo, hi = np.percentile(means, [2.5, 97.5])
    return round(value, 4), round(float(lo), 4), round(float(hi), 4)


def strength_table(groups):
    """``groups``: (key dict, article rows) pairs -> one row per group: claims, assertiveness
    and each sourcing share, each with ``_lo`` and ``_hi`` bounds."""
    import pandas as pd

    rows = []
    for key, sub in groups:
        sub = sub[sub["assertiveness"].notna() & (sub["claims"].fillna(0) > 0)]
        claims = sub["claims"].to_numpy(dtype=float)
        row = dict(key, claims=int(claims.sum()))
        figures = [("assertiveness", sub["assertiveness"])] + [(f"sourcing_{c}", sub[f"sourcing_{c}"]) for c in SOURCING]
        for name, column in figures:
            value, lo, hi = _pooled(column.fillna(0).to_numpy(dtype=float), claims, SEED)
            row.update({name: value, f"{name}_lo": lo, f"{name}_hi": hi})
        rows.append(row)
    return pd.DataFrame(rows)


def chart_strength(table, names: list[str], title_note: str = "") -> bytes:
    """Assertiveness with its interval (left), sourcing shares stacked (right), one row per group."""
    from service.batch.report_charts import png_bytes, pyplot

    plt = pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 1.4 + 0.38 * len(table)), sharey=True)
    y = np.arange(len(table))
    value = table["assertiveness"].to_numpy()
    err = np.vstack([value - table["assertiveness_lo"].to_numpy(), table["assertiveness_hi"].to_numpy() - value])
    left.errorbar(value, y, xerr=err, fmt="o", color="#c0392b", ecolor="#555", capsize=3)
    left.set_yticks(y, names)
    left.invert_yaxis()
    left.set_xlim(0, 1)
    left.set_xlabel("mean commitment of the claims (95% CI)")
    left.set_title("Assertiveness", fontsize=10)
    start = np.zeros(len(table))
    for cls in SOURCING:
        share = table[f"sourcing_{cls}"].to_numpy()
        right.barh(y, share, left=start, color=SOURCING_PALETTE[cls], label=cls)
        start += share
    right.set_xlim(0, 1)
    right.set_xlabel("share of the claims")
    right.set_title("On whose word: sourcing", fontsize=10)
    right.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    fig.suptitle("How strongly claims are made" + title_note)
    fig.tight_layout()
    return png_bytes(fig)
