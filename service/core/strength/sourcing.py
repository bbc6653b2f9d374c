"""How identifiable a claim's source is, by rule, from the source span an attribution found.

``named``: a person (a name in the span or in an apposition right after it, a personal
pronoun); ``identified``: a named organisation or a role that picks out one source (a definite
or possessive noun phrase, a capitalised name after a determiner, an acronym); ``anonymous``: a
real but unnamed source (indefinite or bare plural nouns: "des experts", "officials"); ``vague``:
nobody one could check ("selon certains", "dit-on", "reportedly", an agentless passive). The
words each rule reads are data (``lexicons/<lang>/source_words.tsv``, see ``words``).
"""
from __future__ import annotations

import re

from service.core.lexicon import normalise, word_tokens
from service.core.strength.words import StrengthWords, strength_words
from service.core.syntax import token_at

# A person's name as an apposition right after the source: "le maire, Hugo Lemaire, ...".
_APPOSED_NAME = re.compile(r"^\s*,\s*(?:[A-ZÀ-Ý][\w'’-]+\s+){1,3}[A-ZÀ-Ý][\w'’-]+\s*(?:[,)]|$)")
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&]{1,7}$")
_BREAK = re.compile(r"[,;:()\u2013\u2014]")
DETERMINERS = ("definite", "indefinite", "possessive")


def attribution_sourcing(att: dict, text: str, lang: str, doc=None) -> str:
    """The sourcing class of one attribution (an API attribution whose offsets index ``text``)."""
    words = strength_words(lang)
    source = att.get("source")
    phrase = _cue_phrase_class(att, words)
    if source is None:
        if phrase:
            return phrase
        if att.get("type") == "direct_quote":
            return "named"  # a quote carrying on a speaker's words (guide rule 5)
        if att.get("type") == "unnamed_source":
            return "vague" if att.get("stance") == "distancing" else "anonymous"
        return "vague"  # an agentless passive: "il a été annoncé que"
    if phrase and att.get("type") == "unnamed_source":
        return phrase
    unnamed = att.get("type") == "unnamed_source"
    cls = span_sourcing(source["text"], lang, doc, source["start"], unnamed)
    if cls in ("identified", "anonymous") and _APPOSED_NAME.match(text[source["end"]:]):
        return "named"
    return cls


def _cue_phrase_class(att: dict, words: StrengthWords) -> str:
    """"reportedly", "dit-on", "is said to": the cue itself says the source is vague."""
    cue = att.get("cue") or {}
    return "vague" if any(words.role(t, "vague") for t in (cue.get("lemma", ""), cue.get("text", "")) if t) else ""


def span_sourcing(span: str, lang: str, doc=None, start: int = 0, unnamed: bool = False) -> str:
    """The class of a source noun phrase; ``doc`` (the sentence's parse, ``start`` the span's
    offset in it) gives its head, part of speech and number where available."""
    words = strength_words(lang)
    found = word_tokens(normalise(span))
    toks, raw = [t for t, _, _ in found], [span[s:e] for _, s, e in found]
    if not toks:
        return "vague"
    if len(toks) == 1 and words.role(toks[0], "person_pronoun") and not unnamed:
        return "named"  # "she said", "a-t-elle dit"
    if len(toks) == 1 and words.role(toks[0], "body_pronoun") and not unnamed:
        return "identified"  # "It said costs had doubled": the body named before it
    if len(toks) == 1 and words.role(toks[0], "vague_impersonal"):
        return "vague"  # "il se dit que"
    det = toks[0] if any(words.role(toks[0], r) for r in DETERMINERS) else ""
    body = toks[1:] if det else toks
    if det and len(body) > 1 and words.role(body[0], "indefinite"):
        body = body[1:]  # "de nombreux médecins": a quantifier after the article, then the group
    head, plural = _head(span, found, body, lang, doc, start)
    if not body or any(words.role(k, "vague") for k in (tuple(toks), tuple(body), body[0], head)):
        return "vague"
    if words.role(head, "vague_bare") and len(body) == 1 + (head != body[0]):
        return "vague"  # "les observateurs", "Persistent rumours"; "des observateurs internationaux": anonymous
    breaks = [bool(_BREAK.search(span, found[k][2], found[k + 1][1])) for k in range(len(found) - 1)]
    token_of = (lambda k: token_at(doc, start + found[k][1])) if doc is not None else None
    runs = capitalised_runs(raw, toks, words, _opens_with_common_word(toks, words, doc, start), breaks, token_of)
    if "person" in runs:
        return "named"
    return _by_determiner(det, head, plural, "organisation" in runs, words)


def _by_determiner(det: str, head: str, plural: bool, org: bool, words: StrengthWords) -> str:
    """No name in the span: an indefinite phrase is anonymous (unless it is a named body's
    document or spokesperson), a definite or possessive one picks out one source, a bare
    plural is a group."""
    if det and words.role(det, "indefinite"):
        if org and (words.role(head, "document") or words.role(head, "spokesperson")):
            return "identified"  # "un rapport de la Cour des comptes", "a UEFA spokesperson"
        return "anonymous"
    if org or words.role(head, "organisation"):
        return "identified"
    if plural and not (det and words.role(head, "institution")):
        return "anonymous"  # "les habitants", "Residents", "officials"; but "les militaires américains"
    return "identified"  # "le parquet", "the club", "son avocat"


