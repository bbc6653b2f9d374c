"""Parse repair: French words the tagger reads as another part of speech.

``fr_core_news_md`` takes the third-person singular of some reporting verbs for the noun or
adjective they are spelled like ("Le syndicat juge la mesure insuffisante": "juge" as a noun,
"syndicat" as the root), so the sentence has no verb, no reporting cue and no attribution. When
such a word follows its subject (no determiner or preposition before it) in a sentence whose
root is not a verb, the sentence is parsed again with an unambiguous verb of the same syntax in
its place ("estime"); if that parse makes it the root verb, its tree is kept, with the original
words and the verb's own lemma. The words are data: ``lexicons/<lang>/verb_homographs.tsv``.

    Le syndicat juge la mesure insuffisante.  ->  juge: VERB, ROOT, lemma "juger"

Names fare the same way: "Macron" is tagged an adverb ("Macron a assuré que…": an ``advmod``, so
the reporting verb has no subject and the claim no source), "Poutine" and "Eurostat" pronouns;
in English a sentence's first word "Starmer" or "Farage" is a common noun (so the sourcing reads
a role, not a person). A capitalised word tagged so that the language's own word lists (the
lemmatizer's tables, the stop words) do not know is parsed again with a plain name in its place
("Martin", "Smith"); if that parse makes it a proper noun, its tree is kept, with the original word.

    Macron a assuré que la France tiendrait bon.  ->  Macron: PROPN, nsubj
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from service.core.lexicon import LEXICON_DIR, _read_tsv

FILE = "verb_homographs.tsv"
# Words after which a homograph is the noun: "le juge", "une alerte", "en pointe", "sa note".
NOUN_BEFORE = frozenset({"DET", "ADP", "NUM"})
FUNCTION_DEPS = frozenset({"mark", "case", "cc", "det", "fixed"})  # "Tandis que": a conjunction's part


@dataclass(frozen=True)
class NameMisread:
    """How one language's tagger misreads names: the name parsed in place, the parts of speech
    (and, if given, the fine tags and dependencies) a misread name gets."""

    stand_in: str
    pos: frozenset
    tags: frozenset | None = None
    deps: frozenset | None = None


# French: "Macron" ADV, "Poutine" PRON, anywhere. English: a singular common noun as a subject
# or possessor ("Starmer said", "Starmer's honeymoon"); not compounds ("Smartphone makers"),
# plurals ("Chipmakers warn") or passive subjects ("Sentencing is scheduled").
NAME_MISREADS = {
    "fr": NameMisread("Martin", frozenset({"PRON", "ADV"})),
    "en": NameMisread("Smith", frozenset({"NOUN"}), tags=frozenset({"NN"}), deps=frozenset({"nsubj", "poss"})),
}


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


def known_word(nlp, word: str) -> bool:
    """Whether the pipeline's own word lists know the (lower-cased) word: its lemmatizer's lookup
    and index tables or its stop words ("hier", "rien", "beaucoup" are; "macron" is not)."""
    if nlp.vocab[word].is_stop:
        return True
    if "lemmatizer" not in nlp.pipe_names:
        return True
    lookups = nlp.get_pipe("lemmatizer").lookups
    if lookups.has_table("lemma_lookup") and word in lookups.get_table("lemma_lookup"):
        return True
    index = lookups.get_table("lemma_index") if lookups.has_table("lemma_index") else {}
    return any(word in words for words in index.values())


def misread_name(doc, lang: str, nlp) -> int | None:
    """The index of the first capitalised word the language does not know that the parse read
    as ``NAME_MISREADS`` says a name is misread (French: a pronoun or an adverb), or None."""
    misread = NAME_MISREADS.get(lang)
    if misread is None:
        return None
    for tok in doc:
        text = tok.text
        if (tok.pos_ in misread.pos and tok.dep_ not in FUNCTION_DEPS
                and (misread.tags is None or tok.tag_ in misread.tags)
                and (misread.deps is None or tok.dep_ in misread.deps)
                and len(text) > 1 and text[0].isupper() and text[1:].islower()
                and not known_word(nlp, tok.lower_) and not known_word(nlp, tok.lemma_.lower())):
            return tok.i
    return None


def repair(docs: list, lang: str, nlp) -> list:
    """``docs`` with each misread homograph's or name's sentence re-parsed around a stand-in (the
    Doc keeps its words and offsets). Costs one more parse, for the few sentences concerned."""
    todo = {}  # doc index -> (token index, stand-in, the POS it must get, the lemma it keeps)
    table = homographs(lang)
    for k, doc in enumerate(docs):
        i = misread_verb(doc, lang)
        if i is not None:
            lemma, stand_in = table[doc[i].lower_]
            todo[k] = (i, stand_in, "VERB", lemma)
            continue
        i = misread_name(doc, lang, nlp)
        if i is not None:
            todo[k] = (i, NAME_MISREADS[lang].stand_in, "PROPN", doc[i].text)
    if not todo:
        return docs
    out = list(docs)
    texts = []
    for k, (i, stand_in, _, _) in todo.items():
        doc, tok = docs[k], docs[k][i]
        texts.append(doc.text[:tok.idx] + stand_in + doc.text[tok.idx + len(tok):])
    for (k, (i, _, pos, lemma)), fixed in zip(todo.items(), nlp.pipe(texts)):
        if len(fixed) == len(docs[k]) and fixed[i].pos_ == pos and (pos != "VERB" or fixed[i].dep_ == "ROOT"):
            out[k] = _rebuilt(docs[k], fixed, i, lemma)
    return out


def _rebuilt(original, fixed, i: int, lemma: str):
    """A Doc with ``original``'s words and ``fixed``'s annotations; token ``i`` gets ``lemma``."""
    from spacy.tokens import Doc

    lemmas = [t.lemma_ for t in fixed]
    lemmas[i] = lemma
    return Doc(original.vocab, words=[t.text for t in original], spaces=[bool(t.whitespace_) for t in original],
               heads=[t.head.i for t in fixed], deps=[t.dep_ for t in fixed], pos=[t.pos_ for t in fixed],
               tags=[t.tag_ for t in fixed], morphs=[str(t.morph) for t in fixed], lemmas=lemmas)
