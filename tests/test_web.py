"""The analysis page at ``/``: its HTML through Flask's test client, then the whole page in a real
browser (Debian's chromium driven by Playwright) against a real server on 127.0.0.1.

The browser tests skip, saying why, only when /usr/bin/chromium or the playwright package is
missing; CI installs both (apt-get install chromium; pip install playwright==1.65.2).
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from service.web import create_app
from tests.conftest import ROOT, SEED_ARTICLE, LiveServer, copy_active_model

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# The README's screenshot is refreshed only on request (UPDATE_SCREENSHOT=1), so a test run never
# leaves a changed binary in the work tree; otherwise the screenshot goes to a temporary file.
SCREENSHOT = ROOT / "docs" / "screenshot.png" if os.environ.get("UPDATE_SCREENSHOT") else None
SCRIPTS = ("/static/dom.js", "/static/exports.js", "/static/panels.js", "/static/app.js")  # in load order
ASSETS = ("/", *SCRIPTS, "/static/app.css")
EXTERNAL_URL = re.compile(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", re.IGNORECASE)


# ---- the page, through the test client ------------------------------------------------------------

class _Elements(HTMLParser):
    """Every start tag as (tag, attrs), and the text of each <label for=...>."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.labels: dict[str, str] = {}
        self._label_for: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "label":
            self._label_for = attrs.get("for")
            self.labels.setdefault(self._label_for, "")

    def handle_endtag(self, tag):
        if tag == "label":
            self._label_for = None

    def handle_data(self, data):
        if self._label_for is not None:
            self.labels[self._label_for] += data

    def by_id(self, ident):
        return next(((t, a) for t, a in self.tags if a.get("id") == ident), (None, {}))


def _parse(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    return parser


def test_index_page_has_labelled_form(client):
    resp = client.get("/")
    assert resp.status_code == 200
    assert resp.mimetype == "text/html"
    page = _parse(resp.get_data(as_text=True))
    tag, attrs = page.by_id("text")
    assert tag == "textarea"
    assert page.labels.get("text", "").strip() == "Article text"
    tag, _ = page.by_id("lang")
    assert tag == "select"
    assert page.labels.get("lang", "").strip() == "Language"
    options = [a.get("value") for t, a in page.tags if t == "option"]
    assert options[0] == "auto" and {"fr", "en"} <= set(options)
    tag, attrs = page.by_id("analyze")
    assert tag == "button" and attrs.get("type") == "submit"
    assert page.by_id("file")[1].get("type") == "file" and page.labels.get("file")
    assert page.by_id("error")[1].get("role") == "alert"
    assert page.by_id("status")[1].get("role") == "status"
    scripts = [a["src"] for t, a in page.tags if t == "script"]
    sheets = [a["href"] for t, a in page.tags if t == "link" and a.get("rel") == "stylesheet"]
    assert scripts == list(SCRIPTS) and sheets == ["/static/app.css"]
    # The browser is told to load nothing from elsewhere either.
    csp = resp.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "connect-src 'self'" in csp and "script-src 'self'" in csp


def test_index_page_works_before_the_model_is_loaded(tmp_path):
    app = create_app({"TESTING": True, "LOAD_MODEL": "none", "MODEL_DIR": str(tmp_path)})
    resp = app.test_client().get("/")
    assert resp.status_code == 200
    options = [a.get("value") for t, a in _parse(resp.get_data(as_text=True)).tags if t == "option"]
    assert options == ["auto", "fr", "en"]


@pytest.mark.parametrize("path", ASSETS)
def test_assets_are_local(client, path):
    resp = client.get(path)
    assert resp.status_code == 200
    body = resp.get_data(as_text=True)
    assert "http://" not in body and "https://" not in body
    assert not EXTERNAL_URL.search(body), EXTERNAL_URL.search(body).group(0)
    assert "@import" not in body and "url(" not in body
    if path == "/":
        for tag, attrs in _parse(body).tags:
            for key in ("src", "href", "action"):
                value = attrs.get(key)
                if value is not None:
                    assert value.startswith(("/", "#", "data:")) and not value.startswith("//"), (tag, key, value)


@pytest.mark.parametrize("script", SCRIPTS)
def test_script_never_writes_html(script):
    js = (ROOT / "service" / "web" / script.lstrip("/")).read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in js, sink


# ---- the page in a real browser ------------------------------------------------------------------

def _sync_playwright():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is missing (pip install playwright==1.65.2)")
    return sync_playwright


@pytest.fixture(scope="module")
def playwright_factory():
    return _sync_playwright()  # skips before anything is started


@pytest.fixture(scope="module")
def server_url(playwright_factory, tmp_path_factory):
    """A real server (``python -m service``) on a free port, ready to analyze; stopped at the end.
    It serves a copy of the active model, so the test neither writes to nor depends on models/."""
    # Threaded workers here (keep-alive, the browser's parallel requests); other live tests use the default.
    server = LiveServer(copy_active_model(tmp_path_factory.mktemp("web") / "models"), threads=4).start()
    yield server.url
    server.stop()


@pytest.fixture(scope="module")
def browser(playwright_factory):
    with playwright_factory() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
                                     timeout=30_000)
        yield browser
        browser.close()


