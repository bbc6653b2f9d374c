"""Damaged real text for fuzzing the analysis: corpus sentences assembled into articles, then
broken the way pasted news copy is (stray quotes, notes, invisible characters, entities, run-ons).

    for lang, text, what in damaged_articles(100, seed=1): ...
    make_case(seed, lang, ["nbsp", "notes"], max_chars)   # one article, rebuilt exactly

Deterministic: a case depends only on its seed, language, damage names and ``max_chars``.
Every damage is a function ``(rng, text, lang) -> text`` listed in ``DAMAGES``.
``offset_problems`` checks an ``/v1/analyze`` answer's offsets against the text sent.
"""
from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED_ARTICLE = SEEDS / "000_2061794f87552b70.txt"
LANGS = ("fr", "en")

NBSPS = ("\u00a0", "\u202f")
QUOTES = "«»“”\"‘’"
OPENERS, CLOSERS = ("« ", "“", "‘", '"', "«"), (" »", "”", "’", '"', "»")
NOTES = (" (1)", "  (2)", "(3)", "[2]", " [14]", "¹", "²³", " (*)", "[réf. nécessaire]")
BULLETS = ("• ", "– ", "- ", "* ", "•", "— ", "  - ", "◦ ")
EMOJI = ("😀", "🇫🇷", "👍🏽", "👨‍👩‍👧", "❤️", "🔥", "➡️", "✅", "📢", "🤔", "🇺🇦", "⚠️")
ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\ufeff")
BIDI = ("\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
        "\u2066", "\u2067", "\u2068", "\u2069")
