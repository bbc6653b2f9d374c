"""Parse repair: French verbs the tagger reads as nouns.

``fr_core_news_md`` takes the third-person singular of some reporting verbs for the noun or
adjective they are spelled like ("Le syndicat juge la mesure insuffisante": "juge" as a noun,
"syndicat" as the root), so the sentence has no verb, no reporting cue and no attribution. When
such a word follows its subject (no determiner or preposition before it) in a sentence whose
root is not a verb, the sentence is parsed again with an unambiguous verb of the same syntax in
its place ("estime"); if that parse makes it the root verb, its tree is kept, with the original
words and the verb's own lemma. The words are data: ``lexicons/<lang>/verb_homographs.tsv``.

    Le syndicat juge la mesure insuffisante.  ->  juge: VERB, ROOT, lemma "juger"
"""
from __future__ import annotations

from functools import lru_cache

from service.core.lexicon import LEXICON_DIR, _read_tsv

FILE = "verb_homographs.tsv"
# Words after which a homograph is the noun: "le juge", "une alerte", "en pointe", "sa note".
NOUN_BEFORE = frozenset({"DET", "ADP", "NUM"})


@lru_cache(maxsize=None)
def homographs(lang: str) -> dict[str, tuple[str, str]]:
    """form -> (verb lemma, stand-in form)."""
    return {r["form"]: (r["lemma"], r["stand_in"]) for r in _read_tsv(LEXICON_DIR / lang / FILE)}


def misread_verb(doc, lang: str) -> int | None:
    """The index of the first homograph the parse took for a noun where it is the verb, or None."""
    table = homographs(lang)
    if not table or len(doc) < 3:
        return None
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None or root.pos_ in ("VERB", "AUX"):
        return None
    subject = next((t.i for t in doc if t.pos_ in ("NOUN", "PROPN", "PRON")), len(doc))  # the first noun or pronoun
    for tok in doc[subject + 1:]:
        if tok.lower_ in table and tok.pos_ not in ("VERB", "AUX"):
            before = doc[tok.i - 1]
            if before.pos_ not in NOUN_BEFORE and not before.is_punct:
                return tok.i
    return None


def repair(docs: list, lang: str, nlp) -> list:
    """``docs`` with each misread homograph's sentence re-parsed around a stand-in verb (the Doc
    keeps its words and offsets). Costs one more parse, for the few sentences concerned."""
    todo = {}
    for k, doc in enumerate(docs):
        i = misread_verb(doc, lang)
        if i is not None:
            todo[k] = i
    if not todo:
        return docs
    out = list(docs)
    table = homographs(lang)
    texts = []
    for k, i in todo.items():
        doc, tok = docs[k], docs[k][i]
        texts.append(doc.text[:tok.idx] + table[tok.lower_][1] + doc.text[tok.idx + len(tok):])
    for (k, i), fixed in zip(todo.items(), nlp.pipe(texts)):
        if len(fixed) == len(docs[k]) and fixed[i].pos_ == "VERB" and fixed[i].dep_ == "ROOT":
            out[k] = _rebuilt(docs[k], fixed, i, table[docs[k][i].lower_][0])
    return out


def _rebuilt(original, fixed, i: int, lemma: str):
    """A Doc with ``original``'s words and ``fixed``'s annotations; token ``i`` gets ``lemma``."""
    from spacy.tokens import Doc

    lemmas = [t.lemma_ for t in fixed]
    lemmas[i] = lemma
    return Doc(original.vocab, words=[t.text for t in original], spaces=[bool(t.whitespace_) for t in original],
               heads=[t.head.i for t in fixed], deps=[t.dep_ for t in fixed], pos=[t.pos_ for t in fixed],
               tags=[t.tag_ for t in fixed], morphs=[str(t.morph) for t in fixed], lemmas=lemmas)
