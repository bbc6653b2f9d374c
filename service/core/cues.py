"""Linguistic cues of one sentence: what explains a label.

The same cue list feeds the classifier's features and the API's ``cues`` explanations, so what
the model sees and what it shows are one thing. With a spaCy parse, clause membership and the
French conditional mood come from syntax and morphology; without one (fast mode), from surface
heuristics.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from service.core.lexicon import (
    SUPPORTED_LANGS,
    Match,
    get_lexicon,
    grammar_words,
    normalise,
    word_tokens,
)
from service.core.syntax import head_of, token_at
from service.core.clauses import in_main_clause, main_clause_mask
from service.core.tokens import columns
from service.core.vocabulary import CUE_TYPES  # noqa: F401 (re-exported)

# Clause openers: a cue after one of these (and before the next clause break) is in a
# subordinate clause. Grammar words, not lexicon content: lexicons/<lang>/grammar_words.tsv.
SUBORDINATORS = {lang: grammar_words(lang, "subordinators") for lang in SUPPORTED_LANGS}
# Negation words just before a reporting verb: "did not respond", "n'a pas souhaité réagir"
# (both languages' lists: the test has always been language-blind).
NEGATIONS = frozenset().union(*(grammar_words(lang, "negations") for lang in SUPPORTED_LANGS))
_CLAUSE_BREAK = re.compile(r"[,;:()\u2013\u2014«»\"\u201c\u201d]")
# French conditional: -rais/-rait/-raient/-rions/-riez on a verb ("aurait", "viendrait").
_FR_CONDITIONAL = re.compile(r"^\w+r(?:ais|ait|aient|ions|iez)$")
_FR_NOT_CONDITIONAL = re.compile(r"(?:trait|traits|rais|vrai|vrais|frais|marais|portrait)$")
_QUOTE_PAIRS = {"«": "»", "\u201c": "\u201d", '"': '"', "\u201e": "\u201c"}
_SI_START = re.compile(r"^\W*(?:s'|si |même si |had |if |were )", re.IGNORECASE)


@dataclass
class Cue:
    type: str
    text: str
    start: int
    end: int
    lemma: str = ""
    stance: str = ""
    subkind: str = ""
    main_clause: bool = True
    negated: bool = False

    def to_json(self) -> dict:
        out = {"text": self.text, "type": self.type, "start": self.start, "end": self.end,
               "main_clause": self.main_clause}
        optional = {"lemma": self.lemma, "stance": self.stance, "subkind": self.subkind, "negated": self.negated}
        return dict(out, **{k: v for k, v in optional.items() if v})


_QUOTE_CHARS = re.compile('[«\u201c"\u201e\u2018]')
# A single closing quote is an apostrophe not followed by a letter ("‘We will win’ she said").
_SINGLE_CLOSE = re.compile(r"'(?![^\W\d_])")
# A straight single quote opens a quote only at the start or right after a colon, before a
# letter (headlines: "Minister: 'We will not back down'"); elsewhere it is an apostrophe.
_STRAIGHT_OPEN = re.compile(r"(?:^|:\s*)'(?=[^\W\d_])")


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Quoted stretches, marks included; an unclosed quote runs to the end of the sentence."""
    spans, n = [], len(text)
    m = _QUOTE_CHARS.search(text)
    while m is not None:
        i = m.start()
        if text[i] == "\u2018":
            close_m = _SINGLE_CLOSE.search(text, i + 1)
            j = close_m.start() if close_m else -1
        else:
            j = text.find(_QUOTE_PAIRS[text[i]], i + 1)
        if j == -1:
            # Unclosed opening quote: a quote continuing across sentences.
            if text[i] != '"' or i < 3:
                spans.append((i, n))
            break
        spans.append((i, j + 1))
        m = _QUOTE_CHARS.search(text, j + 1)
    straight = _STRAIGHT_OPEN.search(text)
    if straight is not None and not any(s <= straight.end() < e for s, e in spans):
        i = straight.end() - 1
        closes = [c.start() for c in _SINGLE_CLOSE.finditer(text, i + 1)]
        if closes:  # the last one: "nurses' pay'" holds an apostrophe of its own
            spans = sorted(spans + [(i, closes[-1] + 1)])
    # A closing mark with no opener at the start: the end of a multi-sentence quote.
    if not spans:
        for mark in ("»", "\u201d"):
            k = text.find(mark)
            if k > 0:
                spans.append((0, k + 1))
                break
    return spans


def _heuristic_main(tokens, idx: int, text: str, lang: str, openers=frozenset()) -> bool:
    """No parse: a cue is subordinate if a clause opener (a subordinator, or a verb of saying
    whose complement it is: "officials said the toll could rise") precedes it in its clause."""
    subs = SUBORDINATORS[lang]
    start_char = tokens[idx][1]
    for j in range(idx - 1, max(-1, idx - 8), -1):
        tok, s, e = tokens[j]
        if _CLAUSE_BREAK.search(text, e, start_char):
            return True
        if tok in subs or j in openers:
            return False
    return True


