"""Training jobs: one at a time, each in its own process, never in a request thread.

A separate process keeps training off the serving threads (and off the GIL); it reports progress
through a status file that it writes atomically, and a killed trainer can only leave a hidden
half-written folder behind (``atomic_directory``), never a visible version.
"""
from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent.parent


class Busy(RuntimeError):
    """A training job is already running."""


@dataclass
class Job:
    id: str
    state: str = "queued"  # queued | running | training | succeeded | failed
    created: float = field(default_factory=time.time)
    finished: float | None = None
    options: dict = field(default_factory=dict)
    progress: dict = field(default_factory=lambda: {"done": 0, "total": 0})
    errors: list = field(default_factory=list)
    version: str | None = None
    activated: bool | None = None
    reason: str | None = None
    metrics: dict | None = None

    def to_json(self) -> dict:
        out = asdict(self)
        out["created"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.created))
        out["finished"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.finished)) if self.finished else None
        return out


class JobRunner:
    def __init__(self, model_dir: Path, on_activated=None, poll: float = 0.2):
        self.model_dir = Path(model_dir)
        self.work_dir = self.model_dir / ".jobs"
        self.on_activated = on_activated
        self.poll = poll
        self.jobs: dict[str, Job] = {}
        self.processes: dict[str, subprocess.Popen] = {}
        self._lock = threading.Lock()

    def running(self) -> Job | None:
        return next((j for j in self.jobs.values() if j.state in ("queued", "running", "training")), None)

    def get(self, job_id: str) -> Job | None:
        return self.jobs.get(job_id)

    def submit(self, data: bytes, data_name: str, mode: str, activate: str, include_feedback: bool) -> Job:
        with self._lock:
            busy = self.running()
            if busy is not None:
                raise Busy(f"job {busy.id} is still {busy.state}; one training at a time")
            job = Job(uuid.uuid4().hex[:12], options={"mode": mode, "activate": activate,
                                                      "include_feedback": include_feedback})
            self.jobs[job.id] = job
        self.work_dir.mkdir(parents=True, exist_ok=True)
        suffix = ".csv" if data_name.lower().endswith(".csv") else ".jsonl"
        data_path = self.work_dir / f"{job.id}{suffix}"
        data_path.write_bytes(data)
        status_path = self.work_dir / f"{job.id}.status.json"
        cmd = [sys.executable, "-m", "training.train", "--model-dir", str(self.model_dir), "--mode", mode,
               "--activate", activate, "--status-file", str(status_path), "--quiet", "--data", str(data_path)]
        if include_feedback:
            cmd.append("--include-feedback")
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                env=dict(os.environ, PYTHONUNBUFFERED="1"))
        self.processes[job.id] = proc
        job.state = "running"
        threading.Thread(target=self._watch, args=(job, proc, status_path, data_path),
                         name=f"job-{job.id}", daemon=True).start()
        log.info("training job %s started (pid %d, %s)", job.id, proc.pid, job.options)
        return job

    def _read_status(self, job: Job, status_path: Path) -> None:
        try:
            status = json.loads(status_path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return
        for key in ("progress", "errors", "version", "activated", "reason", "metrics"):
            if key in status:
                setattr(job, key, status[key])
        if status.get("state") == "training":
            job.state = "training"

    def _watch(self, job: Job, proc: subprocess.Popen, status_path: Path, data_path: Path) -> None:
        while proc.poll() is None:
            self._read_status(job, status_path)
            time.sleep(self.poll)
        stderr = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
        self._read_status(job, status_path)
        code = proc.returncode
        if code == 0:
            job.state = "succeeded"
        else:
            job.state = "failed"
            if code < 0:
                job.reason = f"trainer killed by signal {signal.Signals(-code).name}; no version was written"
            elif not job.reason:
                job.reason = f"trainer exited with code {code}: {stderr.strip().splitlines()[-1] if stderr.strip() else ''}"
            log.error("training job %s failed: %s", job.id, job.reason)
        job.finished = time.time()
        data_path.unlink(missing_ok=True)
        status_path.unlink(missing_ok=True)
        self.processes.pop(job.id, None)
        if job.state == "succeeded" and job.activated and self.on_activated:
            self.on_activated(job.version)
