"""Text -> sentence spans with offsets into the input.

Line breaks always end a sentence (a headline or "Lire plus :" line stands alone); inside a line
sentencex (a maintained rule-based segmenter with a compiled core; with our repairs 25-40x faster
than pysbd and as accurate on our corpus, see bench/bench_segment.py) splits sentences, knowing decimals, initials, quotes and ellipses.
Our per-language abbreviation lexicon then decides around periods: it is the one list of what
may not end a sentence (M., Dr., U.S., Jan.), so "in May. Global" ends one and "Le Dr. Martin"
does not.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from sentencex import segment as _sentencex

from service.core.lexicon import LEXICON_DIR

_LINE = re.compile(r"[^\r\n]+")
# A sentence end inside a line. The look-behind makes a run of punctuation match only from its
# first mark, so "." * 100000 is one linear scan, not one per position.
_INNER_END = re.compile(r"(?<![.!?…])[.!?…]++[\"'’»”)\]]*+\s+\S")
# "« Je viendrai. » Puis ..." : a closed quote ending in . ! ? followed by a capital ends a sentence.
_QUOTE_END = re.compile(r"[.!?…]\s*[»\u201d\"]\s+(?=[A-ZÀ-ÖØ-Þ«\u201c])")
# "... in May. Global ..." : a word of 2+ letters, a period, a capital: a sentence end unless the
# word is in the abbreviation lexicon (checked in code).
_WORD_END = re.compile(r"(?<![\w.])(\w{2,})\.\s+(?=[«\u201c\"(]?[A-ZÀ-ÖØ-Þ])")
# An opening quote left at the end of a piece (after a space) starts the next sentence.
_TRAILING_OPENER = re.compile(r"(?<=\s)[«\u201c\u2018\"(\[]+\s*$")


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int
    end: int


@lru_cache(maxsize=None)
def _abbreviations(lang: str) -> dict[str, str]:
    """Abbreviation -> its kind: ``title`` (M., Dr.: an abbreviation only when capitalised, so
    "5,80 m. Le" ends a sentence), ``number`` (No. 5, p. 12, Jan. 3: only before a number, so
    "He said no. Then" ends one) or ``any`` (etc., vs.)."""
    path = LEXICON_DIR / lang / "abbreviations.tsv"
    lines = path.read_text(encoding="utf-8").split("\n")[1:] if path.exists() else []
    rows = (line.split("\t") for line in lines if line.strip())
    return {row[0].strip().lower(): (row[1].strip() if len(row) > 1 else "any") for row in rows}


def _shields(word: str, abbrevs: dict[str, str]) -> bool:
    """Whether ``word`` (ending in a period) is an abbreviation that keeps the next word of any
    kind in its sentence."""
    kind = abbrevs.get(word.lower())
    return kind == "any" or (kind == "title" and word[:1].isupper())


class _QuoteBalance:
    """Whether the text read so far leaves a quotation open (a quote of several sentences stays one
    unit), counted incrementally so that a line of many shielded periods stays linear."""

    MARKS = ("«", "»", "\u201c", "\u201d", '"')

    def __init__(self):
        self.counts = dict.fromkeys(self.MARKS, 0)

    def add(self, text: str) -> None:
        for mark in self.MARKS:
            self.counts[mark] += text.count(mark)

    def open(self) -> bool:
        c = self.counts
        return c["«"] > c["»"] or c["\u201c"] > c["\u201d"] or c['"'] % 2 == 1


def _inside_quote(text: str) -> bool:
    """Whether ``text`` leaves a quotation open."""
    balance = _QuoteBalance()
    balance.add(text)
    return balance.open()


def _pieces(chunk: str, lang: str) -> list[str]:
    """The segmenter's split, then repaired with the abbreviation lexicon: no sentence opens in
    lower case, right after an abbreviation ("Le Dr. Martin") or with the number an abbreviation
    announces ("No. 5"); a word that is not an abbreviation, then a
    period and a capital, ends a sentence; a closed quote followed by a capital ends one; an
    opening quote belongs to the sentence after it. Every step is linear in the line's length."""
    if not _INNER_END.search(chunk):
        return [chunk]  # no sentence end inside the line: nothing to split
    abbrevs = _abbreviations(lang)
    pieces: list[str] = []
    for piece in (p for window in _windows(chunk) for p in _segment(window, lang)):
        last, read, balance = 0, 0, _QuoteBalance()
        for m in _WORD_END.finditer(piece):
            balance.add(piece[read:m.start()])
            read = m.start()
            if not _shields(m.group(1) + ".", abbrevs) and not balance.open():
                pieces.append(piece[last:m.end()])
                last = read = m.end()
                balance = _QuoteBalance()
        pieces.append(piece[last:])
    out: list[str] = []
    for unit in _merge(pieces, abbrevs):
        last = 0
        for m in _QUOTE_END.finditer(unit):
            out.append(unit[last:m.end()])
            last = m.end()
        out.append(unit[last:])
    return out


