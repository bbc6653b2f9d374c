"""Memory of the running service: ``python bench/bench_memory.py [--workers 2]``.

Starts ``python -m service`` (127.0.0.1), waits until it is ready and prints, for every process
of its tree, the resident set (RSS) and the proportional set (PSS: shared pages divided among the
processes that share them, from ``/proc/<pid>/smaps_rollup``), at rest, then after each analysis
process has analysed a few articles. The total PSS is what the service costs the machine.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service.storage.registry import ROOT_DEFAULT  # noqa: E402
from tests.conftest import SEED_ARTICLE, LiveServer, poll  # noqa: E402
import figures  # noqa: E402  (bench/ is the script's folder, first on sys.path)


def tree(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [pid] + [p for child in map(int, out) for p in tree(child)]


def kib(pid: int, field: str) -> int:
    with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def role(pid: int, root: int) -> str:
    cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    if pid == root:
        return "gunicorn master"
    if "pool_worker" in cmd:
        parent = int(Path(f"/proc/{pid}/stat").read_text().split()[3])
        return "analysis process" if "pool_worker" in Path(f"/proc/{parent}/cmdline").read_text() else "zygote"
    return "web front" if "service" in cmd else cmd[:40]


def report(title: str, root: int) -> tuple[int, int]:
    rows = [(role(p, root), p, kib(p, "Rss"), kib(p, "Pss")) for p in tree(root)]
    print(f"\n{title}")
    for name, pid, rss, pss in rows:
        print(f"  {name:18} pid {pid:7}  RSS {rss / 1024:7.1f} MiB  PSS {pss / 1024:7.1f} MiB")
    total = sum(r[3] for r in rows)
    workers = [r[2] for r in rows if r[0] == "analysis process"]
    print(f"  total PSS {total / 1024:.1f} MiB; analysis process RSS {', '.join(f'{w / 1024:.1f}' for w in workers)} MiB")
    return total, max(workers, default=0)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workers", type=int, default=2)
    figures.add_option(ap)
    args = ap.parse_args(argv)
    server = LiveServer(ROOT_DEFAULT, workers=args.workers).start()
    try:
        root = server.proc.pid
        poll(lambda: sum(role(p, root) == "analysis process" for p in tree(root)), lambda n: n == args.workers, 60)
        time.sleep(2)
        rest = report("at rest", root)
        with httpx.Client(timeout=120) as c:
            for i in range(8 * args.workers):
                text = "\n".join(f"{line} ({i})" for line in SEED_ARTICLE.splitlines() if line.strip())
                c.post(server.url + "/v1/analyze", json={"text": text, "lang": "fr"})
        busy = report("after analysing", root)
        print(f"\nservice total PSS at rest {rest[0] / 1024:.0f} MiB (target <= 700 MB), one analysis process at rest "
              f"RSS {rest[1] / 1024:.0f} MiB (target <= 450 MB); after work {busy[0] / 1024:.0f} MiB total PSS")
        figures.write(args.figures, {"pss_rest_mib": rest[0] / 1024, "worker_rss_rest_mib": rest[1] / 1024,
                                     "pss_busy_mib": busy[0] / 1024, "worker_rss_busy_mib": busy[1] / 1024})
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
