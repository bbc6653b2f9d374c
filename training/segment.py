"""Text -> sentence spans with offsets into the input.

Line breaks always end a sentence (a headline or "Lire plus :" line stands alone); inside a line
pysbd splits sentences, and knows abbreviations (M., Dr., U.S., Jan.) and decimals.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from training.lexicon import LEXICON_DIR

_LINE = re.compile(r"[^\r\n]+")
_INNER_END = re.compile(r"[.!?…]+[\"'’»”)\]]*\s+\S")
# "« Je viendrai. » Puis ..." : a closed quote ending in . ! ? followed by a capital ends a sentence.
_QUOTE_END = re.compile(r"[.!?…]\s*[»\u201d\"]\s+(?=[A-ZÀ-ÖØ-Þ«\u201c])")


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int
    end: int


@lru_cache(maxsize=None)
def _abbreviations(lang: str) -> frozenset[str]:
    path = LEXICON_DIR / lang / "abbreviations.tsv"
    lines = path.read_text(encoding="utf-8").split("\n")[1:] if path.exists() else []
    return frozenset(line.strip().lower() for line in lines if line.strip())


def _pieces(chunk: str, lang: str) -> list[str]:
    """pysbd's split, then repaired: no sentence opens in lower case or right after a title
    abbreviation ("Le Dr. Martin"), and a closed quote followed by a capital ends one."""
    if not _INNER_END.search(chunk):
        return [chunk]  # no sentence end inside the line: nothing for pysbd to split
    merged: list[str] = []
    abbrevs = _abbreviations(lang)
    for piece in _segmenter(lang).segment(chunk):
        if not piece.strip():
            if merged:
                merged[-1] += piece
            continue
        if merged:
            prev_words = merged[-1].split()
            first = piece.lstrip()[:1]
            if first.islower() or first.isdigit() or (prev_words and prev_words[-1].lower() in abbrevs):
                merged[-1] += piece
                continue
        merged.append(piece)
    out: list[str] = []
    for piece in merged:
        last = 0
        for m in _QUOTE_END.finditer(piece):
            out.append(piece[last:m.end()])
            last = m.end()
        out.append(piece[last:])
    return out


@lru_cache(maxsize=None)
def _segmenter(lang: str):
    import pysbd

    return pysbd.Segmenter(language=lang, clean=False, char_span=False)


def split_sentences(text: str, lang: str) -> list[Sentence]:
    """Sentences of ``text``; ``text[s.start:s.end] == s.text`` and no sentence is blank."""
    out: list[Sentence] = []
    for line in _LINE.finditer(text):
        chunk = line.group()
        if not chunk.strip():
            continue
        pos = 0
        for piece in _pieces(chunk, lang):
            # pysbd returns the pieces in order; locate each from where the last one ended.
            piece_stripped = piece.strip()
            if not piece_stripped:
                continue
            found = chunk.find(piece_stripped, pos)
            if found == -1:  # defensive: pysbd altered the text; fall back to the rest of the line
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