BREAKS = ("\n", "\r\n", "\r", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\n\n")
CONTROLS = tuple(chr(c) for c in [*range(9), *range(14, 32), 127, *range(128, 160)])
TAGS = ("<b>", "</b>", "<br>", "<br/>", "<p>", "</p>", "<i>", "</i>", '<a href="https://ex.org/?a=1&b=2">', "</a>")
ENDINGS = ("!!!", "....", "?!?", "…", "!!!!!!!!!!", "?!?!?!", ". . .", "." * 40, "?!", ";;", "::")
REPORTING = {"fr": ("a déclaré que", "a affirmé qu'il pensait que", "a assuré que", "a dit que selon",
                    "a démenti que", "aurait confié que"),
             "en": ("said that", "claimed that", "told reporters that", "said, according to",
                    "denied that", "reportedly said that")}
SUBJECTS = {"fr": ("le ministre", "l'entourage du préfet", "elle", "une source proche du dossier"),
            "en": ("the minister", "a spokesman", "she", "officials")}

Damage = Callable[[random.Random, str, str], str]


@cache
def corpus() -> dict[str, tuple[str, ...]]:
    """Corpus sentences by language: seeds/train.jsonl, seeds/test.jsonl and the seed article."""
    out: dict[str, list[str]] = {lang: [] for lang in LANGS}
    for name in ("train.jsonl", "test.jsonl"):
        rows = (json.loads(line) for line in (SEEDS / name).read_text(encoding="utf-8").splitlines() if line.strip())
        for row in rows:
            if row.get("lang") in out and row.get("text", "").strip():
                out[row["lang"]].append(row["text"].strip())
    out["fr"] += [s.strip() for s in SEED_ARTICLE.read_text(encoding="utf-8").splitlines() if s.strip()]
    return {lang: tuple(s) for lang, s in out.items()}


def article(rng: random.Random, lang: str, max_chars: int) -> str:
    """A random run of same-language sentences joined by spaces, line breaks or blank lines."""
    target = int(min(max_chars, 20000) ** rng.uniform(0.5, 1.0))
    sents, parts, size = corpus()[lang], [], 0
    start = rng.randrange(len(sents))
    while size < target:
        s = sents[(start + len(parts)) % len(sents)] if rng.random() < 0.5 else rng.choice(sents)
        parts.append(s)
        size += len(s) + 1
    return parts[0] + "".join(rng.choice((" ", " ", " ", "\n", "\n\n")) + s for s in parts[1:])


def _words(rng: random.Random, text: str, rate: float, fn: Callable[[str], str]) -> str:
    """``fn`` applied to a ``rate`` share of the words."""
    return re.sub(r"\S+", lambda m: fn(m.group()) if rng.random() < rate else m.group(), text)


def _insert(rng: random.Random, text: str, pieces, k: int) -> str:
    """``k`` random picks of ``pieces`` inserted at random positions."""
    spots = sorted(rng.randrange(len(text) + 1) for _ in range(k))
    out, last = [], 0
    for p in spots:
        out += [text[last:p], rng.choice(pieces)]
        last = p
    return "".join(out) + text[last:]


def _inside(rng: random.Random, word: str, pieces) -> str:
    """A pick of ``pieces`` put inside ``word`` (between two of its characters)."""
    i = rng.randrange(1, len(word)) if len(word) > 1 else 1
    return word[:i] + rng.choice(pieces) + word[i:]


def _at_line(rng: random.Random, text: str, block: str) -> str:
    """``block`` inserted on its own line, or run into the text after a sentence."""
    cuts = [m.end() for m in re.finditer(r"[.!?»]\s|\n", text)] or [len(text)]
    i = rng.choice(cuts)
    return text[:i] + rng.choice(("\n", " ", "\n\n")) + block + rng.choice(("\n", " ")) + text[i:]


def _n(rng: random.Random, low: int, high: int) -> int:
    """A count between low and high, log-uniform (small counts common, huge ones possible)."""
    return round(low * (high / low) ** rng.random())


def doubled_spaces(rng, text, lang):
    """Some spaces doubled or tripled."""
    return re.sub(" ", lambda m: " " * rng.choice((1, 1, 2, 3, 5)), text)


def nbsp(rng, text, lang):
    """Spaces made U+00A0 / U+202F, always before ; : ! ? » and after « (French typography)."""
    text = re.sub(r" (?=[;:!?»])|(?<=«) ", lambda m: rng.choice(NBSPS), text)
    return re.sub(" ", lambda m: rng.choice(NBSPS) if rng.random() < 0.3 else " ", text)


def stray_quotes(rng, text, lang):
    """Quote marks stuck to the start or end of random words, unbalanced."""
    return _words(rng, text, 0.06, lambda w: rng.choice(QUOTES) + w if rng.random() < 0.5 else w + rng.choice(QUOTES))


def unbalanced_quotes(rng, text, lang):
    """Quotes opened at sentence starts and never closed, or closed without being opened."""
    return re.sub(r"(?<=[.!?] )|^", lambda m: rng.choice(OPENERS + CLOSERS) if rng.random() < 0.3 else "",
                  text, flags=re.MULTILINE)


def notes(rng, text, lang):
    """Note calls "(1)", "[2]", "¹" after sentence ends and words, sometimes before a closing quote."""
    text = re.sub(r"(?<=[.!?])(?=\s)", lambda m: rng.choice(NOTES) + rng.choice(("", "", "»", "”")) if rng.random() < 0.4 else "", text)
    return _words(rng, text, 0.03, lambda w: w + rng.choice(NOTES))


def bullets(rng, text, lang):
    """Lines (and some sentences, put on lines of their own) start with •, –, -, *."""
    text = re.sub(r"(?<=[.!?]) (?=[A-ZÀ-Ý])", lambda m: "\n" if rng.random() < 0.3 else " ", text)
    return re.sub(r"^", lambda m: rng.choice(BULLETS) if rng.random() < 0.7 else "", text, flags=re.MULTILINE)


def emoji(rng, text, lang):
    """Emoji (flags, skin tones, ZWJ families) between and after words."""
    return _insert(rng, text, EMOJI, _n(rng, 1, 1 + len(text) // 40))


def zero_width(rng, text, lang):
    """Zero-width space / (non-)joiners / BOM inside and between words."""
    return _words(rng, text, 0.15, lambda w: _inside(rng, w, ZERO_WIDTH) if rng.random() < 0.7 else w + rng.choice(ZERO_WIDTH))


def bidi(rng, text, lang):
    """Bidi marks, embeddings and isolates, paired or not."""
    return _words(rng, text, 0.1, lambda w: rng.choice(BIDI) + w + rng.choice(BIDI + ("",)))


def soft_hyphens(rng, text, lang):
    """Soft hyphens U+00AD inside longer words."""
    return re.sub(r"\w{6,}", lambda m: _inside(rng, m.group(), ("\u00ad",)) if rng.random() < 0.4 else m.group(), text)


def html_entities(rng, text, lang):
    """HTML entities left in: &nbsp; &amp; &#8217; &quot; &#39; &laquo;."""
    subs = {" ": "&nbsp;", "’": "&#8217;", "'": "&#39;", '"': "&quot;", "«": "&laquo;", "&": "&amp;"}
    text = re.sub(r"[ ’'\"«&]", lambda m: subs[m.group()] if rng.random() < 0.25 else m.group(), text)
    return _words(rng, text, 0.02, lambda w: w + " &amp;")


def html_tags(rng, text, lang):
    """Tags left in: <b>…</b> around words, <br> and <p> between them."""
    return _words(rng, text, 0.08, lambda w: f"<b>{w}</b>" if rng.random() < 0.4 else w + rng.choice(TAGS))


def mid_breaks(rng, text, lang):
    """Line breaks (\\n, \\r\\n, \\r, U+2028, U+2029, NEL, VT, FF) in the middle of sentences."""
    return re.sub(" ", lambda m: rng.choice(BREAKS) if rng.random() < 0.08 else " ", text)


def long_sentence(rng, text, lang):
    """A run-on sentence of 5,000-50,000 characters: many sentences joined by commas/semicolons."""
    target, parts, size = rng.randint(5000, 50000), [], 0
    while size < target:
        s = rng.choice(corpus()[lang]).rstrip(".!?…")
        parts.append(s[:1].lower() + s[1:] if parts else s)
        size += len(s) + 2
    joined = "".join(p + rng.choice((", ", "; ", " ; ", ", et ", " — ")) for p in parts[:-1]) + parts[-1] + "."
    return _at_line(rng, text, joined)


def caps_headline(rng, text, lang):
    """All-caps headlines without final punctuation, on their own line or run into the text."""
    for _ in range(rng.randint(1, 3)):
        text = _at_line(rng, text, rng.choice(corpus()[lang]).rstrip(".!?").upper())
    return text


def bare_list(rng, text, lang):
    """A list of short items without punctuation, one per line or run together."""
    items = [" ".join(rng.choice(corpus()[lang]).split()[:rng.randint(1, 7)]).rstrip(".,;:") for _ in range(rng.randint(3, 30))]
    return _at_line(rng, text, rng.choice(("\n", " ", "  ", "\t")).join(items))


def repeated_punct(rng, text, lang):
    """Sentence ends replaced by "!!!", "....", "?!?", "…" and longer runs."""
    return re.sub(r"[.!?](?=\s|$)", lambda m: rng.choice(ENDINGS) if rng.random() < 0.5 else m.group(), text)


def tabs(rng, text, lang):
    """Tabs for spaces and at line starts."""
    text = re.sub(" ", lambda m: rng.choice(("\t", "\t\t", " \t")) if rng.random() < 0.15 else " ", text)
    return re.sub(r"^", lambda m: "\t" * rng.randint(0, 3), text, flags=re.MULTILINE)


def control_chars(rng, text, lang):
    """C0/C1 control characters (NUL, ESC, DEL, NEL...) at random positions."""
    return _insert(rng, text, CONTROLS, _n(rng, 1, 1 + len(text) // 30))


def repeat_sentence(rng, text, lang):
    """One sentence repeated 5-2,000 times, joined by spaces or line breaks."""
    s = rng.choice(corpus()[lang])
    return _at_line(rng, text, rng.choice((" ", "\n", "")).join([s] * _n(rng, 5, 2000)))


def repeated_reporting(rng, text, lang):
    """A reporting clause repeated N times ("X a déclaré que X a déclaré que ...")."""
    clause = f"{rng.choice(SUBJECTS[lang])} {rng.choice(REPORTING[lang])} "
    block = clause[:1].upper() + clause[1:] + clause * _n(rng, 2, 3000)
    return _at_line(rng, text, block + rng.choice(corpus()[lang])[:1].lower() + rng.choice(corpus()[lang])[1:])


def deep_quotes(rng, text, lang):
    """Quotes nested deeply ("Il a dit : « Elle a dit : « ..."), closed fully, partly or not at all."""
    depth, said = _n(rng, 3, 400), rng.choice(SUBJECTS[lang]) + (" a dit : " if lang == "fr" else " said: ")
    opens = [rng.choice(OPENERS) for _ in range(depth)]
    closes = "".join(CLOSERS[OPENERS.index(o)] for o in reversed(opens[:rng.randint(0, depth)]))
    body = "".join((said if rng.random() < 0.5 else "") + o for o in opens) + rng.choice(corpus()[lang]) + closes
    return _at_line(rng, text, body)


def combining(rng, text, lang):
    """Combining marks (U+0300-U+036F) on letters, up to 20 stacked."""
    return re.sub(r"\w", lambda m: m.group() + "".join(chr(rng.randint(0x300, 0x36F)) for _ in range(_n(rng, 1, 20)))
                  if rng.random() < 0.05 else m.group(), text)


def missing_spaces(rng, text, lang):
    """Spaces lost after sentence ends and around quotes ("fin.Début", "«Non»,dit-il")."""
    return re.sub(r"(?<=[.!?,»”]) |(?<=[«“]) | (?=[»”])", lambda m: "" if rng.random() < 0.6 else " ", text)


def truncated(rng, text, lang):
    """The copy cut off at a random character, mid-word or mid-entity."""
    return text[:rng.randrange(1, len(text) + 1)] if text else text


def mojibake(rng, text, lang):
    """Words double-encoded (UTF-8 read as cp1252: "Ã©", "â€™", U+FFFD), as in badly converted copy."""
    return _words(rng, text, 0.2, lambda w: w.encode("utf-8").decode("cp1252", errors="replace"))


def apostrophes(rng, text, lang):
    """Apostrophes typed as ʼ ′ ` ´ ‘ or doubled, and a dotted capital İ (longer when lower-cased)."""
    text = re.sub(r"['’]", lambda m: rng.choice(("'", "’", "ʼ", "′", "`", "´", "‘", "''")), text)
    return re.sub(r"I", lambda m: "İ" if rng.random() < 0.2 else "I", text)


def other_language(rng, text, lang):
    """Sentences of the other language mixed in."""
    other = corpus()["en" if lang == "fr" else "fr"]
    for _ in range(rng.randint(1, 5)):
        text = _at_line(rng, text, rng.choice(other))
    return text


DAMAGES: dict[str, Damage] = {f.__name__: f for f in (
    doubled_spaces, nbsp, stray_quotes, unbalanced_quotes, notes, bullets, emoji, zero_width, bidi,
    soft_hyphens, html_entities, html_tags, mid_breaks, long_sentence, caps_headline, bare_list,
    repeated_punct, tabs, control_chars, repeat_sentence, repeated_reporting, deep_quotes, combining,
    missing_spaces, truncated, mojibake, apostrophes, other_language)}


def make_case(seed: int | str, lang: str, names: list[str], max_chars: int = 20000) -> str:
    """One damaged article: an article of ``lang`` with ``names`` applied in order, cut to ``max_chars``."""
    rng = random.Random(f"{seed}/{lang}/{'+'.join(names)}/{max_chars}")
    text = article(rng, lang, max_chars)
    for name in names:
        text = DAMAGES[name](rng, text, lang)
    return text[:max_chars]


def damaged_articles(n: int, seed: int = 0, max_chars: int = 20000) -> Iterator[tuple[str, str, str]]:
    """``n`` cases ``(lang, text, description)``; case ``i`` is ``case(seed, i, max_chars)``."""
    for i in range(n):
        yield case(seed, i, max_chars)


def case(seed: int, i: int, max_chars: int = 20000) -> tuple[str, str, str]:
    """Case ``i`` of the run ``seed``: ``(lang, text, description)``."""
    rng = random.Random(f"{seed}:{i}")
    lang, names = rng.choice(LANGS), rng.sample(sorted(DAMAGES), rng.choice((1, 1, 1, 2, 2, 3, 4, 6)))
    text = make_case(rng.getrandbits(32), lang, names, max_chars)
    return lang, text, f"{'+'.join(names)} ({lang}, {len(text)} chars)"


def offset_problems(text: str, body: dict) -> list[str]:
    """Every broken offset invariant of an ``/v1/analyze`` body for ``text`` (empty: all hold)."""
    problems, prev_end = [], 0

    def span(where: str, s: dict | None, lo: int, hi: int) -> None:
        if s is None:
            return
        a, b = s.get("start"), s.get("end")
        if not (isinstance(a, int) and isinstance(b, int) and lo <= a < b <= hi):
            problems.append(f"{where}: [{a}, {b}) not a non-empty span inside [{lo}, {hi})")
        elif text[a:b] != s.get("text"):
            problems.append(f"{where}: text[{a}:{b}] = {text[a:b]!r} != {s.get('text')!r}")

    for i, sent in enumerate(body.get("sentences", [])):
        if sent.get("index") != i:
            problems.append(f"sentence {i}: index {sent.get('index')}")
        span(f"sentence {i}", sent, prev_end, len(text))
        ints = isinstance(sent.get("start"), int) and isinstance(sent.get("end"), int)
        lo, hi = (sent["start"], sent["end"]) if ints else (0, len(text))
        prev_end = max(prev_end, hi)
        for j, cue in enumerate(sent.get("cues", [])):
            span(f"sentence {i} cue {j}", cue, lo, hi)
        for j, att in enumerate(sent.get("attributions", [])):
            for part in ("source", "cue", "content"):
                span(f"sentence {i} attribution {j} {part}", att.get(part), lo, hi)
    for k, src in enumerate(body.get("summary", {}).get("sources", [])):
        for j, m in enumerate(src.get("mentions", [])):
            span(f"summary source {k} mention {j}", m, 0, len(text))
    return problems