def tail_phrase(text: str, start: int) -> bool:
    """A source phrase after the sentence's last comma ("P, selon les secours.", "P, according
    to officials."): it speaks for the whole sentence, whatever clause the parse hangs it on.
    (Looks at a few characters before it and scans after it once: no copies of a long text.)"""
    before = text[max(0, start - 8):start].rstrip()
    return before.endswith(",") and all(text.find(c, start) == -1 for c in ",«\u201c\"")


def front_phrase(text: str, start: int) -> bool:
    """A source phrase that opens the sentence (or follows a headline's topic and colon) and ends
    at a comma ("À en croire le club, P", "Selon l'Insee, P"): it frames the whole sentence."""
    if start > 80:
        return False
    before = text[:start].rstrip()
    return (before == "" or before.endswith(":")) and "," in text[start:start + 80]


def _is_noun_use(doc, start: int) -> bool:
    tok = token_at(doc, start)
    return (tok is not None and tok.pos_ == "NOUN" and tok.i > 0
            and doc[tok.i - 1].pos_ in ("DET", "ADP"))


def name_is_no_modal(text: str, doc, start: int, first: int) -> bool:
    """A modal hedge whose word is a month, a name or a noun is no hedge: "in May", "Theresa May",
    "military might". With a parse: the word's part of speech; without one: a capitalised word
    inside the sentence ("May" at its start stays a modal)."""
    if doc is not None:
        tok = token_at(doc, start)
        return tok is not None and tok.pos_ in ("PROPN", "NOUN")
    word = text[start:].split(None, 1)[0] if text[start:].strip() else ""
    return first > 0 and word.istitle()


def manner_adverb_is_no_hedge(doc, start: int, lang: str) -> bool:
    """"normalement" right after the lexical verb it modifies says how, not how likely: "Le
    trafic a repris normalement" is a fact; "Le match devrait normalement reprendre" (after a
    modal) and "Normalement, le match reprendra" hedge. Words: ``manner_hedges``."""
    tok = token_at(doc, start)
    if tok is None or tok.lower_ not in grammar_words(lang, "manner_hedges"):
        return False
    head = tok.head
    nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
    return (head.i == tok.i - 1 and head.pos_ == "VERB" and head.lemma_.lower() not in grammar_words(lang, "modal_verbs")
            and not (nxt is not None and "Inf" in nxt.morph.get("VerbForm")))


@dataclass
class SentenceCues:
    """One sentence's cues with the tokenisation they were found on (reused by the features)."""

    text: str
    norm: str
    tokens: list
    quotes: list
    cues: list


def find_cues(text: str, lang: str, doc=None) -> list[Cue]:
    """All cues of one sentence, offsets into ``text``. ``doc`` is its spaCy parse, if any."""
    return analyze_cues(text, lang, doc).cues


def analyze_cues(text: str, lang: str, doc=None) -> SentenceCues:
    """With a parse, the result is kept on it: features and the API's explanations share one pass;
    without, a sentence of at most ``SURFACE_MEMO_CHARS`` is remembered (the triage, the fast
    features and the analysis each read a sentence the triage did not parse). (Callers must not
    mutate the returned cues.)"""
    if doc is not None:
        found = doc.user_data.get("cues")
        if found is None or found.text != text:
            found = doc.user_data["cues"] = _analyze_cues(text, lang, doc)
        return found
    if len(text) <= SURFACE_MEMO_CHARS:
        return _surface_cues(str(text), lang)
    return _analyze_cues(text, lang, None)


# A news sentence; longer ones are not kept. At most 512 kept: a few MB at news lengths, 40 at worst.
SURFACE_MEMO_CHARS = 1500


@lru_cache(maxsize=512)
def _surface_cues(text: str, lang: str) -> SentenceCues:
    return _analyze_cues(text, lang, None)


