"""service.core.html on hand-written pages (tests/data/html/): boilerplate out, body and metadata
in, bad inputs refused with the right code, and bounded cost on huge or pathological markup."""
import gzip
import random
import socket
import time
from pathlib import Path

import pytest

from service.core import html as html_extract
from service.core.html import (
    MAX_BYTES,
    MAX_ELEMENTS,
    Article,
    HTMLError,
    extract_article,
)

DATA = Path(__file__).parent / "data" / "html"

FR_TITLE = "Grève des contrôleurs aériens : des centaines de vols annulés à Lyon"
FR_BODY = [
    "La grève des contrôleurs aériens a contraint l'aéroport de Lyon-Saint-Exupéry à annuler près de 300 vols jeudi, selon la direction générale de l'aviation civile.",
    "Des milliers de passagers se sont retrouvés bloqués dans les halls dès l'aube, certains dormant à même le sol faute de solution de repli.",
    "« Nous n'avons reçu aucune information avant d'arriver au comptoir », a dénoncé une voyageuse qui devait rejoindre Lisbonne pour un rendez-vous médical.",
    "Les syndicats réclament des recrutements supplémentaires et dénoncent des effectifs insuffisants depuis la crise sanitaire.",
    "Le ministre des Transports a appelé au « sens des responsabilités » des grévistes, tout en promettant l'ouverture de négociations la semaine prochaine.",
    "Les compagnies à bas coût, très présentes sur la plateforme lyonnaise, estiment leurs pertes à plusieurs millions d'euros pour la seule journée de jeudi.",
    "Un nouveau préavis de grève a déjà été déposé pour le 21 mars, ce qui fait craindre de nouvelles perturbations à l'approche des vacances de printemps.",
]
FR_BOILERPLATE = [
    "Nous utilisons des cookies", "Accepter", "Paramétrer", "Politique", "S'abonner", "Accueil",
    "Partager sur", "Envoyer par e-mail", "À lire aussi", "Lire plus", "la réforme du contrôle aérien",
    "SNCF", "kérosène", "Commentaires", "inadmissible", "Soutien total", "Mentions légales",
    "Tous droits réservés", "newsletter", "Par Claire Fontaine",
]
EN_TITLE = "City council approves new cycling lanes despite shop owners' protests"
EN_BODY = [
    "Northbridge city council voted on Wednesday night to build six kilometres of protected cycling lanes through the town centre.",
    "The plan passed by 27 votes to 14 after a heated three-hour debate that was interrupted twice by protesters in the public gallery.",
    "Shop owners on Market Street argue that removing 80 parking spaces will drive customers to out-of-town retail parks.",
    '"We are not against bikes, but this decision was taken without listening to the people who keep this high street alive," said Margaret Hale, who runs a bakery near the station.',
    "Council leader Priya Nair said the lanes would cut congestion and make the centre safer for children walking to school.",
    "Construction is expected to begin in March and last about nine months, with the first section opening before next summer.",
    "Opposition councillors have asked for an independent review of the traffic study on which the plan was based.",
]
EN_BOILERPLATE = [
    "We use cookies", "Accept all", "Manage preferences", "Sign in", "Subscribe", "Share on", "Copy link",
    "Read more", "Parking charges", "Related stories", "Bus route 12", "Sign up", "comments", "bikefan88",
    "About time", "All rights reserved", "Privacy policy",
]


