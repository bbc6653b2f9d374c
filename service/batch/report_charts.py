"""The report's charts (PNG bytes, matplotlib with the Agg backend, loaded only when drawn).

Colours are the page's (``service.core.vocabulary.PALETTE``), so a label looks the same in the
browser and in a report.
"""
from __future__ import annotations

import io

from service.core.vocabulary import LABELS, PALETTE, STANCES

NONE = "(none)"        # the group of a missing value
MAX_BARS = 40          # groups shown in a bar chart (the CSV files hold them all)
MAX_PANELS = 12        # groups shown in the sources chart


def pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def png_bytes(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    pyplot().close(fig)
    return buf.getvalue()


def names(table, by: list[str]) -> list[str]:
    cols = by or ["group"]
    return [" · ".join(str(v) for v in row) for row in table[cols].itertuples(index=False)]


def largest(table, limit: int):
    """At most ``limit`` groups (those with most articles), in the table's order."""
    if len(table) <= limit:
        return table, ""
    keep = table.nlargest(limit, "articles", keep="first").sort_index()
    return keep, f" ({limit} largest of {len(table)} groups)"


def chart_shares(shares, by: list[str]) -> bytes:
    plt = pyplot()
    table, note = largest(shares, MAX_BARS)
    labels = names(table, by)
    fig, ax = plt.subplots(figsize=(8, 1.2 + 0.35 * len(table)))
    left = [0.0] * len(table)
    for lab in LABELS:
        values = list(table[f"share_{lab}"])
        ax.barh(labels, values, left=left, color=PALETTE[lab], label=lab)
        left = [a + b for a, b in zip(left, values)]
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of sentences")
    ax.set_title("How claims are presented" + note)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    return png_bytes(fig)


def chart_unattributed(shares, by: list[str]) -> bytes:
    plt = pyplot()
    table, note = largest(shares, MAX_BARS)
    fig, ax = plt.subplots(figsize=(8, 1.2 + 0.35 * len(table)))
    values = list(table["share_unattributed_asserted"])
    ax.barh(names(table, by), values, color=PALETTE["asserted"])
    for y, v in enumerate(values):
        ax.text(v, y, f" {v:.1%}", va="center", fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, max(values + [0.01]) * 1.2)
    ax.set_xlabel("share of sentences: asserted, with no source")
    ax.set_title("Claims stated as fact without a source" + note)
    return png_bytes(fig)


def chart_sources(sources, shares, by: list[str], top: int) -> bytes | None:
    if sources.empty:
        return None
    plt = pyplot()
    from matplotlib.ticker import MaxNLocator

    groups, note = largest(shares, MAX_PANELS)
    cols = by or ["group"]
    panels = [(name, sources.merge(groups.loc[[i], cols], on=cols).head(top))
              for i, name in zip(groups.index, names(groups, by))]
    panels = [(name, t) for name, t in panels if not t.empty]
    if not panels:
        return None
    ncols = 2 if len(panels) > 1 else 1
    nrows = -(-len(panels) // ncols)
    height = max(len(t) for _, t in panels)
    fig, axes = plt.subplots(nrows, ncols, figsize=(7 * ncols, nrows * (1.0 + 0.3 * height)), squeeze=False)
    for ax, (name, t) in zip(axes.flat, panels):
        left = [0] * len(t)
        labels = [s if len(s) <= 38 else s[:37] + "…" for s in t["source"]]
        for st in STANCES:
            values = list(t[st])
            ax.barh(labels, values, left=left, color=PALETTE[st], label=st)
            left = [a + b for a, b in zip(left, values)]
        ax.invert_yaxis()
        ax.set_title(name, fontsize=10)
        ax.tick_params(axis="y", labelsize=8)
        ax.set_xlabel("claims")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    for ax in list(axes.flat)[len(panels):]:
        ax.axis("off")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(STANCES), frameon=False, bbox_to_anchor=(0.5, -0.02))
    fig.suptitle("Most quoted sources, by stance" + note)
    fig.tight_layout(rect=(0, 0.03, 1, 0.97))
    return png_bytes(fig)


def chart_trend(shares, by: list[str]) -> bytes | None:
    """Month by month, one line per value of the other grouping key (if any)."""
    if "month" not in by:
        return None
    plt = pyplot()
    others = [c for c in by if c != "month"]
    months = sorted(set(shares["month"]) - {NONE})
    if not months:
        return None
    lines = [("all", shares)] if not others else [
        (" · ".join(map(str, k if isinstance(k, tuple) else (k,))), sub)
        for k, sub in shares.groupby(others, sort=True)]
    if len(lines) > 10:
        totals = sorted(lines, key=lambda kv: -kv[1]["articles"].sum())[:10]
        lines = sorted(totals, key=lambda kv: kv[0])
    metrics = [("share_asserted", "asserted"), ("share_attributed", "attributed"), ("share_hedged", "hedged"),
               ("share_unattributed_asserted", "asserted without a source")]
    fig, axes = plt.subplots(2, 2, figsize=(11, 7), sharex=True)
    for ax, (col, title) in zip(axes.flat, metrics):
        for name, sub in lines:
            sub = sub[sub["month"] != NONE].sort_values("month")
            ax.plot([months.index(m) for m in sub["month"]], list(sub[col]), marker="o", label=name)
        ax.set_title(title, fontsize=10)
        ax.set_ylim(bottom=0)
        ax.set_xticks(range(len(months)), months, rotation=45, ha="right", fontsize=8)
    if len(lines) > 1:
        axes.flat[0].legend(fontsize=8)
    fig.suptitle("Shares of sentences, month by month")
    fig.tight_layout()
    return png_bytes(fig)
