"""Evaluate attribution extraction against gold spans.

    python -m training.evaluate_attributions [--data FILE ...] [--subset all|dev|heldout] [--polnear FILE] [--json]

By default it reads ``seeds/attributions.jsonl`` (even ids dev, odd ids held-out) and
``seeds/attributions_dev2.jsonl`` (a second development set, every record ``"split": "dev"``) and
reports each file separately. A record's explicit ``"split"`` ("dev" / "heldout") wins over the
parity of its id.

Reports, per language, precision / recall / F1 for source, cue and content spans (exact match,
and overlap: the spans share at least half of each one's characters), stance accuracy and source
accuracy on the attributions whose cue was found. ``--polnear`` reads the PolNeAR format
(``source_start`` ... keys), which has no stance.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from service.core.attribution import extract
from service.core.cues import analyze_cues
from service.core.nlp import parse

ROLES = ("source", "cue", "content")
DEFAULT_DATA = Path(__file__).resolve().parent.parent / "seeds" / "attributions.jsonl"
DEV2_DATA = DEFAULT_DATA.with_name("attributions_dev2.jsonl")
DEFAULT_FILES = (DEFAULT_DATA, DEV2_DATA)
SPLITS = ("dev", "heldout")


class GoldError(ValueError):
    pass


def _split(rec: dict) -> str:
    """"dev" or "heldout": the record's explicit ``split``, else the parity of its id's number
    (even: dev, odd: held-out)."""
    if rec.get("split") is not None:
        return rec["split"]
    digits = "".join(ch for ch in str(rec.get("id", "0")).rsplit("-", 1)[-1] if ch.isdigit())
    return "dev" if int(digits or 0) % 2 == 0 else "heldout"


def _in_subset(rec: dict, subset: str) -> bool:
    return subset == "all" or _split(rec) == subset


def load_gold(path: Path, subset: str = "all") -> list[dict]:
    """Records of {text, lang, attributions: [{role: (start, end) | None, stance}]}."""
    out = []
    for i, raw in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            rec = json.loads(raw)
            if rec.get("split") is not None and rec["split"] not in SPLITS:
                raise GoldError(f"{path}:{i}: split must be one of {SPLITS}, not {rec['split']!r}")
            if not _in_subset(rec, subset):
                continue
            text = rec["text"]
            attrs = []
            for a in rec["attributions"]:
                item = {"stance": a.get("stance")}
                for role in ROLES:
                    if isinstance(a.get(role), dict):  # our format: {"text", "start", "end"}
                        span = (a[role]["start"], a[role]["end"])
                    elif a.get(f"{role}_start") is not None:  # PolNeAR format
                        span = (a[f"{role}_start"], a[f"{role}_end"])
                    else:
                        span = None
                    if span is not None and not (0 <= span[0] < span[1] <= len(text)):
                        raise GoldError(f"{path}:{i}: {role} offsets {span} outside the text")
                    item[role] = span
                attrs.append(item)
            out.append({"text": text, "lang": rec.get("lang", "en"), "attributions": attrs})
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise GoldError(f"{path}:{i}: malformed record ({exc})") from None
    return out


def predict(records: list[dict]) -> list[list[dict]]:
    out = []
    for lang in sorted({r["lang"] for r in records}):
        idx = [i for i, r in enumerate(records) if r["lang"] == lang]
        docs = parse([records[i]["text"] for i in idx], lang)
        for i, doc in zip(idx, docs):
            text = records[i]["text"]
            found = analyze_cues(text, lang, doc)
            preds = []
            for a in extract(found, lang, doc):
                item = {"stance": a.stance}
                for role in ROLES:
                    span = getattr(a, role)
                    item[role] = (span.start, span.end) if span is not None else None
                preds.append(item)
            out.append((i, preds))
    out.sort()
    return [p for _, p in out]


def _overlap(a, b) -> bool:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    return inter > 0 and inter >= 0.5 * (a[1] - a[0]) and inter >= 0.5 * (b[1] - b[0])


def _match(gold: list, pred: list, same) -> int:
    """Greedy one-to-one matching; returns the number of matched pairs."""
    used, hits = set(), 0
    for g in gold:
        for j, p in enumerate(pred):
            if j not in used and same(g, p):
                used.add(j)
                hits += 1
                break
    return hits


def _prf(tp: int, n_pred: int, n_gold: int) -> dict:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(100 * p, 1), "recall": round(100 * r, 1), "f1": round(100 * f, 1)}


def score(records: list[dict], predictions: list[list[dict]]) -> dict:
    results = {}
    for lang in sorted({r["lang"] for r in records}):
        counts = {(role, mode): [0, 0, 0] for role in ROLES for mode in ("exact", "overlap")}
        stance_ok = stance_n = source_ok = source_n = 0
        for rec, preds in zip(records, predictions):
            if rec["lang"] != lang:
                continue
            gold = rec["attributions"]
            for role in ROLES:
                g = [a[role] for a in gold if a[role] is not None]
                p = [a[role] for a in preds if a[role] is not None]
                for mode, same in (("exact", lambda x, y: x == y), ("overlap", _overlap)):
                    c = counts[(role, mode)]
                    c[0] += _match(g, p, same)
                    c[1] += len(p)
                    c[2] += len(g)
            for ga in gold:
                pa = next((p for p in preds if p["cue"] and _overlap(ga["cue"], p["cue"])), None)
                if pa is None:
                    continue
                if ga.get("stance"):
                    stance_n += 1
                    stance_ok += pa["stance"] == ga["stance"]
                if ga["source"] is not None:
                    source_n += 1
                    source_ok += pa["source"] is not None and _overlap(ga["source"], pa["source"])
        res = {f"{role}_{mode}": _prf(*counts[(role, mode)]) for role in ROLES for mode in ("exact", "overlap")}
        res["sentences"] = sum(1 for r in records if r["lang"] == lang)
        res["gold_attributions"] = counts[("cue", "exact")][2]
        res["stance_accuracy"] = round(100 * stance_ok / stance_n, 1) if stance_n else None
        res["source_accuracy_on_found_cues"] = round(100 * source_ok / source_n, 1) if source_n else None
        results[lang] = res
    return results


def format_table(name: str, results: dict) -> str:
    lines = [name]
    for lang, res in results.items():
        lines.append(f"  [{lang}] {res['sentences']} sentences, {res['gold_attributions']} gold attributions")
        lines.append(f"    {'':8}{'exact P/R/F1':>22}{'overlap P/R/F1':>24}")
        for role in ROLES:
            e, o = res[f"{role}_exact"], res[f"{role}_overlap"]
            lines.append(f"    {role:8}{e['precision']:>8}{e['recall']:>7}{e['f1']:>7}"
                         f"{o['precision']:>10}{o['recall']:>7}{o['f1']:>7}")
        if res["stance_accuracy"] is not None:
            lines.append(f"    stance accuracy on found cues: {res['stance_accuracy']}")
        lines.append(f"    source accuracy (overlap) on found cues: {res['source_accuracy_on_found_cues']}")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m training.evaluate_attributions", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", action="append",
                    help="gold file in this project's format (repeatable; default: "
                         "seeds/attributions.jsonl and seeds/attributions_dev2.jsonl, reported separately)")
    ap.add_argument("--subset", choices=("all",) + SPLITS, default="all",
                    help="dev: split 'dev' or even ids (used while developing the extractor); "
                         "heldout: split 'heldout' or odd ids (never looked at)")
    ap.add_argument("--polnear", help="PolNeAR-format gold file (evaluation only)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    report = {}
    try:
        files = args.data or [str(p) for p in DEFAULT_FILES if p.exists()]
        sets = [(Path(f).stem, f) for f in files] + ([("polnear", args.polnear)] if args.polnear else [])
        for name, path in sets:
            records = load_gold(Path(path), "all" if name == "polnear" else args.subset)
            if not records:
                continue
            t0 = time.perf_counter()
            preds = predict(records)
            report[name] = score(records, preds)
            report[name]["seconds"] = round(time.perf_counter() - t0, 2)
    except (OSError, GoldError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for name, res in report.items():
            seconds = res.pop("seconds")
            print(format_table(f"{name} ({seconds} s)", res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
