"""Seeded randomness, so every chapter prints the same numbers on every run.

Used in: every chapter that draws random numbers (``rng``); the torch chapters (``torch_setup``); the test
harness (``forbid_unseeded`` before a chapter's first cell, ``verify_seeded`` after its last).
"""

from __future__ import annotations

import functools
import importlib.abc
import importlib.machinery
import random
import sys
from typing import Any

import numpy as np

__all__ = ["UnseededRandomness", "forbid_unseeded", "rng", "torch_setup", "verify_seeded"]


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


def torch_setup(seed: int, *, threads: int | None = 1, dtype: str = "float64") -> Any:
    """Seed torch, make it deterministic, and choose the device (the GPU only if one is present).

    Parameters
    ----------
    seed : int
        Seed for ``torch.manual_seed`` (CPU and, when present, CUDA).
    threads : int or None
        Intra-op threads; tiny models run fastest single-threaded on a 2-core machine. ``None`` keeps
        torch's default.
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


class UnseededRandomness(RuntimeError):
    """Raised (under :func:`forbid_unseeded`) when a chapter draws from a generator nobody seeded."""


# What forbid_unseeded installed in this process: None until it runs.
_GUARD: dict[str, Any] | None = None
_NP_LEGACY_KEEP = {"seed", "get_state", "set_state", "RandomState", "bit_generator"}


def _importing() -> bool:
    """Whether a module is being imported (scipy.stats, for one, draws unseeded examples for its docstrings)."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib"):
            return True
        frame = frame.f_back
    return False


def _refuse(what: str, fix: str) -> UnseededRandomness:
    return UnseededRandomness(f"unseeded randomness: {what}. Its numbers change from run to run, so the chapter's "
                              f"printed values would too; {fix}")


def forbid_unseeded() -> None:
    """Make every unseeded draw in this process an error (idempotent; the test harness's first cell).

    After this call:

    * ``numpy.random.default_rng()`` without a seed raises :class:`UnseededRandomness`;
    * numpy's legacy global functions (``np.random.normal`` …) and everything that falls back to that global
      state (scipy's ``random_state=None``) raise until ``np.random.seed(n)`` is called;
    * Python's ``random.random`` … raise until ``random.seed(n)``;
    * torch, when a chapter imports it later, is watched: ``torch.seed()`` raises, and
      :func:`verify_seeded` fails if its global generator drew numbers without ``torch.manual_seed``
      (torch picks a fresh random seed in every process).

    Chapters never call this: ``make test`` does, so an unseeded chapter fails its test, not a reader's run.
    """
    global _GUARD
    if _GUARD is not None:
        return
    _GUARD = {"np_seeded": False, "random_seeded": False, "torch": None}
    guard = _GUARD

    real_default_rng = np.random.default_rng

    @functools.wraps(real_default_rng)
    def default_rng(seed: Any = None) -> np.random.Generator:
        if seed is None and not _importing():
            raise _refuse("numpy.random.default_rng() without a seed", "use kx.rng(seed)")
        return real_default_rng(seed)

    np.random.default_rng = default_rng

    real_state = np.random.mtrand._rand

    class _GlobalState(np.random.RandomState):
        """numpy's global RandomState, refusing to draw before ``np.random.seed(n)``."""

        def __getattribute__(self, name: str) -> Any:
            if (not name.startswith("_") and name not in _NP_LEGACY_KEEP and not guard["np_seeded"]
                    and not _importing()):
                raise _refuse(f"numpy's global random state (np.random.{name}) was never seeded",
                              "draw from kx.rng(seed) instead")
            return super().__getattribute__(name)

    state = _GlobalState()
    state.set_state(real_state.get_state())
    np.random.mtrand._rand = state  # what scipy's check_random_state(None) returns

    def np_seed(seed: Any = None) -> None:
        guard["np_seeded"] = seed is not None
        state.seed(seed)

    np.random.seed = np_seed
    for name in np.random.mtrand.__all__:
        if name not in _NP_LEGACY_KEEP and callable(getattr(real_state, name, None)):
            setattr(np.random, name, _forward(lambda: np.random.mtrand._rand, name))

    real_random_seed = random.seed

    def random_seed(a: Any = None, version: int = 2) -> None:
        guard["random_seeded"] = a is not None
        real_random_seed(a, version)

    random.seed = random_seed
    for name in random.__all__:
        if name not in {"Random", "SystemRandom", "seed", "getstate", "setstate"}:
            setattr(random, name, _checked(getattr(random, name), lambda: guard["random_seeded"],
                                           f"Python's random.{name} before random.seed(n)",
                                           "draw from kx.rng(seed) instead"))

    if "torch" in sys.modules:
        _watch_torch(sys.modules["torch"])
    else:
        sys.meta_path.insert(0, _TorchImportWatch())


def _forward(state: Any, name: str) -> Any:
    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(state(), name)(*args, **kwargs)

    call.__name__ = name
    return call


def _checked(func: Any, ok: Any, what: str, fix: str) -> Any:
    @functools.wraps(func)
    def call(*args: Any, **kwargs: Any) -> Any:
        if not ok() and not _importing():
            raise _refuse(what, fix)
        return func(*args, **kwargs)

    return call


def _watch_torch(torch: Any) -> None:
    assert _GUARD is not None
    watch = {"seeded": False, "start": torch.get_rng_state().clone()}
    _GUARD["torch"] = watch
    real_manual_seed = torch.manual_seed

    @functools.wraps(real_manual_seed)
    def manual_seed(seed: Any) -> Any:
        watch["seeded"] = True
        return real_manual_seed(seed)

    def seed() -> int:
        raise _refuse("torch.seed() reseeds torch from the operating system", "use kx.torch_setup(seed)")

    torch.manual_seed = torch.random.manual_seed = manual_seed
    torch.seed = torch.random.seed = seed


class _TorchImportWatch(importlib.abc.MetaPathFinder):
    """Calls ``_watch_torch`` right after ``import torch`` runs (forbid_unseeded does not import torch)."""

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname != "torch":
            return None
        sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is not None and spec.loader is not None:
            run = spec.loader.exec_module

            def exec_module(module: Any) -> None:
                run(module)
                _watch_torch(module)

            spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def verify_seeded() -> None:
    """Raise :class:`UnseededRandomness` if torch drew from its global generator without being seeded.

    The test harness's last cell in every chapter; a no-op unless :func:`forbid_unseeded` ran. (numpy and
    ``random`` refuse unseeded draws as they happen; torch's many random functions are checked here, once,
    by comparing its generator's state with the state at import.)
    """
    watch = _GUARD and _GUARD["torch"]
    if not watch or watch["seeded"]:
        return
    torch = sys.modules["torch"]
    if not torch.equal(torch.get_rng_state(), watch["start"]):
        raise _refuse("torch's global generator drew numbers but was never seeded with torch.manual_seed",
                      "call kx.torch_setup(seed) before the first random tensor")