def page(name: str) -> bytes:
    return (DATA / name).read_bytes()


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Extraction must never touch the network, whatever URLs the page (or the input) holds."""
    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


FR_DOCUMENT = {
    "title": FR_TITLE, "author": "Claire Fontaine", "date": "2024-03-14", "site_name": "Le Courrier du Rhône",
    "url": "https://www.courrier-du-rhone.example/economie/2024/03/14/greve-controleurs-aeriens-lyon", "lang": "fr",
}
EN_DOCUMENT = {
    "title": EN_TITLE, "author": "Daniel Okafor", "date": "2023-11-02", "site_name": "The Northbridge Gazette",
    "url": "https://news.northbridge-gazette.example/local/cycling-lanes-approved",
    "lang": "en",  # <html lang="en-GB">: the primary subtag, as the analysers use it
}


@pytest.mark.parametrize("name, as_text, lines, boilerplate, document", [
    ("fr_news.html", False, [FR_TITLE, *FR_BODY], FR_BOILERPLATE, FR_DOCUMENT),
    ("en_news.html", True, [EN_TITLE, *EN_BODY], EN_BOILERPLATE, EN_DOCUMENT),  # str input too
])
def test_news_page_keeps_the_article_and_drops_the_boilerplate(name, as_text, lines, boilerplate, document):
    raw = page(name)
    article = extract_article(raw.decode("utf-8") if as_text else raw)
    assert isinstance(article, Article)
    assert article.text.split("\n") == lines  # headline first, one paragraph a line
    for junk in boilerplate:
        assert junk not in article.text, junk
    assert article.document.to_json() == document


def test_str_and_bytes_give_the_same_article():
    raw = page("fr_news.html")
    assert extract_article(raw) == extract_article(raw.decode("utf-8"))


@pytest.mark.parametrize("declare", [True, False])
def test_bytes_in_a_legacy_charset_are_decoded(declare):
    html = page("fr_news.html").decode("utf-8")
    html = html.replace('<meta charset="utf-8">', '<meta charset="windows-1252">' if declare else "")
    article = extract_article(html.encode("cp1252"))
    assert article.text.split("\n") == [FR_TITLE, *FR_BODY]


def test_unknown_metadata_is_none_and_a_copyright_year_is_no_date():
    html = ("<html><head><title>Storm hits the coast</title></head><body><article><h1>Storm hits the coast</h1>"
            "<p>Strong winds battered the east coast overnight, leaving thousands of homes without power.</p>"
            "<p>Engineers worked through the night to restore electricity to the worst-affected villages.</p>"
            "</article><footer>© 2023 Example Media</footer></body></html>")
    article = extract_article(html)
    assert article.document.to_json() == {
        "title": "Storm hits the coast", "author": None, "date": None, "site_name": None, "url": None, "lang": None,
    }
    assert article.text.split("\n")[0] == "Storm hits the coast"


@pytest.mark.parametrize("value", ["", "   \n\t ", b"", b" \r\n "])
def test_empty_input(value):
    with pytest.raises(HTMLError) as err:
        extract_article(value)
    assert err.value.code == "empty_html"


@pytest.mark.parametrize("value", [
    random.Random(7).randbytes(8192),  # binary garbage (has NUL bytes)
    bytes(b for b in random.Random(8).randbytes(16384) if b)[:8192],  # garbage without NULs
    gzip.compress(b"<html><body><p>compressed page</p></body></html>" * 50),
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n\x00\x00\x01stream",
    "https://example.com/some/article",  # a URL is not a page, and is never fetched
    "Just a plain sentence, without any markup.",
])
def test_not_html(value):
    with pytest.raises(HTMLError) as err:
        extract_article(value)
    assert err.value.code == "not_html"


def test_page_with_only_navigation_and_a_cookie_banner_has_no_article():
    with pytest.raises(HTMLError) as err:
        extract_article(page("nav_only.html"))
    assert err.value.code == "no_article"
    assert "no article" in str(err.value)


@pytest.mark.parametrize("old,new", [
    ('id="cookie-banner" class="cookie-consent"', ""),  # no class hints at all
    ("Nous utilisons des cookies pour améliorer votre expérience et mesurer l'audience de notre site. En", "En"),
])
def test_cookie_banner_variants_are_still_no_article(old, new):
    html = page("nav_only.html").decode("utf-8").replace(old, new)
    with pytest.raises(HTMLError) as err:
        extract_article(html)
    assert err.value.code == "no_article"


@pytest.mark.parametrize("old,new", [
    ("<body>", '<body class="has-cookie-banner">'),
    ("<main>", '<main id="consent-wrapper">'),
])
def test_cookie_words_in_container_classes_do_not_hide_the_article(old, new):
    article = extract_article(page("fr_news.html").decode("utf-8").replace(old, new))
    assert article.text.split("\n") == [FR_TITLE, *FR_BODY]


def test_library_errors_become_html_errors(monkeypatch):
    def boom(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")
    monkeypatch.setattr(html_extract, "bare_extraction", boom)
    with pytest.raises(HTMLError) as err:
        extract_article(page("fr_news.html"))
    assert err.value.code == "no_article"


def test_input_over_the_size_bound_is_refused_at_once():
    start = time.perf_counter()
    with pytest.raises(HTMLError) as err:
        extract_article(b"<html><body><p>" + b"a" * MAX_BYTES + b"</p></body></html>")
    assert err.value.code == "too_large" and "MiB" in str(err.value)
    assert time.perf_counter() - start < 1


def test_too_many_elements_are_refused_quickly():
    html = "<html><body><article><p>Some text.</p></article>" + "<div><span></span></div>" * (MAX_ELEMENTS // 2 + 10) + "</body></html>"
    start = time.perf_counter()
    with pytest.raises(HTMLError) as err:
        extract_article(html)
    assert err.value.code == "too_large" and "elements" in str(err.value)
    assert time.perf_counter() - start < 2


def test_multi_mebibyte_page_is_extracted_in_a_few_seconds():
    sentence = ("The committee met again on Tuesday to discuss the budget, and members disagreed sharply "
                "about the cuts proposed for schools, hospitals and regional transport in the coming year. ")
    paragraphs = [f"Paragraph {i}: {sentence * 2}".strip() for i in range(10_000)]
    html = "<html lang='en'><head><title>Budget</title></head><body><article><h1>Budget</h1>" + "".join(
        f"<p>{p}</p>" for p in paragraphs) + "</article></body></html>"
    assert len(html) > 2.5 * 2**20
    start = time.perf_counter()
    article = extract_article(html)
    assert time.perf_counter() - start < 10  # ~1.5 s here; generous for a loaded CI machine
    assert article.text.split("\n") == ["Budget", *paragraphs]


def _body(n=8):
    return "".join(f"<p>Paragraph {i}: the minister defended the reform in front of a sceptical parliament.</p>" for i in range(n))


@pytest.mark.parametrize("html", [
    "<html><head><title>Deep</title></head><body>" + "<div>" * 5000 + _body() + "</div>" * 5000 + "</body></html>",
    "<html><head><title>Deep</title></head><body>" + "<section><div><span>" * 2000 + _body() + "</span></div></section>" * 2000 + "</body></html>",
    "<html><head><title>Deep</title></head><body><article>" + _body() + "</article>" + "<b>" * 5000 + "x" + "</b>" * 5000 + "</body></html>",
], ids=["div-5000", "mixed-6000", "after-b-5000"])
def test_deeply_nested_markup_neither_crashes_nor_loses_the_text(html):
    start = time.perf_counter()
    article = extract_article(html)
    assert time.perf_counter() - start < 5
    assert article.text.split("\n")[1:9] == [f"Paragraph {i}: the minister defended the reform in front of a sceptical parliament." for i in range(8)]


def test_unclosed_divs_keep_every_paragraph():
    # a broken CMS export: one unclosed <div> per paragraph nests 400 levels deep
    html = "<html><head><title>Report</title></head><body>" + "".join(
        f"<div class=para><p>Paragraph {i} of the long report on regional transport policy.</p>" for i in range(400)) + "</body></html>"
    lines = extract_article(html).text.split("\n")
    assert lines == ["Report", *(f"Paragraph {i} of the long report on regional transport policy." for i in range(400))]


def test_nesting_beyond_the_parser_limit_fails_cleanly():
    # 5000 nested lists: libxml2 drops what lies deeper than 256 levels; we answer, never crash
    html = "<html><body>" + "<ul><li>" * 5000 + _body() + "</li></ul>" * 5000 + "</body></html>"
    start = time.perf_counter()
    try:
        extract_article(html)
    except HTMLError as err:
        assert err.code == "no_article"
    assert time.perf_counter() - start < 5


def test_rejects_other_types():
    with pytest.raises(TypeError):
        extract_article(None)
