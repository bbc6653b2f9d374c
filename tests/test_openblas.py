"""OpenBLAS's kernels are named before numpy loads (service.openblas), so that a retrained model
has the same bytes on every x86-64 machine."""
from __future__ import annotations

import pytest

from service.openblas import KERNEL, pin_kernels

FLAGS = "flags\t\t: fpu sse sse2 avx avx2 fma bmi2 avx512f\n"


@pytest.fixture
def no_kernel(monkeypatch):
    monkeypatch.delenv("OPENBLAS_CORETYPE", raising=False)


def _cpuinfo(tmp_path, flags: str) -> str:
    path = tmp_path / "cpuinfo"
    path.write_text("processor\t: 0\nmodel name\t: Some CPU\n" + flags + "\nprocessor\t: 1\n" + flags)
    return str(path)


def test_an_avx2_machine_gets_haswells_kernels(tmp_path, no_kernel):
    import os

    assert pin_kernels(_cpuinfo(tmp_path, FLAGS), machine="x86_64") == KERNEL == "Haswell"
    assert os.environ["OPENBLAS_CORETYPE"] == "Haswell"


@pytest.mark.parametrize("flags, machine", [("flags\t\t: fpu sse sse2 avx\n", "x86_64"), (FLAGS, "aarch64"),
                                            ("", "x86_64")])
def test_other_machines_keep_openblas_choice(tmp_path, no_kernel, flags, machine):
    import os

    assert pin_kernels(_cpuinfo(tmp_path, flags), machine=machine) is None
    assert "OPENBLAS_CORETYPE" not in os.environ
    assert pin_kernels(str(tmp_path / "missing"), machine="x86_64") is None


def test_a_kernel_the_environment_names_is_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENBLAS_CORETYPE", "Zen")
    assert pin_kernels(_cpuinfo(tmp_path, FLAGS), machine="x86_64") == "Zen"


def test_this_process_runs_the_named_kernels():
    """The test process imported ``service`` (conftest) before numpy: OpenBLAS took the kernel."""
    import os

    import numpy  # noqa: F401  (loaded by now in a whole run; here if this file runs alone)
    import scipy.linalg  # noqa: F401  (scipy's own OpenBLAS)
    from threadpoolctl import threadpool_info

    kernel = os.environ.get("OPENBLAS_CORETYPE")
    if kernel is None:
        pytest.skip("no AVX2 here: OpenBLAS chooses its own kernels")
    found = {p.get("architecture") for p in threadpool_info() if p.get("internal_api") == "openblas"}
    assert found == {kernel}
