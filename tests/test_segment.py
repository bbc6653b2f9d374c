from training.segment import split_sentences

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