def _head(span: str, found, body: list[str], lang: str, doc, start: int) -> tuple[str, bool]:
    """The phrase's head word and whether it is plural: the parse's root of the span, else the
    first noun (French) or the last word (English compounds: "the highways agency")."""
    if doc is not None:
        sp = doc.char_span(start, start + len(span), alignment_mode="expand")
        if sp is not None and len(sp):
            root = sp.root
            return normalise(root.lower_), "Plur" in root.morph.get("Number")
    if not body:
        return "", False
    words = strength_words(lang)
    before_complement = next((body[:k] for k in range(1, len(body)) if words.role(body[k], "particle")), body)
    word = body[0] if lang == "fr" else before_complement[-1]
    return word, word.endswith(("s", "x")) and len(word) > 3


def _opens_with_common_word(toks: list[str], words: StrengthWords, doc, start: int) -> bool:
    """The span's first word is capitalised only because it opens the sentence: a determiner or
    quantifier, or a common noun by the parse ("Residents", "Critics")."""
    if any(words.role(toks[0], r) for r in (*DETERMINERS, "vague", "vague_bare")):
        return True
    tok = token_at(doc, start) if doc is not None else None
    return tok is not None and tok.pos_ != "PROPN"


def capitalised_runs(raw: list[str], toks: list[str], words: StrengthWords, skip_first: bool,
                     breaks: list[bool], token_of=None) -> list[str]:
    """The kind of each run of capitalised words: ``person`` or ``organisation``.

    A run after a determiner or a particle ("la Banque de France", "of England", "d'Orange"), an
    acronym, or a run holding an organisation word is an organisation; a run that opens the span
    or follows a common noun or a title (``_titled_name``) ("L'économiste Jeanne Ferrat", "Councillor Pauline
    Searle", "Merz") is a person. A possessor ("Peru's president") names whose the source is: it
    counts as an organisation, and the head decides (a role: ``identified``)."""
    kinds, i, n = [], 0, len(raw)
    while i < n:
        if not raw[i][:1].isupper() or (i == 0 and skip_first):
            i += 1
            continue
        j = i
        while j + 1 < n and not breaks[j] and (raw[j + 1][:1].isupper() or (
                words.role(toks[j + 1], "particle") and j + 2 < n and raw[j + 2][:1].isupper())):
            j += 1
        run, before = toks[i:j + 1], toks[max(0, i - 2):i]
        if i and breaks[i - 1]:
            before = []  # "Le président du Conseil italien, Giorgia Meloni": the name stands alone
        elif i > 1 and breaks[i - 2]:
            before = before[-1:]
        if not_a_name(run, words):
            pass
        elif j + 2 < n and toks[j + 1] == "s" and not breaks[j]:
            kinds.append("organisation")  # a possessor, not the source: "Nepal's tourism department", "Musk's lawyer"
        elif _modifier(raw, toks, j, breaks, words, token_of) or (before and words.role(before[-1], "affiliation")):
            kinds.append("organisation")  # "a senior Treasury official", "analysts at Barclays"
        elif _titled_name(run, before, words):
            kinds.append("person")
        elif _organisation(run, raw[i], before, words):
            kinds.append("organisation")
        else:
            kinds.append("person")
        i = j + 1
    return kinds


def not_a_name(run: list[str], words: StrengthWords) -> bool:
    """A run of titles or of days and months names nobody: "Minister: 'We will not back down'"
    (a role), "a report released on Monday"."""
    return all(words.role(t, "title") for t in run) or all(words.role(t, "calendar") for t in run)


def _modifier(raw: list[str], toks: list[str], j: int, breaks: list[bool], words: StrengthWords,
              token_of=None) -> bool:
    """A run right before a lowercase noun of the same phrase modifies it (English order): "a
    senior Treasury official", "Goldman Sachs analysts"; not a name before a preposition
    ("Minister Siddaramaiah on Thursday": the parse says so, ``token_of(k)`` giving word k's
    token) nor before a particle ("Smith and Jones")."""
    if j + 1 >= len(raw) or breaks[j]:
        return False
    nxt = raw[j + 1]
    if not (nxt[:1].isalpha() and nxt[:1].islower()) or words.role(toks[j + 1], "particle"):
        return False
    tok = token_of(j) if token_of is not None else None
    if tok is None:
        return True
    return tok.dep_ in ("compound", "amod") and tok.head.i > tok.i and tok.head.pos_ == "NOUN"


def _titled_name(run: list[str], before: list[str], words: StrengthWords) -> bool:
    """A name after a title: "Councillor Pauline Searle", "board chair Sylvia King" (the title
    just before the run wins over an organisation word before it), "Cook County State's Attorney
    Eric Sutton" (a title inside the run, followed by one to three words of a name)."""
    if before and words.role(before[-1], "particle"):
        return False  # the title's complement, a place or a body: "le maire de Nantes", "ministre du Budget"
    if any(words.role(t, "title") for t in before):  # "la conseillère régionale Amélie Tran"
        return True
    titles = [k for k, t in enumerate(run[:-1]) if words.role(t, "title")]
    if not titles:
        return False
    name = run[titles[-1] + 1:]
    return len(name) <= 3 and not any(words.role(t, r) for t in name for r in ("particle", "organisation", "title"))


def _organisation(run: list[str], first: str, before: list[str], words: StrengthWords) -> bool:
    """An organisation or a place standing for its government ("Kiev", "la Maison-Blanche"): an
    organisation word in the run, an acronym, or a determiner, particle, organisation or document
    noun just before it ("l'institut Ipsos", "un sondage Ifop")."""
    if words.role(tuple(run), "place") or any(words.role(t, "organisation") for t in run):
        return True
    if len(run) == 1 and _ACRONYM.match(first):
        return True
    if before and (words.role(before[-1], "definite") or words.role(before[-1], "particle")):
        return True
    return any(words.role(t, "organisation") or words.role(t, "document") for t in before)