def _analyze_cues(text: str, lang: str, doc=None) -> SentenceCues:
    """The cues of one sentence, pass after pass (lexicon matches with their clause and negation,
    reporting verbs found by lemma, conditional mood, quotes, a final question mark, page
    furniture). Long because the passes share the tokens, the parse helpers defined at its top
    and the cues found so far; each pass is a short block."""
    lex = get_lexicon(lang)
    norm = normalise(text)
    tokens = word_tokens(norm)
    cues: list[Cue] = []

    def main_of(m_first: int, char_start: int, phrase: bool = False) -> bool:
        if phrase and (tail_phrase(norm, char_start) or front_phrase(norm, char_start)):
            return True  # "Le bilan devrait s'alourdir, selon les secours": it frames the sentence
        if doc is not None:
            tok = token_at(doc, char_start)
            if tok is not None:
                # "selon X" / "according to X": the phrase's clause is that of the word it modifies.
                if phrase and tok.dep_.split(":")[0] in ("prep", "case", "mark", "fixed"):
                    tok = head_of(tok) or tok
                return in_main_clause(tok)
        return _heuristic_main(tokens, m_first, norm, lang, openers)

    def negated(m_first: int) -> bool:
        """A negation word among the three before, inside the same clause."""
        for tok, s, e in reversed(tokens[max(0, m_first - 3):m_first]):
            if _CLAUSE_BREAK.search(norm, e, tokens[m_first][1]):
                return False
            if tok in NEGATIONS:
                return True
        return False

    matches: list[Match] = lex.match(tokens)
    openers = frozenset(m.last for m in matches if m.entry.kind in ("reporting_verb", "unnamed_source"))
    matched_chars = set()
    quotes = quote_spans(norm)
    for m in matches:
        e = m.entry
        if e.requires_quote and not quotes:
            continue
        if doc is not None and e.kind == "reporting_verb" and _is_noun_use(doc, m.start):
            continue  # "requests for comment", "la déclaration": a noun, not a verb of saying
        if e.kind == "hedge" and e.subkind == "modal" and name_is_no_modal(text, doc, m.start, m.first):
            continue
        if e.kind == "hedge" and doc is not None and manner_adverb_is_no_hedge(doc, m.start, lang):
            continue
        cues.append(Cue(e.kind, text[m.start:m.end], m.start, m.end, lemma=e.lemma,
                        stance=e.stance if e.kind in ("reporting_verb", "according_to", "unnamed_source") else "",
                        subkind=e.subkind,
                        main_clause=main_of(m.first, m.start, e.kind in ("according_to", "unnamed_source")),
                        negated=e.kind == "reporting_verb" and negated(m.first)))
        matched_chars.add(m.start)

    if doc is not None:
        # Reporting verbs the surface forms missed, found by lemma.
        covered = [(c.start, c.end) for c in cues]
        cols = columns(doc)
        for i, pos in enumerate(cols.pos):
            start = cols.idx[i]
            if pos == "VERB" and not any(s <= start < e for s, e in covered):
                entry = lex.verbs_by_lemma.get(cols.lemma[i])
                if entry is not None and (quotes or not entry.requires_quote):
                    cues.append(Cue("reporting_verb", text[start:cols.end[i]], start, cols.end[i],
                                    lemma=entry.lemma, stance=entry.stance,
                                    main_clause=main_clause_mask(doc)[i],
                                    negated=any(w.strip("'") in NEGATIONS for w in cols.lower[max(0, i - 3):i])))
                    matched_chars.add(start)

    cues.extend(_conditional_cues(text, norm, tokens, lang, doc, matched_chars, main_of))

    for s, e in quotes:
        cues.append(Cue("quote", text[s:e], s, e, main_clause=True))

    stripped = norm.rstrip(" \t»\"\u201d)")
    if stripped.endswith("?"):
        q = len(stripped) - 1
        cues.append(Cue("question", "?", q, q + 1))

    furn = lex.furniture_prefix(tokens)
    if furn is not None and len(tokens) <= 12:
        # the phrase's own words cue nothing: "This video can not be played" holds no hedge
        cues = [c for c in cues if not furn.start <= c.start < furn.end]
        cues.append(Cue("furniture", text[furn.start:furn.end], furn.start, furn.end))

    cues.sort(key=lambda c: (c.start, c.end))
    return SentenceCues(text, norm, tokens, quotes, cues)


def _conditional_cues(text, norm, tokens, lang, doc, matched_chars, main_of) -> list[Cue]:
    if lang != "fr":
        return []
    out = []
    if doc is not None:
        cols = columns(doc)
        for i, pos in enumerate(cols.pos):
            is_cnd = "Cnd" in cols.morph(i, "Mood")
            if not is_cnd and pos in ("VERB", "AUX"):
                low = cols.lower[i]
                is_cnd = bool(_FR_CONDITIONAL.match(low)) and not _FR_NOT_CONDITIONAL.search(low)
            if is_cnd and cols.idx[i] not in matched_chars:
                out.append(Cue("conditional", text[cols.idx[i]:cols.end[i]], cols.idx[i], cols.end[i],
                               main_clause=main_clause_mask(doc)[i]))
        return out
    for i, (tok, s, e) in enumerate(tokens):
        if s in matched_chars:
            continue
        if _FR_CONDITIONAL.match(tok) and not _FR_NOT_CONDITIONAL.search(tok):
            out.append(Cue("conditional", text[s:e], s, e, main_clause=main_of(i, s)))
    return out


def starts_with_condition(text: str) -> bool:
    """An opening "si/if/had" clause: the frame of hypotheticals and counterfactuals."""
    return bool(_SI_START.match(normalise(text)))
