"""Seeded randomness, so every chapter prints the same numbers on every run.

Used in: every chapter that draws random numbers (``rng``); the torch chapters (``torch_setup``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["rng", "torch_setup"]


def _seed(seed: Any) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an integer, got {type(seed).__name__}")
    if not 0 <= int(seed) < 2**63:
        raise ValueError(f"seed must be in [0, 2**63), got {seed}")
    return int(seed)


def rng(seed: int) -> np.random.Generator:
    """A numpy ``Generator`` (PCG64) seeded with ``seed``; pass it explicitly to everything random.

    Examples
    --------
    >>> rng(0).integers(10, size=3).tolist() == rng(0).integers(10, size=3).tolist()
    True
    """
    return np.random.default_rng(_seed(seed))


def torch_setup(seed: int, *, threads: int | None = None, dtype: str = "float64") -> Any:
    """Seed torch, make it deterministic, and choose the device (the GPU only if one is present).

    Parameters
    ----------
    seed : int
        Seed for ``torch.manual_seed`` (CPU and, when present, CUDA).
    threads : int or None
        Intra-op threads. ``None`` (the default) keeps torch's own choice, which follows
        ``OMP_NUM_THREADS`` (``make test`` sets 1) and otherwise uses every core; results must not depend
        on it, and the portability run checks that they do not.
    dtype : {"float64", "float32"}
        Default floating dtype for new tensors (float64 for checks to tight tolerances).

    Returns
    -------
    torch.device
        ``cuda`` when available, else ``cpu``.

    Raises
    ------
    TypeError, ValueError
        On a non-integer or negative seed, a non-positive thread count, or an unknown dtype.
    """
    import torch

    seed = _seed(seed)
    if threads is not None:
        if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
            raise ValueError(f"threads must be a positive integer or None, got {threads!r}")
        torch.set_num_threads(threads)
    if dtype not in ("float64", "float32"):
        raise ValueError(f"dtype must be 'float64' or 'float32', got {dtype!r}")
    torch.set_default_dtype(getattr(torch, dtype))
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")