@pytest.fixture()
def page(browser, server_url):
    """A fresh page that records script errors and every URL it asks for."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True,
                                  color_scheme="light", reduced_motion="reduce")
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems, requests = [], []
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}")
            if msg.type == "error" and "Failed to load resource" not in msg.text else None)
    page.on("request", lambda req: requests.append(req.url))
    page.goto(server_url + "/")
    yield page
    context.close()
    assert not problems, problems
    outside = [u for u in requests if not u.startswith((server_url + "/", "data:", "blob:"))]
    assert not outside, f"the page asked for URLs outside the server: {outside}"


def _analyze(page, text: str, lang: str):
    page.get_by_label("Article text").fill(text)
    page.get_by_label("Language").select_option(lang)
    page.get_by_role("button", name="Analyze").click()


def _wait_results(page):
    page.locator("#results").wait_for(state="visible")
    return page.eval_on_selector_all("#article .sent", """els => els.map(e => {
        const c = e.cloneNode(true);
        c.querySelectorAll('.tag').forEach(t => t.remove());
        return {index: Number(e.dataset.index), label: e.dataset.label, text: c.textContent,
                classes: e.className};
    })""")


def _article_text(page) -> str:
    """The article as shown, without the label tags: must be the input, character for character."""
    return page.eval_on_selector("#article", """el => {
        const c = el.cloneNode(true);
        c.querySelectorAll('.tag').forEach(t => t.remove());
        return c.textContent;
    }""")


def test_seed_article_in_the_browser(page, tmp_path):
    _analyze(page, SEED_ARTICLE, "fr")
    sents = _wait_results(page)
    assert len(sents) == 17
    assert _article_text(page) == SEED_ARTICLE  # line breaks and the text between sentences kept

    by_start = lambda prefix: next(s for s in sents if s["text"].startswith(prefix))  # noqa: E731
    assert by_start("Lire plus :")["label"] == "none"
    headline = by_start("Syrie : l’armée dément")
    assert headline["label"] == "attributed"
    hedged = by_start("S’ils avaient réussi")
    assert hedged["label"] == "hedged"
    others = [s for s in sents if s not in (headline, hedged, by_start("Lire plus :"))]
    assert sum(s["label"] == "asserted" for s in others) >= 0.75 * len(others)
    for s in sents:  # each label has a text tag, not only a colour
        assert page.locator(f"#s-{s['index']} > .tag").inner_text().lower() == s["label"]

    # Cues are underlined inside their sentences.
    assert page.locator(f"#s-{headline['index']} .cue-reporting_verb", has_text="dément").count() == 1
    assert page.locator(f"#s-{hedged['index']} .cue-hedge, #s-{hedged['index']} .cue-conditional",
                        has_text="auraient").count() >= 1

    # Focus shows the scores; the arrow keys move between sentences.
    page.locator(f"#s-{hedged['index']}").focus()
    tip = page.locator("#tip")
    tip.wait_for(state="visible")
    assert f"Sentence {hedged['index'] + 1}: hedged" in tip.inner_text()
    assert re.search(r"hedged\s+\d+%", tip.inner_text())
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.id") == f"s-{hedged['index'] + 1}"
    page.keyboard.press("Escape")
    tip.wait_for(state="hidden")

    # Summary: shares and the strongest claims stated as fact.
    assert re.search(r"asserted\s+\d+%", page.locator("#shares li[data-label=asserted]").inner_text())
    assert page.locator("#facts li").count() == 5

    # Sources: who, how many claims, and the stance of the verbs.
    military = page.locator("#sources li.source", has_text="les militaires américains")
    assert military.count() == 1
    assert int(military.locator(".stance-distancing").get_attribute("data-count")) >= 1
    assert "prétextant" in military.locator(".verbs").inner_text()
    army = page.locator("#sources li.source", has_text="l’armée")
    assert army.count() >= 1
    assert int(army.first.locator(".stance-denial").get_attribute("data-count")) >= 1

    # Clicking a source highlights its sentences, and only those.
    button = military.get_by_role("button")
    button.click()
    assert button.get_attribute("aria-pressed") == "true"
    quoted = by_start("Le lendemain, les militaires américains")
    assert "picked" in page.locator(f"#s-{quoted['index']}").get_attribute("class")
    assert page.locator("#article .sent.picked").count() == 1
    assert page.locator("#article .src.src-picked", has_text="les militaires américains").count() == 1

    # The screenshot for the documentation: a source selected, a sentence's scores showing. The
    # window is made as tall as the page so that nothing scrolls (the sources panel is sticky).
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": 1280, "height": min(height, 4000)})
    page.evaluate("window.scrollTo(0, 0)")
    page.locator(f"#s-{quoted['index']}").hover()
    tip.wait_for(state="visible")
    shot = SCREENSHOT or Path(tempfile.mkdtemp()) / "screenshot.png"
    shot.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000

    # Exports: the JSON answer with its text, and one CSV row per sentence.
    with page.expect_download() as info:
        page.get_by_role("button", name="Download JSON").click()
    exported = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    assert exported["text"] == SEED_ARTICLE and len(exported["sentences"]) == 17
    assert info.value.suggested_filename.endswith(".json")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8-sig"), newline="")))
    assert len(rows) == 17
    assert [r["label"] for r in rows] == [s["label"] for s in sents]
    assert [r["text"] for r in rows] == [s["text"] for s in exported["sentences"]]
    assert info.value.suggested_filename.endswith(".csv")


def test_api_errors_are_plain_messages(page):
    _analyze(page, "Der Hund bellt im Garten. Die Katze schläft den ganzen Tag auf dem Sofa.", "auto")
    error = page.locator("#error")
    error.wait_for(state="visible")
    message = error.inner_text()
    assert message.startswith("Unsupported language:") and "'de'" in message
    assert "{" not in message and "unsupported_language" not in message
    assert page.locator("#results").is_hidden()
    # A text over the body limit (1 MiB): 413.
    _analyze(page, "Le chat dort sur le canapé. " * 40_000, "fr")
    page.wait_for_function("document.getElementById('error').textContent.startsWith('The text is too long:')")
    assert "{" not in error.inner_text()
    # An empty text is caught before it is sent.
    _analyze(page, "   ", "auto")
    page.wait_for_function("document.getElementById('error').textContent.includes('no text')")


def test_open_a_text_file(page):
    content = "Selon le ministre, l’économie pourrait croître.\r\nLa pluie tombe sur Paris."
    page.get_by_label("Or open a .txt file").set_input_files(
        {"name": "article.txt", "mimeType": "text/plain", "buffer": content.encode("utf-8")})
    page.wait_for_function("document.getElementById('text').value.length > 0")
    assert page.get_by_label("Article text").input_value() == content.replace("\r\n", "\n")
    page.get_by_label("Or open a .txt file").set_input_files(
        {"name": "scan.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"})
    page.locator("#error").wait_for(state="visible")
    assert "scan.pdf" in page.locator("#error").inner_text()


def test_text_is_shown_exactly_and_escaped(page):
    text = ("Officials said <img src=x onerror=\"window.__pwned=1\"> was found 🎉 near the coast.\n\n"
            "  The storm hit 🌊 the coast on Monday, according to Reuters.\n")
    _analyze(page, text, "en")
    sents = _wait_results(page)
    assert _article_text(page) == text  # offsets survive characters outside the BMP
    assert [s["text"] for s in sents] == [
        "Officials said <img src=x onerror=\"window.__pwned=1\"> was found 🎉 near the coast.",
        "The storm hit 🌊 the coast on Monday, according to Reuters."]
    assert page.locator("#article img").count() == 0
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#article .cue-according_to", has_text="according to").count() == 1
