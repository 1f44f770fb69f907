"""The harness's code that runs inside a chapter's kernel during ``make test``.

**Seeding.** Every random draw must come from a seeded generator.
A chapter prints the same numbers on every run only if nothing it computes depends on a generator nobody
seeded. The plugin (:mod:`tests.harness.plugin`) calls :func:`install` before the chapter's first cell and
:func:`after_cell` after each of its cells, in the chapter's own kernel:

* ``numpy.random.default_rng()`` without a seed raises :class:`UnseededRandomness` at the call (unless a
  module is being imported: scipy.stats draws examples for its docstrings at import time);
* numpy's global generator (``np.random.normal``, scipy's ``random_state=None``), Python's ``random`` and
  torch's global generator are compared before and after every cell through their public state getters
  (``np.random.get_state``, ``random.getstate``, ``torch.get_rng_state``); a cell that moved one of them
  fails unless the chapter seeded it (``np.random.seed(n)``, ``random.seed(n)``, ``torch.manual_seed``,
  which ``kx.torch_setup`` calls). ``torch.seed()`` (reseeding from the OS) raises.

Nothing here touches a private numpy attribute: the seeding functions are wrapped where the chapter calls
them, and the draws are seen in the generators' states.

:func:`check_explorers` renders every explorer the chapter displayed at the ends of each slider's range
(the static frames need not include them, but a reader can drag a slider there). :func:`write_records`
saves the chapter's check records (kind, label, value, tolerance used) as JSON for the portability run.
"""

from __future__ import annotations

import functools
import json
import random
import sys
from pathlib import Path
from typing import Any

import numpy as np


class UnseededRandomness(RuntimeError):
    """A chapter drew from a random generator that nobody seeded."""


def _refuse(what: str, fix: str) -> UnseededRandomness:
    return UnseededRandomness(f"unseeded randomness: {what}. Its numbers change from run to run, so the "
                              f"chapter's printed values would too; {fix}")


def _importing() -> bool:
    """Whether a module is being imported right now (its top-level code is on the stack)."""
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib"):
            return True
        frame = frame.f_back
    return False


class _Guard:
    def __init__(self, torch: bool):
        self.seeded = {"numpy": False, "random": False, "torch": False}
        self._wrap_seed(np.random, "seed", "numpy")
        self._wrap_seed(random, "seed", "random")
        real_default_rng = np.random.default_rng

        @functools.wraps(real_default_rng)
        def default_rng(seed: Any = None) -> np.random.Generator:
            if seed is None and not _importing():
                raise _refuse("numpy.random.default_rng() without a seed", "use kx.rng(seed)")
            return real_default_rng(seed)

        np.random.default_rng = default_rng
        self.torch = None
        if torch:
            import torch as torch_module

            self.torch = torch_module
            self._wrap_seed(torch_module, "manual_seed", "torch")
            self._wrap_seed(torch_module.random, "manual_seed", "torch")

            def reseed() -> int:
                raise _refuse("torch.seed() reseeds torch from the operating system",
                              "use kx.torch_setup(seed)")

            torch_module.seed = torch_module.random.seed = reseed
        self.states = self._states()

    def _wrap_seed(self, module: Any, name: str, key: str) -> None:
        real = getattr(module, name)
        if getattr(real, "__kx_guarded__", False):
            return

        @functools.wraps(real)
        def seed(*args: Any, **kwargs: Any) -> Any:
            given = args[0] if args else kwargs.get("seed", kwargs.get("a"))
            self.seeded[key] = given is not None
            return real(*args, **kwargs)

        seed.__kx_guarded__ = True  # type: ignore[attr-defined]
        setattr(module, name, seed)

    def _states(self) -> dict[str, Any]:
        # the global generator's state is what is watched here, not drawn from
        states: dict[str, Any] = {"numpy": np.random.get_state(legacy=False),  # noqa: NPY002
                                  "random": random.getstate()}
        if self.torch is not None:
            states["torch"] = self.torch.get_rng_state()
        return states

    def after_cell(self, cell: str) -> None:
        now = self._states()
        moved = []
        if not self.seeded["numpy"] and not _same_numpy(now["numpy"], self.states["numpy"]):
            moved.append(("numpy's global generator (np.random.normal …, or scipy with random_state=None) "
                          "drew numbers but was never seeded", "draw from kx.rng(seed) instead"))
        if not self.seeded["random"] and now["random"] != self.states["random"]:
            moved.append(("Python's random module drew numbers before random.seed(n)",
                          "draw from kx.rng(seed) instead"))
        if self.torch is not None and not self.seeded["torch"] and \
                not self.torch.equal(now["torch"], self.states["torch"]):
            moved.append(("torch's global generator drew numbers but was never seeded with "
                          "torch.manual_seed", "call kx.torch_setup(seed) before the first random tensor"))
        self.states = now
        if moved:
            what, fix = moved[0]
            raise _refuse(f"in {cell}, {what}", fix)


def _same_numpy(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return (a["state"]["pos"] == b["state"]["pos"] and a["has_gauss"] == b["has_gauss"]
            and np.array_equal(a["state"]["key"], b["state"]["key"]))


_GUARD: _Guard | None = None


def install(torch: bool = False) -> None:
    """Start guarding this kernel (idempotent). ``torch``: the chapter uses torch (imported here first)."""
    global _GUARD
    if _GUARD is None:
        _GUARD = _Guard(torch)


def after_cell(cell: str) -> None:
    """Raise :class:`UnseededRandomness` if ``cell`` drew from a generator the chapter never seeded."""
    if _GUARD is not None:
        _GUARD.after_cell(cell)


def write_records(path: str) -> None:
    """Save the chapter's check records as JSON (a list of {kind, label, value, used, rejected_by})."""
    import kx_helpers.checks as checks

    try:
        records = checks.summary().records
    except checks.CheckFailed:
        records = ()
    rows = [{"kind": r.kind, "label": r.label, "value": r.value, "used": r.used, "rejected_by": r.rejected_by}
            for r in records]
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(rows, indent=0), encoding="utf-8")


class ExplorerRangeError(RuntimeError):
    """An explorer fails to draw a setting its live controls offer."""


def check_explorers() -> int:
    """Draw every explorer the chapter displayed at the ends of its ranges; return how many there are.

    Explorers are found among the kernel's live objects (a displayed explorer stays alive through its live
    widget's callbacks; nbval runs cells without output history, so ``Out`` is empty).
    """
    import gc

    from kx_helpers import Explorer

    explorers = [o for o in gc.get_objects() if isinstance(o, Explorer)]
    if not explorers:
        raise ExplorerRangeError("the chapter displays no explorer (kx.explore)")
    for explorer in explorers:
        for point in explorer.range_ends():
            try:
                explorer.render_png(**point)
            except Exception as exc:
                raise ExplorerRangeError(f"{explorer!r} cannot draw {point}, which its live controls offer: "
                                         f"{type(exc).__name__}: {exc}") from exc
    return len(explorers)
