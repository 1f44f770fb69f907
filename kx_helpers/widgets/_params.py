"""Explorer parameters: what a slider can take, and which settings the static book precomputes.

:func:`make_param` turns ``name=(lo, hi, step[, value])`` or ``name=[option, ...]`` into a :class:`Param`;
:func:`static_grid` picks the settings rendered as frames for the kernel-free view.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Param:
    """One explorer parameter: a numeric range with a step, or a list of options.

    Built by :func:`explore` from ``name=(lo, hi, step[, value])`` or ``name=[option, ...]``.
    """

    name: str
    label: str
    values: tuple[Any, ...]  # every value the live control can take, in order
    default: Any
    numeric_range: bool

    def text(self, value: Any) -> str:
        """How a value is shown next to the control (``ω = 1.20``)."""
        if isinstance(value, (float, np.floating)) and self.numeric_range:
            return f"{value:.{self.decimals}f}"
        if isinstance(value, (float, np.floating)):
            return f"{value:g}"
        return str(value)

    @property
    def decimals(self) -> int:
        """Decimals shown for a numeric range: enough to resolve its step."""
        step = self.step
        return max(0, -int(math.floor(math.log10(step) + 1e-9))) if step < 1 else 0

    @property
    def step(self) -> float:
        """The spacing of a numeric range (1 for a single value)."""
        return float(self.values[1] - self.values[0]) if len(self.values) > 1 else 1.0

    def snap(self, value: Any) -> Any:
        """The parameter's own value nearest to ``value`` (a live slider's reading, say)."""
        if value in self.values:
            return self.values[self.values.index(value)]
        if self.numeric_range and _is_number(value):
            return min(self.values, key=lambda v: abs(v - float(value)))
        raise ValueError(f"parameter {self.name!r} cannot take the value {value!r}")


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool)


def make_param(name: str, spec: Any, label: str) -> Param:
    default_option = None
    if isinstance(spec, tuple) and len(spec) == 2 and isinstance(spec[0], list):
        spec, default_option = spec  # ([options], default)
        if default_option not in spec:
            raise ValueError(f"parameter {name!r}: default {default_option!r} is not one of its options {spec!r}")
    if isinstance(spec, tuple):
        if len(spec) not in (3, 4) or not all(_is_number(v) for v in spec):
            raise TypeError(f"parameter {name!r}: a range is (lo, hi, step) or (lo, hi, step, value), got {spec!r}")
        lo, hi, step = (float(v) for v in spec[:3])
        if not all(math.isfinite(v) for v in (lo, hi, step)):
            raise ValueError(f"parameter {name!r}: range bounds and step must be finite, got {spec!r}")
        if not lo < hi:
            raise ValueError(f"parameter {name!r}: the range is empty (lo={lo} must be < hi={hi})")
        if not step > 0:
            raise ValueError(f"parameter {name!r}: step must be > 0, got {step}")
        count = round((hi - lo) / step)
        if count > 10_000 or abs(lo + count * step - hi) > 1e-9 * max(1.0, abs(hi)):
            raise ValueError(f"parameter {name!r}: (hi - lo) / step must be a whole number ≤ 10000, got "
                             f"{(hi - lo) / step:g}")
        integral = all(float(v).is_integer() for v in spec[:3]) and all(isinstance(v, (int, np.integer))
                                                                       for v in spec[:3])
        vals = tuple(int(round(lo + k * step)) if integral else round(lo + k * step, 12) for k in range(count + 1))
        default = spec[3] if len(spec) == 4 else vals[len(vals) // 2]
        if not lo - 1e-12 <= float(default) <= hi + 1e-12:
            raise ValueError(f"parameter {name!r}: value {default} lies outside [{lo}, {hi}]")
        default = min(vals, key=lambda v: abs(v - float(default)))
        return Param(name, label, vals, default, True)
    if isinstance(spec, list):
        if not spec:
            raise ValueError(f"parameter {name!r}: the list of options is empty")
        if len(set(map(repr, spec))) != len(spec):
            raise ValueError(f"parameter {name!r}: options must be distinct, got {spec!r}")
        for v in spec:
            if not (_is_number(v) or isinstance(v, str)):
                raise TypeError(f"parameter {name!r}: options must be numbers or strings, got {v!r}")
            if _is_number(v) and not math.isfinite(float(v)):
                raise ValueError(f"parameter {name!r}: options must be finite, got {v!r}")
        if all(_is_number(v) for v in spec) and list(spec) != sorted(spec):
            raise ValueError(f"parameter {name!r}: numeric options must be in increasing order (the slider "
                             f"runs left to right), got {spec!r}; name the default with ([...], default)")
        return Param(name, label, tuple(spec), spec[0] if default_option is None else default_option, False)
    raise TypeError(
        f"parameter {name!r}: give a range tuple (lo, hi, step[, value]) or a list of options, got "
        f"{type(spec).__name__}"
    )


def _values(p: Param, n: int, override: Sequence[Any] | None) -> tuple[Any, ...]:
    """The values of ``p`` rendered as static frames: ``n`` evenly spread values including the default."""
    if override is not None:
        chosen = list(override)
        bad = [v for v in chosen if v not in p.values]
        if bad or not chosen:
            raise ValueError(f"static values for {p.name!r} must be a non-empty subset of its slider values; "
                             f"not on the slider: {bad}")
        if p.default not in chosen:
            raise ValueError(f"static values for {p.name!r} must include its default {p.default!r}")
        return tuple(v for v in p.values if v in chosen)
    if len(p.values) <= n:
        return p.values
    idx = {round(k * (len(p.values) - 1) / (n - 1)) for k in range(n)}
    d = p.values.index(p.default)
    nearest = min(idx, key=lambda k: abs(k - d))
    idx = (idx - {nearest}) | {d}
    return tuple(p.values[k] for k in sorted(idx))


def static_grid(params: Sequence[Param], max_frames: int,
                static: Mapping[str, Sequence[Any]]) -> list[tuple[Any, ...]]:
    """The settings of every precomputed frame, in row-major order of ``params``.

    Parameters with few values take all of them (smallest first); the rest share what is left of the
    ``max_frames`` budget evenly. ``static`` overrides the values of a parameter.
    """
    axes: list[tuple[Any, ...]] = [()] * len(params)
    budget, left = float(max_frames), len(params)
    for i in sorted(range(len(params)), key=lambda i: len(static.get(params[i].name, params[i].values))):
        p = params[i]
        n = max(2, int(math.floor(budget ** (1 / left) + 1e-9)))
        axes[i] = _values(p, n, static.get(p.name))
        budget, left = max(1.0, budget / len(axes[i])), left - 1
    total = math.prod(len(a) for a in axes)
    limit = 4 * max(max_frames, 2 ** len(params))  # the automatic grid takes >= 2 values each
    if total > limit:
        raise ValueError(f"the static grid has {total} frames, more than the limit {limit} "
                         f"(4 × max_frames = {4 * max_frames}); pass fewer static values")
    return list(itertools.product(*axes))


def range_ends(params: Sequence[Param]) -> list[dict[str, Any]]:
    """The settings a live explorer must survive besides its static frames: every parameter at each end
    of its range (the others at their defaults) — where a slider starts or stops."""
    defaults = {p.name: p.default for p in params}
    points = [defaults]
    for p in params:
        for v in (p.values[0], p.values[-1]):
            point = {**defaults, p.name: v}
            if point not in points:
                points.append(point)
    return points
