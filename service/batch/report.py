"""Compare outlets, months ... from a batch run: ``python -m service.batch.report DIR --by outlet [--by month]``.

Reads the article table of ``python -m service.batch --out DIR`` and writes, per group: the shares
of asserted, attributed, hedged (and other) sentences, the share of claims stated as fact without
a source (asserted sentences with no attribution), and the most quoted sources with their stance
counts; as CSV files, PNG charts and one self-contained HTML page (charts embedded as data: URIs,
nothing fetched from elsewhere). ``--by month`` derives the month (YYYY-MM) from a ``date`` column.

Shares are pooled over sentences (an article of 40 sentences weighs 4 times one of 10), so a
group's share is that of all its sentences. Sources are merged across articles by name, case- and
determiner-insensitively.
"""
from __future__ import annotations

import argparse
import base64
import html
import json
import re
import sys
from collections import Counter
from pathlib import Path

from service.batch.inputs import ArchiveError
from service.batch.report_charts import (
    MAX_BARS, NONE, chart_shares, chart_sources, chart_trend, chart_unattributed, largest, names)
from service.batch.report_strength import chart_strength, has_strength, strength_table
from service.batch.tables import ERRORS, SHARES, read_manifest, read_table, write_file
from service.core.attribution import normalise_source
from service.core.vocabulary import STANCES

PROG = "python -m service.batch.report"
MAX_SKIPPED_SHOWN = 100  # skipped records listed in the page (skipped.csv holds them all)
SKIPPED_COLUMNS = ("source_file", "row", "id", "reason")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ISO_MONTH = re.compile(r"^\s*(\d{4})-(\d{2})")
STRENGTH_NOTE = ("Assertiveness: the mean commitment (0..1) of the claims; sourcing: the share of the claims "
                 "resting on a named person, an identified body, an anonymous or a vague source, or on none "
                 "(the author's own). Pooled over claims; 95% intervals from 1,000 bootstrap resamples of the "
                 "articles (fixed seed).")


class ReportError(ValueError):
    """A report that cannot be made from this folder; the message says why."""


# --- tables -------------------------------------------------------------------------------------
def load_articles(root: Path, by: list[str]):
    """The article table with one text column per grouping key (``month`` derived from ``date``)."""
    root = Path(root)
    if not root.is_dir():
        raise ReportError(f"{root}: no such directory")
    if not any((root / "articles").glob("*.parquet")) and not any((root / "articles").glob("*.jsonl")):
        raise ReportError(f"{root}: no article table (articles/*.parquet or *.jsonl); "
                          "run python -m service.batch ... --out DIR first")
    try:
        df = read_table(root, "articles")
    except ArchiveError as exc:
        raise ReportError(str(exc)) from None
    if df.empty:
        raise ReportError(f"{root}: the article table is empty (every record went to errors.jsonl?)")
    for col in by:
        if col == "month" and "month" not in df.columns:
            if "date" not in df.columns:
                raise ReportError(f"{root}: --by month derives the month from a 'date' column, and the article "
                                  f"table has none (columns: {', '.join(df.columns)})")
            df["month"] = month_of(df["date"])
        elif col not in df.columns:
            raise ReportError(f"{root}: the article table has no column {col!r} (columns: {', '.join(df.columns)})")
        df[col] = [_label(v) for v in df[col]]
    return df


def month_of(dates):
    """YYYY-MM as written (an ISO string keeps its own month, whatever its time zone); other
    dates are parsed; what cannot be read is ``(none)``."""
    import pandas as pd

    if pd.api.types.is_datetime64_any_dtype(dates):
        return [NONE if pd.isna(d) else d.strftime("%Y-%m") for d in dates]
    out = []
    for value in dates:
        if value is None or (isinstance(value, float) and value != value):
            out.append(NONE)
            continue
        if hasattr(value, "strftime"):
            out.append(value.strftime("%Y-%m"))
            continue
        m = _ISO_MONTH.match(str(value))
        if m and 1 <= int(m.group(2)) <= 12:
            out.append(f"{m.group(1)}-{m.group(2)}")
            continue
        parsed = pd.to_datetime(str(value), errors="coerce", format="mixed")
        out.append(NONE if pd.isna(parsed) else parsed.strftime("%Y-%m"))
    return out


