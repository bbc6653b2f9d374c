"""Training jobs: one at a time, each in its own process, never in a request thread.

A separate process keeps training off the serving threads (and off the GIL). The trainer writes
its own job record (``<registry>/.jobs/<id>.job.json``, atomically) and inherits the training
lock (an exclusive ``flock`` on ``.jobs/train.lock``), so a job outlives the web process that
started it: it is recorded to its end, and no second job starts while it runs. A trainer that
dies leaves only a hidden half-written folder (``atomic_directory``), and its record is marked
failed by whoever reads it next.
"""
from __future__ import annotations

import fcntl
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

from service.storage.atomic import atomic_write_text

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[2]
KEEP_JOBS = 200  # finished job records kept on disk; older ones are pruned
FINAL = ("succeeded", "failed")


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _tail(path: Path, size: int = 8192) -> str:
    """The end of a trainer's stderr (its last line names the error)."""
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - size))
            return fh.read().decode("utf-8", "replace")
    except OSError:
        return ""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


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
    pid: int | None = None  # the trainer's

    def to_json(self) -> dict:
        out = asdict(self)
        out.pop("pid")
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

    def _record(self, job_id: str) -> Path:
        return self.work_dir / f"{job_id}.job.json"

    def _stderr(self, job_id: str) -> Path:
        return self.work_dir / f"{job_id}.stderr"

    def _save(self, job: Job) -> None:
        atomic_write_text(self._record(job.id), json.dumps(asdict(job), ensure_ascii=False))

    def get(self, job_id: str) -> Job | None:
        if job_id in self.jobs:
            return self.jobs[job_id]
        if not job_id.isalnum():
            return None
        job = self._load(job_id)  # a job started by another (or an earlier) web process
        if job is not None and job.state not in FINAL and job.pid and not _alive(job.pid):
            job.state, job.finished = "failed", time.time()
            job.reason = "the trainer stopped without finishing (killed?); no version was written"
            self._save(job)
        return job

    def _finished(self, job_id: str) -> bool:
        job = self._load(job_id) if job_id.isalnum() else None
        return job is not None and job.state in FINAL

    def _load(self, job_id: str) -> Job | None:
        try:
            record = json.loads(self._record(job_id).read_text(encoding="utf-8"))
            return Job(**{k: v for k, v in record.items() if k in Job.__dataclass_fields__})
        except (OSError, json.JSONDecodeError, TypeError):
            return None

    def _take_lock(self):
        """The training lock, held by the watcher thread for the job's life; None if taken."""
        self.work_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.work_dir / "train.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        return fd

    def submit(self, data: bytes, data_name: str, mode: str, activate: str, include_feedback: bool) -> Job:
        with self._lock:
            lock_fd = self._take_lock()
            current = (self.work_dir / "current").read_text().strip() if (self.work_dir / "current").exists() else "?"
            deadline = time.monotonic() + 5
            while lock_fd is None and time.monotonic() < deadline and self._finished(current):
                time.sleep(0.1)  # its record says it ended: its trainer is exiting and lets the lock go
                lock_fd = self._take_lock()
            if lock_fd is None:
                raise Busy(f"job {current} is still running; one training at a time")
            job = Job(uuid.uuid4().hex[:12], options={"mode": mode, "activate": activate,
                                                      "include_feedback": include_feedback})
            self.jobs[job.id] = job
            (self.work_dir / "current").write_text(job.id)
        suffix = ".csv" if data_name.lower().endswith(".csv") else ".jsonl"
        data_path = self.work_dir / f"{job.id}{suffix}"
        data_path.write_bytes(data)
        status_path = self._record(job.id)
        cmd = [sys.executable, "-m", "training.train", "--model-dir", str(self.model_dir), "--mode", mode,
               "--activate", activate, "--status-file", str(status_path), "--quiet", "--data", str(data_path)]
        if include_feedback:
            cmd.append("--include-feedback")
        job.state = "running"
        self._save(job)
        # The trainer inherits the lock's descriptor (pass_fds) and runs in its own session: it
        # keeps the lock, and goes on, if this process dies or is stopped.
        # Its stderr goes to a file, not a pipe: the trainer's helper processes (cross-validation
        # folds) inherit it, and a pipe would not reach end-of-file while one of them lives on.
        with open(self._stderr(job.id), "wb") as err:
            proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err,
                                    env=dict(os.environ, PYTHONUNBUFFERED="1"), pass_fds=[lock_fd],
                                    start_new_session=True)
        self.processes[job.id] = proc
        job.pid = proc.pid
        threading.Thread(target=self._watch, args=(job, proc, status_path, data_path, lock_fd),
                         name=f"job-{job.id}", daemon=True).start()
        log.info("training job %s started (pid %d, %s)", job.id, proc.pid, job.options)
        return job

    def _read_status(self, job: Job, status_path: Path) -> None:
        """What the trainer wrote into the record."""
        try:
            status = json.loads(status_path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return
        for key in ("progress", "errors", "version", "activated", "reason", "metrics", "pid", "finished"):
            if key in status and not (key == "pid" and status[key] is None):  # the record before the trainer writes it
                setattr(job, key, status[key])
        if status.get("state") in ("training", *FINAL):
            job.state = status["state"]

    def _watch(self, job: Job, proc: subprocess.Popen, status_path: Path, data_path: Path, lock_fd: int) -> None:
        try:
            self._follow(job, proc, status_path, data_path)
        finally:
            os.close(lock_fd)  # releases the training lock

    def _follow(self, job: Job, proc: subprocess.Popen, status_path: Path, data_path: Path) -> None:
        while proc.poll() is None:
            self._read_status(job, status_path)
            time.sleep(self.poll)
        code = proc.returncode
        if code != 0:
            _kill_group(proc.pid)  # helper processes a killed trainer left behind (its own session)
        stderr = _tail(self._stderr(job.id))
        self._stderr(job.id).unlink(missing_ok=True)
        self._read_status(job, status_path)
        if code == 0:
            job.state = "succeeded"
        else:
            job.state = "failed"
            if code < 0:
                job.reason = f"trainer killed by signal {signal.Signals(-code).name}; no version was written"
            elif not job.reason:
                job.reason = f"trainer exited with code {code}: {stderr.strip().splitlines()[-1] if stderr.strip() else ''}"
            log.error("training job %s failed: %s", job.id, job.reason)
        job.finished = job.finished or time.time()
        self._save(job)
        data_path.unlink(missing_ok=True)
        self.processes.pop(job.id, None)
        self.prune()
        if job.state == "succeeded" and job.activated and self.on_activated:
            self.on_activated(job.version)

    def prune(self, keep: int = KEEP_JOBS) -> None:
        """Drop all but the ``keep`` newest finished job records, so they do not pile up."""
        finished = []
        for path in self.work_dir.glob("*.job.json"):
            try:
                record = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError):
                continue
            if record.get("finished"):
                finished.append((record["finished"], path, record.get("id")))
        finished.sort(reverse=True)
        for _, path, job_id in finished[keep:]:
            path.unlink(missing_ok=True)
            self.jobs.pop(job_id, None)
