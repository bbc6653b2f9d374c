"""Every HTTP example of README.md runs against the app, and its shown output is the real one.

What runs: each ```` ```sh ```` block of README.md that holds ``curl`` commands, command after
command in the README's order, through Flask's test client (``create_app`` with the shipped model,
``LOAD_MODEL`` sync, on a copy of the registry in ``tmp_path``, so nothing under ``models/``
changes). ``localhost:8000`` stands for the app. In a block:

- ``ADMIN_TOKEN=<token> make serve`` starts "the server" with that admin token (before it, admin
  endpoints are disabled, as on a real server started without it). ``NAME=value`` or ``export
  NAME=value`` alone sets a variable of the *client's* shell, for ``$NAME`` in later commands.
- ``curl`` options: ``-s``, ``-X``, ``-H``, ``-d``/``--data``, ``--data-binary`` (``@file`` is
  read from the project folder; ``-d`` sends form data unless a Content-Type is given, as curl
  does), shell quoting ``'…'``, ``"…"``, ``$'…'``. Other options fail the test.
- ``GET /v1/jobs/<id>``: the test waits for the job to end (at most ``README_JOB_TIMEOUT_S``,
  default 3600 s: a retraining on the whole corpus takes minutes), and the README shows the
  finished job.
- Other lines (``python -m …``, ``make …``) are not run here.

The shown output is the text under a command up to the next command or a blank line; ``# …``
comments are not part of it. ``# HTTP nnn`` in such a comment is the expected status; with no
such note the status must be below 400. No output shown: only the status is checked.

The convention for shown outputs (the README trims them):

- Outputs are JSON (JSON Lines: one value a line), spaced or compact as you like.
- An object shows *some* of the real keys: every key shown must be in the real object with a
  matching value; keys not shown may exist. Write ``...`` among the members (``{"a": 1, ...}``)
  where you left keys out, for the reader; ``{...}`` is any object.
- A list shows all its items, in order, unless its last item is ``...``: then the shown items
  are the first ones of the real list (``[{"x": 1}, ...]``). ``[...]`` is any list. A last line
  ``...`` after JSON Lines means more lines follow.
- ``...`` (bare) or ``"..."`` as a value matches any value; ``"text..."`` matches any string that
  starts with ``text``.
- Strings, numbers, booleans and null are equal (numbers as the JSON numbers they are: the
  service rounds scores to 4 decimals, and the same model gives the same digits).
- Values that change on every run are normalised: a timestamp (ISO 8601) matches any timestamp;
  a retraining job's ``id`` and the ``version`` it trains match any value of the same form
  (12 hex digits; ``YYYYMMDD-HHMMSS-hash8``), and the shown one then stands for the real one in
  the commands and outputs that follow (``curl localhost:8000/v1/jobs/3f2a9c0d1e4b``).

Update mode: ``UPDATE_README=1 python -m pytest tests/test_readme.py`` runs the same examples and
writes the real outputs into README.md with the same trimming: each shown scalar takes its real
value in place (layout kept); a shown part whose shape no longer fits (a list of another length,
a key that is gone) is rewritten as the real JSON on one line; normalised values, ``...`` and
prefixes stay as shown; ``# HTTP nnn`` notes take the real status. Review the diff (``git diff
README.md``), then run the test again without it. Use it after retraining the shipped model.
"""
from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest

from service.web import create_app
from tests.conftest import copy_active_model
from tests.readme_examples import (
    ASSIGNMENT,
    Comparison,
    ReadmeFormatError,
    apply_edits,
    curl_request,
    example_blocks,
    parse_shown,
    shell_words,
)

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
UPDATE = bool(os.environ.get("UPDATE_README"))
JOB_TIMEOUT_S = float(os.environ.get("README_JOB_TIMEOUT_S", "3600"))  # a retraining on a busy 2-core machine
BLOCKS = example_blocks(README.read_text(encoding="utf-8"))


def _real_values(resp) -> list:
    if resp.mimetype in ("application/x-ndjson", "application/jsonl"):
        return [json.loads(line) for line in resp.get_data(as_text=True).splitlines() if line.strip()]
    return [resp.get_json()]


