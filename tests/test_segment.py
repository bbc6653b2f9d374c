from service.core.segment import split_sentences

SEED = open(__file__.replace("tests/test_segment.py", "seeds/000_2061794f87552b70.txt"), encoding="utf-8").read()


def _texts(text, lang):
    out = split_sentences(text, lang)
    for s in out:
        assert text[s.start:s.end] == s.text
    return [s.text for s in out]


def test_seed_article_has_17_sentences_and_lines_stand_alone():
    texts = _texts(SEED, "fr")
    assert len(texts) == 17
    assert "Lire plus :" in texts
    assert "Syrie : l’armée dément la prise d’Abou Kamal par Daech" in texts


def test_french_abbreviations_decimals_and_quotes():
    text = ("M. Dupont est arrivé à 14 h. Le Dr. Martin a parcouru 3,5 km. en 20 minutes. "
            "Il a dit : « Je viendrai. » Puis il est parti.")
    assert _texts(text, "fr") == ["M. Dupont est arrivé à 14 h.", "Le Dr. Martin a parcouru 3,5 km. en 20 minutes.",
                                  "Il a dit : « Je viendrai. »", "Puis il est parti."]


def test_english_abbreviations_and_quotes():
    text = 'The U.S. economy grew 2.5% in Jan. last year. Dr. Smith said so. "It works," she said. Then it ended.'
    assert _texts(text, "en") == ["The U.S. economy grew 2.5% in Jan. last year.", "Dr. Smith said so.",
                                  '"It works," she said.', "Then it ended."]


def test_blank_lines_and_whitespace_are_not_sentences():
    text = "\n\n  Read more:  \r\n\nHeadline here\n   \n"
    out = split_sentences(text, "en")
    assert [s.text for s in out] == ["Read more:", "Headline here"]
    assert split_sentences("   \n\t", "fr") == []


def test_periods_after_words_that_are_not_abbreviations_end_sentences():
    # "May" and "no" look like abbreviations to generic segmenters; our lexicon says "No." only
    # stands before a number.
    assert _texts("The vote was delayed until May. Global markets fell.", "en") == [
        "The vote was delayed until May.", "Global markets fell."]
    assert _texts("He said no. Then he won No. 5 again.", "en") == ["He said no.", "Then he won No. 5 again."]
    assert _texts("Voir p. 12 du rapport. Le 1er janv. 2020, il pleuvait. En 2019. 2020 fut pire.", "fr") == [
        "Voir p. 12 du rapport.", "Le 1er janv. 2020, il pleuvait.", "En 2019.", "2020 fut pire."]


def test_quotes_stay_whole_and_opening_quotes_start_the_next_sentence():
    assert _texts("Sales fell. “There is no other way. None,” she said. Then she left.", "en") == [
        "Sales fell.", "“There is no other way. None,” she said.", "Then she left."]
    assert _texts("« On savait. Ce groupe ne lâche rien », a dit le sélectionneur. Il sourit.", "fr") == [
        "« On savait. Ce groupe ne lâche rien », a dit le sélectionneur.", "Il sourit."]
