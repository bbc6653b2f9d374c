"""HTML page -> main article text + document metadata, with trafilatura (Apache-2.0).

``/v1/analyze`` with ``html`` and ``python -m service.batch`` on ``.html`` files or an ``html``
column use it; the analysis then runs on the extracted ``text``, which offsets index.

Offline by construction: we decode and parse the page ourselves and hand trafilatura an lxml
tree, never a string (htmldate downloads any *string* that looks like a URL) and never a URL.
trafilatura's extraction code needs no downloaded data (its lists ship in the wheels).

Choices, each made by testing on news-like pages (see tests/test_html_extract.py):
- ``favor_precision=True``: on our pages it dropped no body sentence, and ``favor_recall`` let
  footers, "Publicité" labels and subscription pitches through. Boilerplate costs more than a
  missed standfirst, because every line of ``text`` gets analysed and labelled.
- htmldate's ``extensive_search`` is off: it turned a footer's "© 2024" into a 2024-01-01
  publication date. Meta tags, <time> and bylines still give the date, and None beats a wrong one.
- Cost grows with the number of elements, not bytes (3 MiB of inline script takes 0.5 s, 50k
  empty divs take 5 s): pages over MAX_ELEMENTS are refused, and the fallback extractors
  (readability, jusText), which add 20-80 %, are skipped above _FAST_ABOVE elements.
- ``text`` starts with the title (a headline is a sentence worth analysing, and trafilatura
  keeps or drops the <h1> depending on the layout). Then comes one paragraph per line, because
  a line break always ends a sentence in service.core.segment.
- In-body teasers ("Lire plus :", "Read more:"), cookie banners and share lines survive
  trafilatura when they sit inside the body; a small anchored line filter removes them. (Pruning
  by class, e.g. *cookie*, would delete whole pages whose <body> is "has-cookie-banner".)
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass

import lxml.html
from lxml import etree
from trafilatura import bare_extraction

MAX_BYTES = 5 * 1024 * 1024  # a memory guard; MAX_ELEMENTS bounds the time
MAX_ELEMENTS = 20_000  # worst case ~3.5 s (dense short paragraphs); article pages have a few thousand
_FAST_ABOVE = 5_000

_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_TAG = re.compile(r"<(?:!doctype|html|head|body|meta|title|article|main|section|div|p|h[1-6]|br|span)\b", re.IGNORECASE)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>")
# C0 controls (bar \t \n \r) that lxml refuses in a str; scraped pages do carry stray ones.
_CONTROLS = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))
_JUNK = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd]")  # controls + undecodable bytes
# Wrapper tags dropped when markup nests deeper than libxml2's 256 levels, which it silently
# truncates: unclosed <div>s around each paragraph would otherwise lose every paragraph past 256.
_WRAPPERS = re.compile(r"</?(?:div|span|section|font|center|table|tbody|tr|td)\b[^>]*>", re.IGNORECASE)
_BOILERPLATE = re.compile(r"""^\W*(?:
    (?:à\s+)?lire\s+(?:plus|aussi|également|la\s+suite)\b
  | voir\s+aussi\s*[:：]
  | (?:read\s+(?:more|also)|also\s+read|see\s+also|related(?:\s+(?:stories|articles))?|more\s+on\s+this(?:\s+story)?)\s*[:：]
  | (?:nous\s+utilisons|ce\s+site\s+utilise|notre\s+site\s+utilise)\s+des\s+cookies
  | we\s+use\s+cookies | this\s+(?:web)?site\s+uses\s+cookies
  | en\s+poursuivant\s+votre\s+navigation | by\s+continuing\s+to\s+(?:browse|use)\s+(?:this|our|the)\s+(?:web)?site
  | (?:partager\s+sur|share\s+(?:on|this|via))\b
)""", re.IGNORECASE | re.VERBOSE)
_LANG = re.compile(r"^\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*\s*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class HTMLError(ValueError):
    """A page we cannot turn into an article. ``code`` is one of empty_html, not_html, no_article
    or too_large, so the API can map it to a status and a stable error key."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class DocumentMeta:
    title: str | None = None
    author: str | None = None
    date: str | None = None  # ISO YYYY-MM-DD
    site_name: str | None = None
    url: str | None = None  # canonical (or og:url)
    lang: str | None = None  # primary subtag as declared by the page ("en-GB" -> "en")

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Article:
    text: str
    document: DocumentMeta