class Session:
    """One block's run: the app (started by ``make serve``), the client shell's variables, the
    shown-to-real map of normalised values, and the differences and README edits found."""

    def __init__(self, models: Path):
        # A generous time budget: the outputs are checked here, not the speed of a busy machine.
        self.app = create_app({"TESTING": True, "LOAD_MODEL": "sync", "MODEL_DIR": str(models),
                               "ANALYZE_BUDGET_S": 120.0})
        assert self.app.extensions["model_store"].ready, self.app.extensions["model_store"].error
        self.client = self.app.test_client()
        self.variables: dict[str, str] = {}
        self.volatile: dict[str, str] = {}
        self.differences: list[str] = []
        self.edits: list[tuple[int, int, str]] = []
        self.incomplete: list[str] = []  # what could not be run to the end: nothing is updated then

    def close(self) -> None:
        """Let a trainer that has reported its end exit; stop one still training (a failed or
        interrupted run), so it does not outlive the test."""
        jobs = self.app.extensions["jobs"]
        for job_id, proc in list(jobs.processes.items()):
            job = jobs.jobs.get(job_id)
            if job is not None and job.state in ("succeeded", "failed"):
                try:
                    proc.wait(timeout=120)
                except subprocess.TimeoutExpired:
                    pass
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=30)

    def setup_line(self, command) -> None:
        words = shell_words(command.text, self.variables)
        if words and words[0] == "export":
            words = words[1:]
        assignments = []
        while words and ASSIGNMENT.match(words[0]):
            assignments.append(ASSIGNMENT.match(words.pop(0)).groups())
        if words[:2] == ["make", "serve"]:  # the server's environment
            for name, value in assignments:
                if name == "ADMIN_TOKEN":
                    self.app.config["ADMIN_TOKEN"] = value
        elif not words:
            self.variables.update(assignments)

    def substitute(self, text: str) -> str:
        for shown, real in self.volatile.items():
            text = text.replace(shown, real)
        return text

    def run(self, command, readme: str) -> None:
        where = f"README line {command.line}: {command.text}"
        words = shell_words(self.substitute(command.text), self.variables)
        request = curl_request(words, ROOT)
        resp = self.client.open(request.path, method=request.method, headers=request.headers, data=request.body)
        if request.method == "GET" and request.path.startswith("/v1/jobs/") and resp.status_code == 200:
            resp = self._wait_for_job(request.path, resp)
            if resp.get_json()["job"]["state"] not in ("succeeded", "failed"):
                self.incomplete.append(f"{where}\n  the job did not end within {JOB_TIMEOUT_S:.0f} s "
                                       "(README_JOB_TIMEOUT_S): the rest of the block was not run")
                return
        expected = command.status
        if expected is not None and resp.status_code != expected:
            self.differences.append(f"{where}\n  status: README says HTTP {expected}, real {resp.status_code}: "
                                    f"{resp.get_data(as_text=True)[:300]}")
            self.edits.append((*command.status_span, str(resp.status_code)))
        elif expected is None and resp.status_code >= 400:
            self.differences.append(f"{where}\n  status {resp.status_code} (add '# HTTP {resp.status_code}' "
                                    f"to the output if it is meant): {resp.get_data(as_text=True)[:300]}")
        if not command.output.strip():
            return
        nodes, more = parse_shown(command.output, command.output_start)
        compact = '":' in command.output and '": ' not in command.output
        cmp = Comparison(self.volatile, readme, (",", ":") if compact else (", ", ": "))
        try:
            real = _real_values(resp)
        except ValueError:
            self.differences.append(f"{where}\n  the README shows JSON, the response is not JSON: "
                                    f"{resp.get_data(as_text=True)[:200]}")
            return
        cmp.compare_output(nodes, more, real)
        if cmp.differences:
            self.differences.append(where + "".join("\n  " + d.replace("\n", "\n  ") for d in cmp.differences))
        self.edits += cmp.edits

    def _wait_for_job(self, path: str, resp):
        deadline = time.monotonic() + JOB_TIMEOUT_S
        while resp.get_json()["job"]["state"] not in ("succeeded", "failed") and time.monotonic() < deadline:
            time.sleep(1)
            resp = self.client.get(path)
        return resp


def _run_block(index: int, tmp_path: Path) -> tuple[Session, str]:
    readme = README.read_text(encoding="utf-8")  # afresh: an earlier block may have updated it
    block = example_blocks(readme)[index]
    session = Session(copy_active_model(tmp_path / "models"))
    try:
        for command in block.commands:
            if session.incomplete:
                break
            if command.text.startswith("curl"):
                session.run(command, readme)
            else:
                session.setup_line(command)
    finally:
        session.close()
    return session, readme


@pytest.mark.parametrize("index", range(len(BLOCKS)), ids=[b.slug for b in BLOCKS])
def test_readme_examples(index, tmp_path):
    session, readme = _run_block(index, tmp_path)
    assert not session.incomplete, "\n\n".join(session.incomplete)
    if UPDATE and session.edits:
        README.write_text(apply_edits(readme, session.edits), encoding="utf-8")
        pytest.skip(f"README.md updated ({len(session.edits)} change(s)); review the diff:\n\n"
                    + "\n\n".join(session.differences))
    assert not session.differences, (
        f"{len(session.differences)} README example(s) differ from the real output "
        "(UPDATE_README=1 python -m pytest tests/test_readme.py rewrites them):\n\n" + "\n\n".join(session.differences))


