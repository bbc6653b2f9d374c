"""Web pages in: ``/v1/analyze`` with ``html`` and ``python -m service.batch`` on pages (the pages in
tests/data/html were written for these tests)."""
import json
from pathlib import Path

from service.batch import run as batch
from service.batch import tables as batch_tables

PAGES = Path(__file__).parent / "data" / "html"
BOILERPLATE = ("Nous utilisons des cookies", "Partager sur", "Lire plus", "Accepter", "Paramétrer")


def test_a_french_news_page_is_stripped_and_its_body_analysed(client):
    resp = client.post("/v1/analyze", json={"html": (PAGES / "fr_news.html").read_text(encoding="utf-8")})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    body = resp.get_json()
    text = body["text"]
    assert body["lang"] == "fr" and body["document"]["site_name"] and body["document"]["date"] == "2024-03-14"
    assert body["document"]["title"] == text.splitlines()[0]
    assert not any(b in text for b in BOILERPLATE)
    assert len(body["sentences"]) >= 5
    for s in body["sentences"]:
        assert text[s["start"]:s["end"]] == s["text"]
        for a in s["attributions"]:
            assert text[a["cue"]["start"]:a["cue"]["end"]] == a["cue"]["text"]
    assert any(s["label"] == "attributed" for s in body["sentences"])


def test_the_same_text_sent_as_text_gives_the_same_sentences(client):
    page = client.post("/v1/analyze", json={"html": (PAGES / "en_news.html").read_text(encoding="utf-8")}).get_json()
    plain = client.post("/v1/analyze", json={"text": page["text"], "lang": page["lang"]}).get_json()
    assert page["sentences"] == plain["sentences"] and page["summary"] == plain["summary"]
    assert "text" not in plain and "document" not in plain  # plain-text responses are unchanged


def test_bad_pages_are_422_with_a_reason(client):
    cases = {"empty_html": "   ", "not_html": "\x00\x01\x02 binary \x00" * 50,
             "no_article": (PAGES / "nav_only.html").read_text(encoding="utf-8")}
    for code, html in cases.items():
        resp = client.post("/v1/analyze", json={"html": html})
        err = resp.get_json()["error"]
        assert resp.status_code in (400, 422) and err["code"] == code and err["field"] == "html", (code, err)


def test_text_and_html_together_or_neither_is_a_400(client):
    assert client.post("/v1/analyze", json={"text": "Il pleut.", "html": "<p>x</p>"}).status_code == 400
    err = client.post("/v1/analyze", json={"lang": "fr"}).get_json()["error"]
    assert err["code"] == "missing_field" and err["field"] == "text"


def test_batch_reads_pages_and_keeps_their_metadata(tmp_path, registry_dir):
    pages = tmp_path / "pages"
    pages.mkdir()
    for name in ("fr_news.html", "en_news.html", "nav_only.html"):
        (pages / name).write_bytes((PAGES / name).read_bytes())
    out = tmp_path / "out"
    assert batch.main([str(pages / "*.html"), "--out", str(out), "--model-dir", str(registry_dir), "--processes", "1",
                       "--format", "jsonl", "--no-progress"]) == 0
    articles = batch_tables.read_table(out, "articles").set_index("id")
    assert set(articles.index) == {"fr_news", "en_news"}
    assert articles.loc["fr_news", "lang"] == "fr" and articles.loc["fr_news", "date"] == "2024-03-14"
    assert articles.loc["fr_news", "site_name"] and articles.loc["en_news", "title"]
    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text().splitlines()]
    assert [(e["id"], e["reason"].split(":")[0]) for e in errors] == [("nav_only", "no_article")]