def _decode(data: bytes) -> str:
    """Use the BOM or the declared charset, then UTF-8, then windows-1252 (the web's de-facto
    default). Never fails: undecodable bytes become U+FFFD, which the garbage check counts."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(codec, errors="replace")
    declared = _CHARSET.search(data[:4096])
    if declared:
        codec = declared.group(1).decode("ascii").lower()
        if not codec.startswith("utf-16"):  # a byte-oriented page declaring utf-16 is utf-8 (HTML5)
            try:
                return data.decode(codec, errors="replace")
            except LookupError:
                pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _check_text(html: str) -> str:
    if not html.strip():
        raise HTMLError("empty_html", "the HTML page is empty")
    head = html[:65536]
    if "\x00" in head or len(_JUNK.findall(head)) > len(head) * 0.05:
        raise HTMLError("not_html", "the input looks like binary data, not an HTML page")
    if not _TAG.search(html):
        raise HTMLError("not_html", "the input has no HTML markup (send the page's HTML, not a URL or plain text)")
    return _XML_DECL.sub("", html.translate(_CONTROLS), count=1)


def _parse(html: str):
    parser = lxml.html.HTMLParser(collect_ids=False, default_doctype=False, remove_comments=True, remove_pis=True)
    tree = lxml.html.document_fromstring(html, parser=parser)
    if any("depth" in e.message for e in parser.error_log):
        tree = lxml.html.document_fromstring(_WRAPPERS.sub(" ", html), parser=parser)
    etree.strip_elements(tree, "svg", "style", with_tail=False)  # cheap to drop, no text, many nodes
    return tree


def _lang(tree) -> str | None:
    """As the page declares it (trafilatura only fills ``language`` when asked to filter by it)."""
    root = tree.getroottree().getroot()
    candidates = [root.get("lang"), root.get("{http://www.w3.org/XML/1998/namespace}lang")]
    candidates += tree.xpath("//meta[translate(@http-equiv,'CONTENT-LANGUAGE','content-language')='content-language']/@content"
                             " | //meta[@property='og:locale']/@content | //meta[@name='language']/@content")
    for value in candidates:
        match = _LANG.match(value or "")
        if match:
            return match.group(1).lower()
    return None


def _body_lines(text: str, title: str | None) -> list[str]:
    lines = [" ".join(line.split()) for line in text.split("\n")]
    lines = [line for line in lines if line and not _BOILERPLATE.match(line)]
    key = " ".join((title or "").split()).casefold()
    while lines and key and lines[0].casefold() == key:
        lines.pop(0)  # the headline, re-added once below
    return lines


def extract_article(html: str | bytes) -> Article:
    """Main text and metadata of one HTML page; raises HTMLError for what is not an article."""
    if not isinstance(html, (str, bytes, bytearray)):
        raise TypeError("html must be str or bytes")
    if len(html) > MAX_BYTES:  # characters for a str: cheaper than encoding it to count
        raise HTMLError("too_large", f"the HTML page is {len(html) / 2**20:.1f} MiB; the limit is {MAX_BYTES // 2**20} MiB")
    text = _check_text(_decode(bytes(html)) if isinstance(html, (bytes, bytearray)) else html)
    try:
        tree = _parse(text)
    except Exception as exc:  # lxml's ParserError and friends
        raise HTMLError("not_html", f"the page could not be parsed as HTML: {exc}") from exc
    elements = sum(1 for _ in tree.iter())
    if elements > MAX_ELEMENTS:
        raise HTMLError("too_large", f"the HTML page has {elements} elements; the limit is {MAX_ELEMENTS}")
    try:
        doc = bare_extraction(
            tree, with_metadata=True, include_comments=False, include_tables=True, favor_precision=True,
            fast=elements > _FAST_ABOVE,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception as exc:  # includes RecursionError; no library error escapes
        raise HTMLError("no_article", f"article extraction failed: {type(exc).__name__}: {exc}") from exc
    title = (" ".join((doc.title or "").split()) or None) if doc else None
    lines = _body_lines(doc.text or "", title) if doc else []
    if not lines:
        raise HTMLError("no_article", "no article body found on the page (only navigation, banners or boilerplate)")
    meta = DocumentMeta(
        title=title,
        author=doc.author or None,
        date=doc.date if doc.date and _DATE.match(doc.date) else None,
        site_name=doc.sitename or None,
        url=doc.url if doc.url and doc.url.startswith(("http://", "https://")) else None,
        lang=_lang(tree),  # trafilatura works on a copy: the tree is as parsed
    )
    return Article(text="\n".join([title, *lines] if title else lines), document=meta)