def _label(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return NONE
    text = str(value).strip()
    return text or NONE


def _groups(df, by: list[str]):
    """(key tuple, rows) per group, sorted by key; no --by: one group of everything."""
    if not by:
        return [(("all",), df)]
    return [((k,) if not isinstance(k, tuple) else k, sub) for k, sub in df.groupby(by, sort=True)]


def group_shares(df, by: list[str]):
    import pandas as pd

    rows = []
    for key, sub in _groups(df, by):
        n = int(sub["sentences"].sum())
        row = dict(zip(by or ["group"], key), articles=len(sub), sentences=n)
        for s in SHARES:
            row[f"share_{s}"] = round(float((sub[f"share_{s}"] * sub["sentences"]).sum() / n), 4) if n else 0.0
        rows.append(row)
    return pd.DataFrame(rows)


def top_sources(df, by: list[str], top: int):
    """The ``top`` sources of each group by number of claims, with their stance counts."""
    import pandas as pd

    rows = []
    for key, sub in _groups(df, by):
        agg: dict[str, dict] = {}
        for lang, sources in zip(sub["lang"], sub["sources"]):
            seen = set()
            for s in json.loads(sources) if isinstance(sources, str) else sources:
                k = normalise_source(s["name"], lang) or s["name"].lower()
                a = agg.setdefault(k, {"names": Counter(), "articles": 0, "claims": 0, **dict.fromkeys(STANCES, 0)})
                a["names"][s["name"]] += s["claims"]
                a["claims"] += s["claims"]
                if k not in seen:
                    seen.add(k)
                    a["articles"] += 1
                for st in STANCES:
                    a[st] += s["stances"].get(st, 0)
        ranked = sorted(agg.items(), key=lambda kv: (-kv[1]["claims"], -kv[1]["articles"], kv[0]))[:top]
        for rank, (_, a) in enumerate(ranked, 1):
            name = sorted(a["names"].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
            rows.append(dict(zip(by or ["group"], key), rank=rank, source=name, articles=a["articles"],
                             claims=a["claims"], **{st: a[st] for st in STANCES}))
    columns = [*(by or ["group"]), "rank", "source", "articles", "claims", *STANCES]
    return pd.DataFrame(rows, columns=columns)


def skipped_records(root: Path):
    """The records the batch could not analyse (``errors.jsonl``): source file, row, id, reason.
    A line that is not a JSON object is listed with its line number rather than dropped."""
    import pandas as pd

    rows = []
    path = Path(root) / ERRORS
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        lines = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except ValueError:
            rec = None
        if not isinstance(rec, dict):
            rec = {"reason": f"unreadable line {n} of {ERRORS}"}
        rows.append({k: rec.get(k) for k in SKIPPED_COLUMNS})
    return pd.DataFrame(rows, columns=list(SKIPPED_COLUMNS))


def csv_bytes(table) -> bytes:
    """CSV in UTF-8, where text a spreadsheet would run as a formula ("=HYPERLINK(…)", "@SUM(…)",
    "+33 6…") starts with an apostrophe (OWASP's advice for CSV injection); numbers stay numbers."""
    safe = table.copy()
    safe.columns = [_inert(str(c)) for c in safe.columns]
    for col in safe.columns:
        safe[col] = [_inert(v) if isinstance(v, str) else v for v in safe[col]]
    return safe.to_csv(index=False).encode("utf-8")


def _inert(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) else text


# --- page ---------------------------------------------------------------------------------------
def _table_html(df, percent: set[str]) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    body = []
    for row in df.itertuples(index=False):
        cells = []
        for col, value in zip(df.columns, row):
            text = f"{value:.1%}" if col in percent else str(value)
            cls = ' class="num"' if isinstance(value, (int, float)) and not isinstance(value, bool) else ""
            cells.append(f"<td{cls}>{html.escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f'<div class="wide"><table><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>'


def _img(png: bytes | None, alt: str) -> str:
    if png is None:
        return "<p>(no data for this chart)</p>"
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}">'


def render_html(root: Path, by: list[str], shares, sources, charts: dict[str, bytes | None],
                skipped=None) -> str:
    manifest = read_manifest(root)
    n_skipped = 0 if skipped is None else len(skipped)
    percent = {c for c in shares.columns if c.startswith(("share_", "sourcing_"))}
    title = "Framing report" + (f" by {' and '.join(by)}" if by else "")
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title>",
        "<style>body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#222}"
        "table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}th,td{border:1px solid #ccc;padding:.25rem .5rem}"
        "th{background:#f3f3f3;text-align:left}td{white-space:nowrap}td.num{text-align:right}img{max-width:100%;height:auto}"
        "p.note{color:#555;font-size:.9rem}div.wide{overflow-x:auto}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f'<p class="note">{int(shares["articles"].sum())} articles, {int(shares["sentences"].sum())} sentences '
        f"in {len(shares)} group(s), from {html.escape(str(root))}"
        + (f"; model {html.escape(str(manifest['model_version']))}" if manifest.get("model_version") else "")
        + ". Shares are pooled over the sentences of each group."
        + (f" {n_skipped} record(s) the batch skipped are not in the figures (listed at the end)." if n_skipped else "")
        + "</p>",
        "<h2>How claims are presented</h2>",
        '<p class="note">Share of sentences stating a claim as fact (asserted), reporting it from a source '
        "(attributed), hedging it, or making no claim (none).</p>",
        _img(charts.get("shares"), "shares of sentences per group"),
        "<h2>Claims stated as fact without a source</h2>",
        '<p class="note">Asserted sentences with no attribution, as a share of all sentences.</p>',
        _img(charts.get("unattributed"), "share of unattributed asserted sentences per group"),
    ]
    if "trend" in charts:
        parts += ["<h2>Month by month</h2>", _img(charts["trend"], "shares month by month")]
    if "strength" in charts:
        parts += ["<h2>How strongly claims are made</h2>", f'<p class="note">{html.escape(STRENGTH_NOTE)}</p>',
                  _img(charts["strength"], "assertiveness and sourcing shares per group")]
    parts += ["<h2>Figures per group</h2>", _table_html(shares, percent),
              "<h2>Most quoted sources</h2>",
              '<p class="note">Claims attributed to each source, by the stance of the reporting verb.</p>',
              _img(charts.get("sources"), "most quoted sources per group"),
              _table_html(sources, set()) if not sources.empty else "<p>No attributed source was found.</p>"]
    if n_skipped:
        shown = skipped.head(MAX_SKIPPED_SHOWN)
        parts += ["<h2>Records the batch skipped</h2>",
                  f'<p class="note">{n_skipped} record(s) of the input could not be analysed (errors.jsonl of the run)'
                  + (f"; the first {len(shown)} are shown, all are in skipped.csv" if len(shown) < n_skipped
                     else "; also in skipped.csv") + ".</p>",
                  _table_html(shown, set())]
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def make_report(root: Path, by: list[str], out: Path, top: int = 10, skipped=None) -> dict[str, Path]:
    """Write the CSV files, charts and page; returns what was written, by kind. ``skipped``: the
    run's ``skipped_records`` when the caller has already read them."""
    root, out = Path(root), Path(out)
    df = load_articles(root, by)
    shares = group_shares(df, by)
    sources = top_sources(df, by, top)
    charts = {"shares": chart_shares(shares, by), "unattributed": chart_unattributed(shares, by),
              "sources": chart_sources(sources, shares, by, top)}
    if has_strength(df):  # assertiveness and sourcing shares, with bootstrap intervals
        cols = by or ["group"]
        shares = shares.merge(strength_table((dict(zip(cols, k)), sub) for k, sub in _groups(df, by)), on=cols)
        table, note = largest(shares, MAX_BARS)
        charts["strength"] = chart_strength(table, names(table, by), note)
    trend = chart_trend(shares, by)
    if trend is not None:
        charts["trend"] = trend
    skipped = skipped_records(root) if skipped is None else skipped
    tables = {"groups": shares, "sources": sources, **({"skipped": skipped} if len(skipped) else {})}
    written = {}
    for name, table in tables.items():
        written[name] = out / f"{name}.csv"
        write_file(written[name], csv_bytes(table))
    for name, png in charts.items():
        if png is not None:
            written[f"{name}_png"] = out / f"{name}.png"
            write_file(written[f"{name}_png"], png)
    written["html"] = out / "report.html"
    write_file(written["html"], render_html(root, by, shares, sources, charts, skipped).encode("utf-8"))
    return written


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog=PROG, description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir", metavar="DIR", help="output folder of python -m service.batch")
    ap.add_argument("--by", action="append", default=[], metavar="COLUMN",
                    help="group by this article column (repeatable; 'month' derives from 'date')")
    ap.add_argument("--out", metavar="REPORT_DIR", help="where to write (default DIR/report)")
    ap.add_argument("--top", type=int, default=10, metavar="N", help="sources listed per group (default 10)")
    args = ap.parse_args(argv)
    if args.top < 1:
        ap.error("--top must be at least 1")
    by = list(dict.fromkeys(args.by))
    out = Path(args.out) if args.out else Path(args.dir) / "report"
    skipped = skipped_records(Path(args.dir))
    try:
        written = make_report(Path(args.dir), by, out, args.top, skipped)
    except ReportError as exc:
        ap.error(str(exc))
    except OSError as exc:
        ap.error(f"{exc.filename or out}: cannot write ({exc.strerror or exc})")
    print(f"report written to {out}: " + ", ".join(p.name for p in written.values()))
    if "skipped" in written:
        print(f"{len(skipped)} record(s) the batch skipped are not in the figures: "
              f"see {written['skipped']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
