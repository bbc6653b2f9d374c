"""Which tokens of a parse belong to the sentence's main clause: a token's clause hangs from the
root through coordination or parataxis only, except the reporting clauses that frame the whole
sentence wherever the parse hangs them (a tail incise, a clause after an opening participle).
Computed once per parse (``main_clause_mask``) over plain lists of heads and labels.
"""
from __future__ import annotations

from service.core.tokens import columns

# How every French infinitive ends (a verb tagged "Inf" that ends otherwise is misread: "anticipe").
INFINITIVE_ENDINGS = ("er", "ir", "re", "oir", "ïr")


def in_main_clause(tok) -> bool:
    """Whether a parsed token belongs to the sentence's main clause (computed once per parse)."""
    return main_clause_mask(tok.doc)[tok.i]


def main_clause_mask(doc) -> list[bool]:
    """Main-clause membership of every token, cached on the (cached) parse."""
    mask = doc.user_data.get("main_clause_mask")
    if mask is None:
        mask = doc.user_data["main_clause_mask"] = _parse_main(doc)
    return mask


def tail_incise_at(doc, i: int) -> bool:
    """Whether token ``i`` heads a reporting clause after its content ("Le bilan s'élève à 1 200
    morts, ont annoncé les autorités"): read by the classifier's features."""
    cols = columns(doc)
    return tail_incise(cols, _Tree(cols), i)


_CLAUSAL = ("acl", "advcl", "ccomp", "csubj", "xcomp", "relcl")


class _Tree:
    """A parse's heads, labels and "climbs on" flags as plain lists (from ``tokens.columns``): the
    clause walks below visit every token's heads, and spaCy makes a new Token object at every step."""

    def __init__(self, cols):
        self.heads = cols.head
        self.deps = cols.dep
        # Climbs on: not the root, not the head of a clausal dependent whatever its tag ("qu'il
        # était probablement coûteux": "coûteux" heads the clause; "qui anticipe" read as a
        # noun), and not a verb unless an auxiliary, copula or fixed word.
        self.passes = [d != "ROOT" and d.split(":")[0] not in _CLAUSAL and
                       (p != "VERB" or d.split(":")[0] in ("aux", "cop", "fixed"))
                       for p, d in zip(cols.pos, self.deps)]

    def clause_head(self, i: int) -> int:
        """The verb heading token i's clause: up through non-verbs and auxiliaries (at most one
        step a token, so a hand-made cycle cannot loop)."""
        for _ in range(len(self.heads)):
            head = self.heads[i]
            if head == i or not self.passes[i]:
                return i
            i = head
        return i


def _parse_main(doc) -> list[bool]:
    """Parse: a token's clause hangs from the root through coordination or parataxis only.

        "Il a dit qu'il pleuvait": "dit" True, "pleuvait" False
    """
    cols = columns(doc)
    tree = _Tree(cols)
    incise: dict[int, bool] = {}  # verb -> tail_incise, each verb judged once
    out = []
    for i, pos in enumerate(cols.pos):
        if pos in ("VERB", "AUX") and i > 0 and cols.lower[i - 1] == "en" and "Part" in cols.morph(i, "VerbForm"):
            out.append(False)  # French gerund: "en prétextant que ..."
            continue
        head = tree.clause_head(i)
        main = True
        for _ in range(50):
            if tree.deps[head] == "ROOT" or tree.heads[head] == head:
                break
            if tree.deps[head].split(":")[0] not in ("conj", "parataxis", "dep", "appos"):
                if head not in incise:
                    incise[head] = tail_incise(cols, tree, head) or after_a_fronted_participle(cols, tree, head)
                if not incise[head]:
                    main = False
                    break
            head = tree.clause_head(tree.heads[head])
        out.append(main)
    return out


_GROUP_DEPS = ("aux", "cop", "expl", "nsubj", "flat", "advmod")  # "a-t-il également affirmé"


def misread_infinitive(verb_form, word: str) -> bool:
    """Tagged an infinitive (``verb_form``: the token's VerbForm values) though no French
    infinitive ends so: "…, anticipe l'Observatoire" ("anticipe" is finite)."""
    return "Inf" in verb_form and not word.endswith(INFINITIVE_ENDINGS)


def _finite(cols, k: int) -> bool:
    """A finite verb, or a misread infinitive (in English a base form after the comma is a present
    tense: "…, say officials")."""
    form = cols.morph(k, "VerbForm")
    return "Fin" in form or misread_infinitive(form, cols.lower[k])


def tail_incise(cols, tree: _Tree, verb: int) -> bool:
    """A reporting clause after its content, with its subject after the verb, hung on the
    content's root: "Le joueur restera au club, a assuré son agent" (the parse: an ``advcl``; a
    finite ``xcomp`` after a modal root: "Ce lancement pourrait bouleverser le secteur, estiment
    certains investisseurs") frames the whole sentence, so it is main, like the quoted "« … »,
    a-t-il affirmé"."""
    root = tree.heads[verb]
    if tree.deps[root] != "ROOT" or root > verb or tree.deps[verb].split(":")[0] not in ("advcl", "ccomp", "acl", "xcomp"):
        return False
    first = verb  # the verb group's first word: its auxiliaries just before it
    while first > max(0, verb - 6) and verb - 6 <= tree.heads[first - 1] <= verb and \
            tree.deps[first - 1].split(":")[0] in _GROUP_DEPS:
        first -= 1  # a word of the group, at most six, hangs on the verb or on another of them ("-t-elle")
    if first == 0 or cols.lower[first - 1] != "," or not _finite(cols, first):
        return False
    # the subject after the verb (the parse may call it an object: "…, affirme la CGT"), or an
    # inverted clitic ("a-t-il affirmé"); a subject follows within a few words of the verb
    after = range(verb + 1, min(verb + 8, len(tree.heads)))
    return any(tree.heads[j] == verb and (tree.deps[j].startswith("nsubj") or tree.deps[j] in ("obj", "dobj"))
               for j in after) or any(cols.lower[j].startswith("-") for j in range(first, verb))


def after_a_fronted_participle(cols, tree: _Tree, verb: int) -> bool:
    """A finite verb with its own subject after the comma of an opening participle phrase, which
    the parse made the root: "Poursuivi pour fraude, le dirigeant nie les faits" ("nie" hangs on
    "Poursuivi" as an ``advcl``) is the main clause, as in "Interrogé par la presse, le ministre
    dément". The participle has no subject or auxiliary of its own."""
    root = tree.heads[verb]
    if tree.deps[root] != "ROOT" or root != 0 or root > verb or "Part" not in cols.morph(root, "VerbForm"):
        return False
    if tree.deps[verb].split(":")[0] not in ("advcl", "conj", "parataxis", "ccomp") or \
            "Fin" not in cols.morph(verb, "VerbForm"):
        return False
    if any(tree.heads[j] == root and tree.deps[j].split(":")[0] in ("nsubj", "aux", "cop") for j in range(verb)):
        return False
    comma = next((j for j in range(root + 1, verb) if cols.lower[j] == ","), None)
    return comma is not None and any(
        tree.heads[j] == verb and tree.deps[j].startswith("nsubj") for j in range(comma + 1, verb))
