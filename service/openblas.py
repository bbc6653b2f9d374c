"""OpenBLAS's kernels, chosen before numpy loads: the same numbers on every x86-64 machine.

OpenBLAS picks its kernels by CPU: SkylakeX's where the CPU has AVX-512, Haswell's where it has
AVX2. They round differently, so the model retrained on one kind of machine was not, byte for
byte, the one retrained on the other (``python -m training.train`` promises the same bytes for the
same data); and on this project's AVX-512 machine (an AMD EPYC) Haswell's are also faster for the
parse's small products (the French tok2vec 0.60 -> 0.55 ms a sentence). So where the CPU has AVX2
and FMA, ``OPENBLAS_CORETYPE=Haswell``, unless the environment already names a kernel. OpenBLAS
reads it once, when it loads: ``service/__init__.py`` calls ``pin_kernels`` before anything of
the project imports numpy, and processes started from ours inherit it.
"""
from __future__ import annotations

import os
import platform

KERNEL = "Haswell"
NEEDS = ("avx2", "fma")


def pin_kernels(cpuinfo: str = "/proc/cpuinfo", machine: str | None = None) -> str | None:
    """Set ``OPENBLAS_CORETYPE`` where it is safe; the kernel now named, or None."""
    if "OPENBLAS_CORETYPE" in os.environ:
        return os.environ["OPENBLAS_CORETYPE"]
    if (machine or platform.machine()).lower() not in ("x86_64", "amd64"):
        return None
    try:
        with open(cpuinfo, encoding="ascii", errors="replace") as fh:
            flags = next((line.split(":", 1)[1].split() for line in fh if line.startswith("flags")), [])
    except OSError:
        return None
    if all(flag in flags for flag in NEEDS):
        os.environ["OPENBLAS_CORETYPE"] = KERNEL
        return KERNEL
    return None
