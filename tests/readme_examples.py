"""The README's HTTP examples as data: find them, run them, compare, and rewrite the shown outputs.

Used by ``tests/test_readme.py`` (read its docstring for the convention). Three parts:

- ``example_blocks``: the ```` ```sh ```` blocks of README.md that hold ``curl`` commands, each
  command with the output shown under it (and its ``# HTTP nnn`` status, if any).
- ``parse_shown``: JSON with trimming marks (``...``, ``{...}``, ``[...]``, ``"..."``,
  ``"prefix..."``), into nodes that keep their place in the README (for the update mode).
- ``Comparison``: a shown output against the real response: the differences, and the edits that
  make the README show the real output again with the same trimming.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from json.decoder import scanstring
from pathlib import Path
from urllib.parse import urlsplit

ELLIPSIS = "..."
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
STATUS_NOTE = re.compile(r"\bHTTP (\d{3})\b")
ASSIGNMENT = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(\S*)$")
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
# Values that differ on every run. Under these keys a shown value stands for the real one when it
# has the same form; the pair is remembered, so a later command or output may use the shown one.
VOLATILE = {
    ("job", "id"): re.compile(r"^[0-9a-f]{12}$"),  # a retraining job's id (random)
    ("job", "version"): re.compile(r"^\d{8}-\d{6}-[0-9a-f]{8}$"),  # the version it trains (time-stamped)
}
COMMAND_START = re.compile(r"^(?:(?:curl|export|make|python|\.venv/bin/python)\b|[A-Za-z_][A-Za-z0-9_]*=)")


class ReadmeFormatError(ValueError):
    """The README holds an example that the test cannot read."""


# --- the blocks --------------------------------------------------------------------------------

@dataclass
class Command:
    text: str  # the command as in the README (continuation lines joined)
    line: int  # 1-based line of the README where it starts
    output: str = ""  # the shown output, comments removed ("" when none is shown)
    output_start: int = -1  # offset of the output in the README
    status: int | None = None  # from a "# HTTP nnn" note
    status_span: tuple[int, int] | None = None  # where the status digits are


@dataclass
class Block:
    heading: str
    line: int
    commands: list[Command] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", self.heading.lower()).strip("-")


def _split_comment(line: str) -> tuple[str, str | None, int]:
    """A line's code and its trailing ``# comment`` (a ``#`` at a word start, outside quotes)."""
    quote = None
    i = 0
    while i < len(line):
        ch = line[i]
        if quote:
            if ch == "\\" and quote == '"':
                i += 1
            elif ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i].rstrip(), line[i + 1:], i + 1
        i += 1
    return line.rstrip(), None, -1


def example_blocks(text: str) -> list[Block]:
    """The ``sh`` code blocks that hold at least one ``curl`` command, in the README's order."""
    blocks: list[Block] = []
    heading = ""
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    i = 0
    while i < len(lines):
        raw = lines[i].rstrip("\n")
        match = HEADING.match(raw)
        if match:
            heading = match.group(2)
        if raw.strip() == "```sh":
            block = Block(heading, i + 1)
            stray: list[str] = []
            i += 1
            current: Command | None = None
            while i < len(lines) and lines[i].strip() != "```":
                raw = lines[i].rstrip("\n")
                code, comment, comment_at = _split_comment(raw)
                stripped = code.strip()
                if COMMAND_START.match(stripped):
                    start = i
                    note = STATUS_NOTE.search(comment or "")
                    while code.endswith("\\") and i + 1 < len(lines):
                        i += 1
                        code, comment, comment_at = _split_comment(lines[i].rstrip("\n"))
                        code = stripped[:-1] + " " + code.strip()
                        stripped = code
                        note = note or STATUS_NOTE.search(comment or "")
                    current = Command(code.strip(), start + 1)
                    if note:
                        current.status = int(note.group(1))
                    block.commands.append(current)
                elif current is not None and (stripped or comment is not None):  # the shown output
                    if current.output_start < 0:
                        current.output_start = offsets[i]
                    # the line as it is, its comment blanked (so offsets stay the README's)
                    current.output += code + " " * (len(raw) - len(code)) + "\n"
                    note = STATUS_NOTE.search(comment or "")
                    if note:
                        current.status = int(note.group(1))
                        at = offsets[i] + comment_at + note.start(1)
                        current.status_span = (at, at + 3)
                elif stripped:
                    stray.append(f"README line {i + 1}: output before any command: {raw!r}")
                else:
                    current = None  # a blank line ends the output
                i += 1
            if any(c.text.startswith("curl") for c in block.commands):
                if stray:
                    raise ReadmeFormatError("; ".join(stray))
                blocks.append(block)
        i += 1
    return blocks


