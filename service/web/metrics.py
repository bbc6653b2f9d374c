"""``GET /metrics``, in Prometheus's text format (prometheus_client).

Counters and histograms (requests by endpoint and status, latency, sentences by language and
label) are counted where requests are answered. When ``PROMETHEUS_MULTIPROC_DIR`` is set, as
``python -m service`` does, every web process writes them to that folder and a scrape adds them
up (prometheus_client's multiprocess mode), so the view is one whatever process answers and
survives a restarted process. State (the model served, retraining jobs by state, stored
feedback) is read when scraped.
"""
from __future__ import annotations

import json
import os
import time

from flask import Flask, Response, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily

from service.core.vocabulary import JOB_STATES

REQUESTS = Counter("framing_http_requests_total", "HTTP requests answered", ["endpoint", "method", "status"])
LATENCY = Histogram("framing_http_request_duration_seconds", "Time to answer a request", ["endpoint"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 90))
SENTENCES = Counter("framing_sentences_analysed_total", "Sentences labelled, by language and label",
                    ["lang", "label"])


def count_sentences(stats: dict) -> None:
    for label, n in (stats.get("labels") or {}).items():
        SENTENCES.labels(stats.get("lang") or "?", label).inc(n)


class _State:
    """Gauges read at scrape time from what the service keeps."""

    def __init__(self, app: Flask):
        self.app = app

    def collect(self):
        ext = self.app.extensions
        model = GaugeMetricFamily("framing_model_info", "The model version served (value 1)",
                                  labels=["version", "ready"])
        status = ext["analysis"].status()
        model.add_metric([status["version"] or "", "true" if status["ready"] else "false"], 1)
        yield model
        jobs = GaugeMetricFamily("framing_training_jobs", "Retraining job records by state", labels=["state"])
        counts = dict.fromkeys(JOB_STATES, 0)
        for path in (ext["registry"].root / ".jobs").glob("*.job.json"):
            try:
                state = json.loads(path.read_text(encoding="utf-8")).get("state")
            except (OSError, ValueError):
                continue
            if state in counts:
                counts[state] += 1
        for state, n in counts.items():
            jobs.add_metric([state], n)
        yield jobs
        yield GaugeMetricFamily("framing_feedback_rows", "Corrections stored (distinct sentences)",
                                value=ext["feedback"].count())


def _registry(app: Flask) -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        for collector in (REQUESTS, LATENCY, SENTENCES):
            registry.register(collector)
    registry.register(_State(app))
    return registry


def init_app(app: Flask) -> None:
    @app.before_request
    def _start():
        g.metrics_t0 = time.perf_counter()

    @app.after_request
    def _count(resp):
        endpoint = request.url_rule.rule if request.url_rule is not None else "(unmatched)"
        if endpoint != "/metrics":
            REQUESTS.labels(endpoint, request.method, str(resp.status_code)).inc()
            t0 = g.get("metrics_t0")
            if t0 is not None:
                LATENCY.labels(endpoint).observe(time.perf_counter() - t0)
        return resp

    @app.get("/metrics")
    def metrics():
        return Response(generate_latest(_registry(current_app)), mimetype=CONTENT_TYPE_LATEST)
