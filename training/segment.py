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

from training.lexicon import LEXICON_DIR

_LINE = re.compile(r"[^\r\n]+")
_INNER_END = re.compile(r"[.!?…]+[\"'’»”)\]]*\s+\S")
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


def _inside_quote(text: str) -> bool:
    """Whether ``text`` leaves a quotation open: a quote of several sentences stays one unit."""
    return (text.count("«") > text.count("»") or text.count("\u201c") > text.count("\u201d")
            or text.count('"') % 2 == 1)


def _pieces(chunk: str, lang: str) -> list[str]:
    """The segmenter's split, then repaired with the abbreviation lexicon: no sentence opens in
    lower case, right after an abbreviation ("Le Dr. Martin") or with the number an abbreviation
    announces ("No. 5"); a word that is not an abbreviation, then a
    period and a capital, ends a sentence; a closed quote followed by a capital ends one; an
    opening quote belongs to the sentence after it."""
    if not _INNER_END.search(chunk):
        return [chunk]  # no sentence end inside the line: nothing to split
    abbrevs = _abbreviations(lang)
    pieces: list[str] = []
    for piece in _segment(chunk, lang):
        last = 0
        for m in _WORD_END.finditer(piece):
            if not _shields(m.group(1) + ".", abbrevs) and not _inside_quote(piece[last:m.start()]):
                pieces.append(piece[last:m.end()])
                last = m.end()
        pieces.append(piece[last:])
    merged: list[str] = []
    for piece in pieces:
        if not piece.strip():
            if merged:
                merged[-1] += piece
            continue
        if merged:
            prev_words = merged[-1].split()
            before = prev_words[-1] if prev_words else ""
            first_word = piece.split()[0]
            lower_start = first_word[:1].islower() and first_word == first_word.lower()  # not "iPhone"
            if (lower_start or _shields(before, abbrevs)
                    or (first_word[:1].isdigit() and before.lower() in abbrevs)):
                merged[-1] += piece
                continue
            opener = _TRAILING_OPENER.search(merged[-1])
            if opener and merged[-1][:opener.start()].strip():
                merged[-1], piece = merged[-1][:opener.start()], opener.group() + piece
        merged.append(piece)
    out: list[str] = []
    for piece in merged:
        last = 0
        for m in _QUOTE_END.finditer(piece):
            out.append(piece[last:m.end()])
            last = m.end()
        out.append(piece[last:])
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