# --- shell words and curl ----------------------------------------------------------------------

_ANSI = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"', "0": "\0"}


def shell_words(command: str, variables: dict[str, str]) -> list[str]:
    """Split a command as a POSIX shell would: '…', "…" (with $VAR), $'…' (ANSI-C), \\x, # comments."""
    words: list[str] = []
    word: list[str] | None = None
    i, n = 0, len(command)

    def expand(at: int) -> tuple[str, int]:
        match = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))").match(command, at)
        if not match:
            return "$", at + 1
        return variables.get(match.group(1) or match.group(2), ""), match.end()

    while i < n:
        ch = command[i]
        if ch.isspace():
            if word is not None:
                words.append("".join(word))
                word = None
            i += 1
            continue
        if ch == "#" and word is None:
            break
        word = word if word is not None else []
        if ch == "'":
            end = command.index("'", i + 1)
            word.append(command[i + 1:end])
            i = end + 1
        elif command.startswith("$'", i):
            i += 2
            while command[i] != "'":
                if command[i] == "\\":
                    nxt = command[i + 1]
                    if nxt == "x":
                        word.append(chr(int(command[i + 2:i + 4], 16)))
                        i += 4
                        continue
                    word.append(_ANSI.get(nxt, "\\" + nxt))
                    i += 2
                else:
                    word.append(command[i])
                    i += 1
            i += 1
        elif ch == '"':
            i += 1
            while command[i] != '"':
                if command[i] == "\\" and command[i + 1] in '"\\$`':
                    word.append(command[i + 1])
                    i += 2
                elif command[i] == "$":
                    value, i = expand(i)
                    word.append(value)
                else:
                    word.append(command[i])
                    i += 1
            i += 1
        elif ch == "\\":
            word.append(command[i + 1])
            i += 2
        elif ch == "$":
            value, i = expand(i)
            word.append(value)
        else:
            word.append(ch)
            i += 1
    if word is not None:
        words.append("".join(word))
    return words


@dataclass
class Request:
    method: str
    path: str  # with its query string
    headers: dict[str, str]
    body: bytes | None


def curl_request(words: list[str], root: Path) -> Request:
    """The request that ``curl`` would send for these words (the options the README uses).
    ``-d`` (``--data``) sends form data unless a Content-Type is given and, from ``@file``, strips
    line breaks, as curl does; ``--data-binary`` sends bytes as they are. Files are read from ``root``."""
    if not words or words[0] != "curl":
        raise ReadmeFormatError(f"not a curl command: {words}")
    method, url, headers, body = None, None, {}, None
    form_data = False
    it = iter(words[1:])
    for word in it:
        if word in ("-s", "--silent", "-S", "--show-error", "-f", "--fail", "-sS"):
            continue
        if word in ("-X", "--request"):
            method = next(it)
        elif word in ("-H", "--header"):
            name, _, value = next(it).partition(":")
            headers[name.strip()] = value.strip()
        elif word in ("-d", "--data", "--data-binary", "--data-raw"):
            value = next(it)
            if value.startswith("@") and word != "--data-raw":
                data = (root / value[1:]).read_bytes()
                if word != "--data-binary":
                    data = data.replace(b"\r", b"").replace(b"\n", b"")
            else:
                data = value.encode("utf-8")
            body = data if body is None else body + b"&" + data
            form_data = True
        elif word.startswith("-"):
            raise ReadmeFormatError(f"curl option {word!r} is not supported by the README test")
        elif url is None:
            url = word
        else:
            raise ReadmeFormatError(f"two URLs in one curl command: {url!r}, {word!r}")
    if url is None:
        raise ReadmeFormatError(f"no URL in {words}")
    parts = urlsplit(url if "://" in url else "http://" + url)
    if form_data and not any(k.lower() == "content-type" for k in headers):
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Request(method or ("POST" if body is not None else "GET"), path, headers, body)


