"""Corpus handling, training and evaluation."""
import service  # noqa: F401  (names OpenBLAS's kernels before numpy loads: service.openblas)