def _merge(pieces: list[str], abbrevs: dict[str, str]) -> list[str]:
    """Pieces glued back into sentences where the split was wrong (see ``_pieces``). A unit is
    kept as a list of pieces and joined once, with its last word tracked as pieces arrive."""
    units: list[list[str]] = []
    before, ends_space = "", False  # the current unit's last word; whether it ends in whitespace
    for piece in pieces:
        if not piece.strip():
            if units:
                units[-1].append(piece)
                ends_space = ends_space or bool(piece)
            continue
        if units:
            first_word = piece.split(None, 1)[0]
            lower_start = first_word[:1].islower() and first_word == first_word.lower()  # not "iPhone"
            if (lower_start or _shields(before, abbrevs)
                    or (first_word[:1].isdigit() and before.lower() in abbrevs)):
                units[-1].append(piece)
                before, ends_space = _last_word(before, ends_space, piece), piece[-1].isspace()
                continue
            joined = "".join(units[-1])
            opener = _TRAILING_OPENER.search(joined)
            if opener and joined[:opener.start()].strip():
                joined, piece = joined[:opener.start()], opener.group() + piece
            units[-1] = [joined]
        units.append([piece])
        before, ends_space = piece.split()[-1], piece[-1].isspace()
    return ["".join(unit) for unit in units]


def _last_word(before: str, ends_space: bool, piece: str) -> str:
    """The last whitespace-separated word of (a unit whose last word is ``before``) + ``piece``."""
    tail = piece.rstrip()
    if not tail:
        return before
    if tail[0].isspace() or any(ch.isspace() for ch in tail):
        return tail.split()[-1]
    return tail if ends_space or not before else before + tail


WINDOW = 10_000


def _windows(chunk: str, size: int = WINDOW) -> list[str]:
    """A line cut into stretches of about ``size`` characters for the segmenter, whose cost grows
    with the square of what it is given (unclosed quotes). Cuts fall after a sentence end, else at
    a space; the repairs of ``_pieces`` glue a wrong cut back. News paragraphs are far shorter,
    so only pathological lines are cut."""
    out, start = [], 0
    while len(chunk) - start > size:
        end = _INNER_END.search(chunk, start + size)
        cut = end.end() - 1 if end is not None and end.start() < start + 2 * size else -1
        if cut == -1:
            space = chunk.find(" ", start + size)
            cut = space + 1 if 0 <= space < start + 2 * size else start + size
        out.append(chunk[start:cut])
        start = cut
    out.append(chunk[start:])
    return out


def _segment(chunk: str, lang: str) -> list[str]:
    return list(_sentencex(lang, chunk))


def split_sentences(text: str, lang: str) -> list[Sentence]:
    """Sentences of ``text``; ``text[s.start:s.end] == s.text`` and no sentence is blank."""
    out: list[Sentence] = []
    for line in _LINE.finditer(text):
        chunk = line.group()
        if not chunk.strip():
            continue
        pos = 0
        for piece in _pieces(chunk, lang):
            # Pieces come in order; locate each from where the last one ended.
            piece_stripped = piece.strip()
            if not piece_stripped:
                continue
            found = chunk.find(piece_stripped, pos)
            if found == -1:  # defensive: the segmenter altered the text; take the rest of the line
                found = pos
                piece_stripped = chunk[pos:].strip()
                if not piece_stripped:
                    break
                found = chunk.find(piece_stripped, pos)
            start = line.start() + found
            end = start + len(piece_stripped)
            out.append(Sentence(text[start:end], start, end))
            pos = found + len(piece_stripped)
    return out