# --- shown outputs -----------------------------------------------------------------------------

@dataclass
class Node:
    kind: str  # "object" | "array" | "scalar" | "any" | "prefix"
    start: int  # offsets in the README
    end: int
    value: object = None  # scalar: the value; prefix: the string before "..."
    members: list = field(default_factory=list)  # object: (key, Node); array: Node
    open: bool = False  # object / array: "..." stands for more members / items


_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?")
_WS = re.compile(r"\s*")


class _Parser:
    def __init__(self, text: str, base: int):
        self.text, self.base, self.i = text, base, 0

    def error(self, what: str):
        near = self.text[self.i:self.i + 30]
        raise ReadmeFormatError(f"shown output: {what} at {near!r} (README offset {self.base + self.i})")

    def ws(self):
        self.i = _WS.match(self.text, self.i).end()

    def at_ellipsis(self) -> bool:
        return self.text.startswith(ELLIPSIS, self.i)

    def value(self) -> Node:
        self.ws()
        start = self.i
        if self.at_ellipsis():
            self.i += 3
            return Node("any", self.base + start, self.base + self.i)
        if self.i >= len(self.text):
            self.error("a value expected")
        ch = self.text[self.i]
        if ch == "{":
            return self.container("}", start)
        if ch == "[":
            return self.container("]", start)
        if ch == '"':
            value, self.i = scanstring(self.text, self.i + 1)
            node = Node("scalar", self.base + start, self.base + self.i, value)
            if value == ELLIPSIS:
                node.kind = "any"
            elif value.endswith(ELLIPSIS):
                node.kind, node.value = "prefix", value[:-3]
            return node
        for word, value in (("true", True), ("false", False), ("null", None)):
            if self.text.startswith(word, self.i):
                self.i += len(word)
                return Node("scalar", self.base + start, self.base + self.i, value)
        match = _NUMBER.match(self.text, self.i)
        if match and match.end() > self.i:
            self.i = match.end()
            literal = match.group(0)
            value = float(literal) if match.group(1) or match.group(2) else int(literal)
            return Node("scalar", self.base + start, self.base + self.i, value)
        self.error("a JSON value, or ... expected")

    def container(self, close: str, start: int) -> Node:
        node = Node("object" if close == "}" else "array", self.base + start, 0)
        self.i += 1
        self.ws()
        if self.text.startswith(close, self.i):
            self.i += 1
            node.end = self.base + self.i
            return node
        while True:
            self.ws()
            if self.at_ellipsis():
                self.i += 3
                node.open = True
            elif close == "}":
                if self.text[self.i:self.i + 1] != '"':
                    self.error("a key or ... expected")
                key, self.i = scanstring(self.text, self.i + 1)
                self.ws()
                if self.text[self.i:self.i + 1] != ":":
                    self.error("':' expected")
                self.i += 1
                node.members.append((key, self.value()))
            else:
                if node.open:
                    self.error("... must be the last item of a list")
                node.members.append(self.value())
            self.ws()
            if self.text.startswith(close, self.i):
                self.i += 1
                node.end = self.base + self.i
                return node
            if self.text[self.i:self.i + 1] != ",":
                self.error(f"',' or '{close}' expected")
            self.i += 1


def parse_shown(text: str, base: int = 0) -> tuple[list[Node], bool]:
    """The values of a shown output (one, or one a line for JSON Lines), and whether a last
    ``...`` line says that more lines follow."""
    parser = _Parser(text, base)
    values: list[Node] = []
    more = False
    while True:
        parser.ws()
        if parser.i >= len(text):
            return values, more
        if more:
            parser.error("... must be the last line")
        node = parser.value()
        if node.kind == "any" and node.end - node.start == 3 and values:
            more = True  # a bare ... after some lines
            continue
        values.append(node)


# --- comparing, and updating -------------------------------------------------------------------

