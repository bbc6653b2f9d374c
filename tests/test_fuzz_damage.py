"""Damaged real text (training/damage.py) through /v1/analyze: never a 500, never a hang, and every
offset indexes the text sent. ``bench/bench_fuzz.py`` runs the same check on 20,000 cases."""
import faulthandler
import signal
import sys
import threading

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from training.damage import DAMAGES, make_case, offset_problems

LIMIT = 20.0  # seconds per request; a hang fails the test instead of stalling the suite


class RequestTimeout(BaseException):
    """Raised by the alarm; a BaseException so that the app's error handler cannot turn it into a 500."""


def _alarm(signum, frame):
    raise RequestTimeout


def post_bounded(client, payload: dict, repro: str):
    """POST /v1/analyze under a SIGALRM of LIMIT s; if even the signal cannot interrupt it (a loop
    in C holding the GIL), print the reproducer and kill the process after LIMIT + 40 s."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    last_words = threading.Timer(LIMIT + 30, lambda: print(f"\nHARD HANG: {repro}", file=sys.__stderr__, flush=True))
    last_words.daemon = True
    last_words.start()
    faulthandler.dump_traceback_later(LIMIT + 40, exit=True)
    signal.setitimer(signal.ITIMER_REAL, LIMIT)
    try:
        return client.post("/v1/analyze", json=payload)
    except RequestTimeout:
        pass
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        faulthandler.cancel_dump_traceback_later()
        last_words.cancel()
        signal.signal(signal.SIGALRM, previous)
    pytest.fail(f"/v1/analyze took over {LIMIT:.0f} s: {repro}", pytrace=False)


@settings(max_examples=300, deadline=None, derandomize=True, database=None,
          phases=(Phase.explicit, Phase.generate), suppress_health_check=list(HealthCheck))
@given(seed=st.integers(0, 2**32 - 1), lang=st.sampled_from(["fr", "en"]),
       names=st.lists(st.sampled_from(sorted(DAMAGES)), min_size=1, max_size=4),
       max_chars=st.sampled_from([300, 1500, 4000]), ask=st.sampled_from(["lang"] * 3 + ["auto"]))
def test_damaged_text_is_analysed_with_exact_offsets(app, seed, lang, names, max_chars, ask):
    text = make_case(seed, lang, names, max_chars)
    sent_lang = lang if ask == "lang" else "auto"  # auto: detection on damaged text may say 422
    call = f"make_case({seed}, {lang!r}, {names!r}, {max_chars})"
    repro = f"lang={sent_lang!r} text={text!r}" if len(text) <= 600 else f"lang={sent_lang!r} text={call} ({len(text)} chars)"
    resp = post_bounded(app.test_client(), {"text": text, "lang": sent_lang}, repro)
    assert resp.is_json, (resp.status_code, repro)
    body = resp.get_json()
    assert resp.status_code != 500, f"500 {body}: {repro}"
    if resp.status_code != 200:
        err = body["error"]
        assert isinstance(err["code"], str) and isinstance(err["message"], str), repro
        expected = (resp.status_code in (413, 503, 504)  # too big / too many sentences, busy, deadline
                    or (resp.status_code == 422 and sent_lang == "auto" and err["code"] == "unsupported_language")
                    or (resp.status_code == 400 and err["code"] == "empty_text" and not text.strip()))
        assert expected, f"{resp.status_code} {err}: {repro}"
        return
    problems = offset_problems(text, body)
    assert not problems, f"{problems[:5]}: {repro}"