def test_the_readme_has_examples_of_every_endpoint_family():
    paths = {curl_request(shell_words(c.text, {}), ROOT).path.split("?")[0].split("/")[2]
             for b in BLOCKS for c in b.commands if c.text.startswith("curl") and c.text.count("/v1/")}
    assert {"health", "score", "analyze", "models", "jobs", "feedback"} <= paths, paths


# --- the convention itself ---------------------------------------------------------------------

def _differences(shown: str, real, volatile=None) -> list[str]:
    nodes, more = parse_shown(shown)
    cmp = Comparison({} if volatile is None else volatile, shown)
    cmp.compare_output(nodes, more, real if isinstance(real, list) and more else [real])
    return cmp.differences


@pytest.mark.parametrize("shown, real", [
    ('{"a": 1, ...}', {"a": 1, "b": 2}),
    ('{"a": 1}', {"a": 1, "b": 2}),  # keys may be left out without ...
    ('{"a": {...}, "b": [...], "c": ..., "d": "..."}', {"a": {"x": 1}, "b": [1], "c": None, "d": 5}),
    ('{"l": [1, 2, ...]}', {"l": [1, 2, 3]}),
    ('{"m": "detected language ..."}', {"m": "detected language 'de'"}),
    ('{"created": "2026-01-01T00:00:00Z"}', {"created": "2031-05-06T07:08:09Z"}),
    ('{"x": 0.5, "t": true, "n": null}', {"x": 0.5, "t": True, "n": None}),
])
def test_shown_output_matches(shown, real):
    assert _differences(shown, real) == []


@pytest.mark.parametrize("shown, real", [
    ('{"a": 1}', {"a": 2}),
    ('{"a": 1}', {"b": 1}),
    ('{"l": [1, 2]}', {"l": [1, 2, 3]}),  # no ...: every item
    ('{"l": [1, 2, ...]}', {"l": [1]}),
    ('{"t": 1}', {"t": True}),
    ('{"m": "abc..."}', {"m": "xabc"}),
    ('{"a": {...}}', {"a": [1]}),
])
def test_shown_output_differs(shown, real):
    assert _differences(shown, real) != []


def test_job_ids_and_versions_are_normalised_and_remembered():
    volatile: dict[str, str] = {}
    shown = '{"job": {"id": "3f2a9c0d1e4b", "version": "20260101-000000-abcdef12"}}'
    assert _differences(shown, {"job": {"id": "0123456789ab", "version": "20991231-235959-00000000"}}, volatile) == []
    assert volatile == {"3f2a9c0d1e4b": "0123456789ab", "20260101-000000-abcdef12": "20991231-235959-00000000"}
    assert _differences('{"deleted": "20260101-000000-abcdef12"}', {"deleted": "20991231-235959-00000000"}, volatile) == []
    assert _differences('{"job": {"id": "zz"}}', {"job": {"id": "0123456789ab"}}) != []  # not of the form


def test_update_keeps_layout_and_trimming():
    shown = '{"lang":"fr","model":{...},"results":[\n  {"label":"hedged","scores":{"hedged":0.9478}},\n  ...]}'
    nodes, more = parse_shown(shown)
    cmp = Comparison({}, shown, (",", ":"))
    cmp.compare_output(nodes, more, [{"lang": "fr", "model": {"v": 2}, "results": [
        {"label": "hedged", "scores": {"hedged": 0.9307, "none": 0.1}}, {"label": "none"}]}])
    assert apply_edits(shown, cmp.edits) == shown.replace("0.9478", "0.9307")


def test_blocks_commands_outputs_and_statuses_are_read():
    text = ("## API\n\n```sh\ncurl -s localhost:8000/a   # a comment\n{\"x\": 1,\n \"y\": [...]}   # HTTP 422\n"
            "curl -s -X POST localhost:8000/b -H 'Content-Type: application/json' \\\n  -d '{\"k\": \"it'\"'\"'s\"}'\n"
            "\n```\n")
    (block,) = example_blocks(text)
    first, second = block.commands
    assert (first.text, first.status, first.output.split()) == ("curl -s localhost:8000/a", 422, ['{"x":', '1,', '"y":', '[...]}'])
    assert text[first.status_span[0]:first.status_span[1]] == "422"
    assert parse_shown(first.output, first.output_start)[0][0].start == text.index('{"x"')
    request = curl_request(shell_words(second.text, {}), ROOT)
    assert (request.method, request.path, request.body) == ("POST", "/b", b'{"k": "it\'s"}')
    assert shell_words("curl --data-binary $'a\\nb' \"Bearer $T\"", {"T": "t"}) == ["curl", "--data-binary", "a\nb", "Bearer t"]


def test_unsupported_curl_options_are_refused():
    with pytest.raises(ReadmeFormatError):
        curl_request(["curl", "-i", "localhost:8000/v1/health/live"], ROOT)