@dataclass
class Comparison:
    """A shown output against a real one. ``volatile`` maps shown values of VOLATILE fields to the
    real ones (it lives as long as a block's run: later commands use it)."""
    volatile: dict[str, str]
    readme: str = ""  # the README's text, to quote shown values in messages
    separators: tuple[str, str] = (", ", ": ")
    differences: list[str] = field(default_factory=list)
    edits: list[tuple[int, int, str]] = field(default_factory=list)

    def shown(self, node: Node) -> str:
        return " ".join(self.readme[node.start:node.end].split())

    def dump(self, value) -> str:
        return json.dumps(value, ensure_ascii=False, separators=self.separators)

    def differ(self, path: str, node: Node, real, rewrite=None) -> None:
        real_text = self.dump(real)
        self.differences.append(f"{path or '(top)'}: README shows {self.shown(node)[:300]}\n"
                                f"{' ' * len(path or '(top)')}  real output is {real_text[:300]}")
        self.edits.append((node.start, node.end, self.dump(rewrite if rewrite is not None else real)))

    def compare_output(self, nodes: list[Node], more: bool, real: list) -> None:
        """The shown values (one, or one a line) against the real ones."""
        if len(real) < len(nodes) or (not more and len(real) != len(nodes)):
            shown = " | ".join(self.shown(n) for n in nodes)[:300]
            self.differences.append(f"(top): README shows {len(nodes)} value(s): {shown}\n"
                                    f"       real output has {len(real)}: {' | '.join(map(self.dump, real))[:300]}")
            self.edits.append((nodes[0].start, nodes[-1].end, "\n".join(map(self.dump, real))))
            return
        for i, (node, value) in enumerate(zip(nodes, real)):
            self.compare(node, value, f"(line {i + 1})" if len(nodes) > 1 else "")

    def compare(self, node: Node, real, path: str = "", keys: tuple[str, ...] = ()) -> None:
        if node.kind == "any":
            return
        if node.kind == "prefix":
            if not isinstance(real, str) or not real.startswith(node.value):
                self.differ(path, node, real)
            return
        if node.kind == "scalar":
            self._scalar(node, real, path, keys)
            return
        if node.kind == "object":
            if not isinstance(real, dict):
                self.differ(path, node, real)
                return
            missing = [key for key, _ in node.members if key not in real]
            if missing:
                kept = {key: real[key] for key, _ in node.members if key in real}
                self.differ(f"{path}.{missing[0]}", node, real, rewrite=kept)
                return
            for key, child in node.members:
                self.compare(child, real[key], f"{path}.{key}", keys + (key,))
            return
        if not isinstance(real, list) or len(real) < len(node.members) or (not node.open and len(real) != len(node.members)):
            self.differ(path, node, real)
            return
        for i, child in enumerate(node.members):
            self.compare(child, real[i], f"{path}[{i}]", keys + ("[]",))

    def _scalar(self, node: Node, real, path: str, keys: tuple[str, ...]) -> None:
        if not self._same_scalar(node.value, real, keys):
            self.differ(path, node, real)

    def _same_scalar(self, shown, real, keys: tuple[str, ...]) -> bool:
        if isinstance(shown, str) and isinstance(real, str):
            form = VOLATILE.get(keys[-2:])
            if shown == real or self.volatile.get(shown) == real:
                return True
            if form is not None and form.match(shown) and form.match(real):
                return self.volatile.setdefault(shown, real) == real  # remembered for what follows
            return bool(TIMESTAMP.match(shown) and TIMESTAMP.match(real))
        if shown is None or real is None:
            return shown is real
        return shown == real and isinstance(shown, bool) == isinstance(real, bool)  # true is not 1


def apply_edits(text: str, edits: list[tuple[int, int, str]]) -> str:
    """Replace spans of ``text`` (an edit inside another one is dropped: the outer one wins)."""
    edits = sorted(set(edits), key=lambda e: (e[0], -e[1]))
    kept: list[tuple[int, int, str]] = []
    for edit in edits:
        if kept and edit[1] <= kept[-1][1] and edit[0] >= kept[-1][0]:
            continue
        if kept and edit[0] < kept[-1][1]:
            raise ValueError(f"overlapping edits: {kept[-1][:2]} and {edit[:2]}")
        kept.append(edit)
    for start, end, new in reversed(kept):
        text = text[:start] + new + text[end:]
    return text
