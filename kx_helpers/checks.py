"""The checking vocabulary of the book.

Every claimed result in a chapter is asserted through one of these functions. Each prints one line on
success (``✓ label: ...``, wrapped to fit the book's 88-column code width), raises :class:`CheckFailed`
(an :class:`AssertionError`) naming the check, the values and the tolerance on failure, and records itself
in a per-kernel registry that :func:`summary` renders at the end of the chapter.

Each record also keeps how much of its tolerance the check used (its ``used`` field): ``max |err| /
allowed`` for :func:`check_close` and :func:`check_quoted`, ``|z| / limit`` for :func:`check_mc`, and for a
negative control the rejected check's figure (above 1). A check that passes with ``used`` near 1 passes by
luck of the arithmetic and may fail on another CPU; the test harness reports these margins.

A chapter runs in its own kernel, so the registry is the chapter's (the tests clear it with ``reset``).

Used in: every chapter.
"""

from __future__ import annotations

import html
import math
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "CheckFailed",
    "check_close",
    "check_fails",
    "check_identity",
    "check_mc",
    "check_quoted",
    "check_true",
    "summary",
]


class CheckFailed(AssertionError):
    """A check did not hold. The message names the check, the values and the tolerance.

    ``used`` is how much of its tolerance the failing check used (above 1), when it has a tolerance, and
    ``kind`` the kind of check that failed ("close", "monte carlo" ...).
    """

    def __init__(self, message: str, used: float | None = None, kind: str | None = None):
        super().__init__(message)
        self.used = used
        self.kind = kind


@dataclass(frozen=True)
class Record:
    """One check that passed: what it checked and how close it came to its tolerance."""

    kind: str
    label: str
    detail: str
    #: the largest error (check_close, check_quoted) or the z-score (check_mc)
    value: float | None = None
    #: fraction of the tolerance used: max |err| / allowed, |z| / limit, or for a negative control the
    #: rejected check's (above 1); None for checks without a tolerance (identities, properties)
    used: float | None = None
    #: for a negative control, the kind of the check that rejected the wrong variant
    rejected_by: str | None = None


_REGISTRY: list[Record] = []
# While a negative control runs, inner checks are neither printed nor recorded.
_SILENCED: list[bool] = []


def reset() -> None:
    """Forget every check recorded so far in this kernel.

    Examples
    --------
    >>> reset()
    """
    _REGISTRY.clear()


def _label(label: Any) -> str:
    if not isinstance(label, str) or not label.strip():
        raise TypeError(f"label must be a non-empty string, got {label!r}")
    return label


#: Printed check lines are wrapped to this width: the book's code column shows about 88 characters.
WIDTH = 88


def _wrap(text: str) -> str:
    """``text`` as lines of at most :data:`WIDTH` characters, continuation lines indented."""
    if len(text) <= WIDTH:
        return text
    return textwrap.fill(text, WIDTH, subsequent_indent="    ", break_on_hyphens=False)


def _passed(kind: str, label: str, detail: str, value: float | None = None,
            used: float | None = None, rejected_by: str | None = None) -> None:
    if _SILENCED:
        return
    _REGISTRY.append(Record(kind, label, detail, value, used, rejected_by))
    print(_wrap(f"✓ {label}: {detail}"))


def _fmt(x: float) -> str:
    return f"{x:.10g}"


def _as_float_array(name: str, value: Any) -> np.ndarray:
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be a number or an array of numbers, got {type(value).__name__}")
    if hasattr(value, "detach"):  # a torch tensor: compare its values, never its graph
        value = value.detach().cpu().numpy()
    try:
        arr = np.asarray(value)
    except Exception as exc:  # ragged sequences and the like
        raise TypeError(f"{name} must be a number or an array of numbers ({exc})") from None
    if arr.dtype == object or arr.dtype.kind not in "biufc":
        raise TypeError(f"{name} must be numeric, got dtype {arr.dtype}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty")
    if not np.all(np.isfinite(arr)):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name} contains {bad} non-finite value(s) (NaN or inf): {arr!r}"[:300])
    return arr


def _tolerance(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be finite and >= 0, got {value}")
    return value


def check_close(label: str, got: Any, expected: Any, *, rtol: float = 1e-9, atol: float = 0.0) -> None:
    """Assert that ``got`` agrees with ``expected`` within ``atol + rtol * |expected|``, elementwise.

    Parameters
    ----------
    label : str
        What is being checked, in words (shown in the output and in the summary).
    got, expected : float or array_like
        The computed value and the independent reference. Complex values are compared by modulus of the
        difference. Shapes must be equal after ``np.asarray`` (a scalar ``expected`` is broadcast).
    rtol, atol : float
        Relative and absolute tolerance, both ``>= 0`` and not both zero; they add up, as in
        ``numpy.isclose``, so for a purely absolute tolerance pass ``rtol=0``. State in the chapter why the
        tolerance is what it is (rounding, truncation, quadrature error ...).

    Returns
    -------
    None
        Nothing, so a cell ending in a check shows only its line; the largest absolute error is recorded
        (``summary().records[-1].value``).

    Raises
    ------
    CheckFailed
        If some element misses the tolerance; the message gives both values, the error and the tolerance.
    TypeError, ValueError
        On non-numeric, empty, non-finite or shape-mismatched input, or an invalid tolerance.

    Examples
    --------
    >>> check_close("pi", 355 / 113, 3.141592653589793, rtol=1e-6)  # doctest: +ELLIPSIS
    ✓ pi: got 3.14159292 expected 3.141592654 (rel err 8.5e-08 ≤ rtol 1e-06)
    """
    label = _label(label)
    rtol, atol = _tolerance("rtol", rtol), _tolerance("atol", atol)
    if rtol == 0 and atol == 0:
        raise ValueError("rtol and atol are both 0: give the tolerance the claim is checked to")
    g, e = _as_float_array("got", got), _as_float_array("expected", expected)
    if e.ndim == 0 and g.ndim > 0:
        e = np.broadcast_to(e, g.shape)
    if g.shape != e.shape:
        raise ValueError(f"got has shape {g.shape} but expected has shape {e.shape}")
    err = np.abs(g - e)
    allowed = atol + rtol * np.abs(e)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(err == 0, 0.0, err / allowed)  # allowed == 0 only where rtol alone meets 0
    used = float(ratio.max())
    max_err = float(err.max())
    scale = float(np.abs(e).max())
    rel = max_err / scale if scale > 0 else math.inf
    tol = f"rtol {rtol:.2g}" + (f", atol {atol:.2g}" if atol else "")
    if not bool(np.all(err <= allowed)):
        i = np.unravel_index(int(np.argmax(err - allowed)), err.shape) if err.ndim else ()
        where = f" at index {tuple(int(k) for k in i)}" if err.ndim else ""
        gi, ei = g[i], e[i]
        raise CheckFailed(
            f"check '{label}' failed{where}: got {_fmt_any(gi)}, expected {_fmt_any(ei)}, "
            f"|err| = {float(np.abs(gi - ei)):.3g} > allowed {float(allowed[i]):.3g} ({tol})", used, "close"
        )
    if g.ndim == 0:
        detail = f"got {_fmt_any(g)} expected {_fmt_any(e)} (rel err {rel:.2g} ≤ {tol})"
    else:
        detail = f"{g.size} values agree, max |err| {max_err:.2g} (rel {rel:.2g}; {tol})"
    _passed("close", label, detail, max_err, used)


def _fmt_any(x: Any) -> str:
    x = complex(x) if np.iscomplexobj(x) else float(x)
    if isinstance(x, complex):
        return f"{_fmt(x.real)}{x.imag:+.10g}j"
    return _fmt(x)


def check_quoted(label: str, got: Any, quoted: str) -> None:
    """Assert that ``got`` rounds to a value quoted in text: within half a unit of its last digit.

    Reference values copied from an article or a table are rounded; the honest tolerance is the rounding
    itself, half a unit in the last quoted digit (``"0.110661"`` allows ±5e-7, ``"2.9e-9"`` allows ±5e-11).

    Parameters
    ----------
    label : str
        What is being compared.
    got : float
        The computed value (a real scalar).
    quoted : str
        The reference exactly as printed, in decimal or scientific notation.

    Raises
    ------
    CheckFailed
        If ``|got - quoted| > half a unit in the last digit of quoted``.
    TypeError, ValueError
        If ``quoted`` is not a string holding a finite decimal number, or ``got`` is not a finite real scalar.

    Examples
    --------
    >>> check_quoted("π", 3.14159265, "3.141593")
    ✓ π: got 3.14159265 rounds to the quoted 3.141593 (|err| 3.5e-07 ≤ 5e-07)
    """
    from decimal import Decimal, InvalidOperation

    label = _label(label)
    if not isinstance(quoted, str):
        raise TypeError(f"quoted must be the value as printed (a string), got {type(quoted).__name__}")
    try:
        ref = Decimal(quoted.strip())
    except InvalidOperation:
        raise ValueError(f"quoted must be a decimal number, got {quoted!r}") from None
    if not ref.is_finite():
        raise ValueError(f"quoted must be finite, got {quoted!r}")
    g = _as_float_array("got", got)
    if g.ndim != 0 or np.iscomplexobj(g):
        raise ValueError(f"got must be a real scalar, got shape {g.shape} and dtype {g.dtype}")
    half = 0.5 * 10.0 ** ref.as_tuple().exponent
    err = abs(float(g) - float(ref))
    # a few ulps of slack: the comparison itself is done in floating point
    allowed = half + 4 * np.spacing(abs(float(ref)))
    if err > allowed:
        raise CheckFailed(f"check '{label}' failed: got {_fmt(float(g))}, which does not round to the quoted "
                          f"{quoted}: |err| = {err:.3g} > {half:.1g} (half a unit in its last digit)",
                          err / allowed, "quoted")
    _passed("quoted", label, f"got {_fmt(float(g))} rounds to the quoted {quoted} (|err| {err:.2g} ≤ {half:.1g})",
            err, err / allowed)


def check_mc(label: str, samples: Any, expected: float, *, z: float = 5.0) -> None:
    """Assert that the mean of i.i.d. ``samples`` is within ``z`` standard errors of ``expected``.

    Parameters
    ----------
    label : str
        What is being estimated.
    samples : array_like, 1-D
        Independent draws whose mean estimates ``expected`` (at least 2 of them).
    expected : float
        The exact value the claim gives.
    z : float
        How many standard errors are allowed (default 5: a correct claim fails about once in 1.7 million
        runs, and the seeded draw makes the outcome reproducible).

    Returns
    -------
    None
        The z-score ``(mean - expected) / se`` is printed and recorded (``summary().records[-1].value``).

    Raises
    ------
    CheckFailed
        If ``|mean - expected| > z * se``.
    TypeError, ValueError
        On non-numeric, non-1-D, non-finite or too few samples, or a zero standard error.

    Examples
    --------
    >>> x = np.random.default_rng(0).normal(size=10_000)
    >>> check_mc("mean of N(0,1)", x, 0.0)  # doctest: +ELLIPSIS
    ✓ mean of N(0,1): ... ± ... (z = ...)
    """
    label = _label(label)
    z = _tolerance("z", z)
    x = _as_float_array("samples", samples)
    if x.ndim != 1:
        raise ValueError(f"samples must be 1-D, got shape {x.shape}")
    if x.size < 2:
        raise ValueError("samples needs at least 2 draws to estimate a standard error")
    if np.iscomplexobj(x):
        raise TypeError("samples must be real")
    e = float(_as_float_array("expected", expected))
    mean = float(x.mean())
    se = float(x.std(ddof=1) / math.sqrt(x.size))
    if se == 0:
        raise ValueError("the samples are all equal: a standard error of 0 checks nothing; use check_close")
    score = (mean - e) / se
    detail = f"mean {_fmt(mean)} ± {se:.2g} (n = {x.size}) vs {_fmt(e)} (z = {score:+.2f}, limit ±{z:g})"
    used = abs(score) / z if z > 0 else math.inf
    if abs(score) > z:
        raise CheckFailed(f"check '{label}' failed: {detail}", used, "monte carlo")
    _passed("monte carlo", label, detail, score, used)


def check_identity(label: str, expr: Any, rhs: Any = None) -> None:
    """Assert that a sympy expression simplifies to zero, or that ``expr`` equals ``rhs``.

    Parameters
    ----------
    label : str
        The identity in words.
    expr : sympy expression or Matrix
        The left-hand side (or the difference, when ``rhs`` is None).
    rhs : sympy expression or Matrix, optional
        The right-hand side.

    Raises
    ------
    CheckFailed
        If ``simplify(expr - rhs)`` is not identically zero; the message shows the remainder.
    TypeError
        If ``expr`` is not a sympy object (or a number).

    Examples
    --------
    >>> import sympy as sp
    >>> x = sp.symbols("x")
    >>> check_identity("double angle", sp.sin(2 * x), 2 * sp.sin(x) * sp.cos(x))
    ✓ double angle: sin(2*x) = 2*sin(x)*cos(x)
    """
    import sympy as sp

    label = _label(label)
    for name, v in (("expr", expr), ("rhs", rhs)):
        if v is not None and not isinstance(v, (sp.Basic, sp.MatrixBase, int, float)):
            raise TypeError(f"{name} must be a sympy expression, got {type(v).__name__}")
    diff = sp.sympify(expr) - (0 if rhs is None else sp.sympify(rhs))

    def reduce(e: Any) -> Any:
        # cancel() settles rational identities quickly; simplify() is the slow general fallback.
        e = sp.cancel(sp.expand(e))
        return e if e == 0 else sp.simplify(e)

    if isinstance(diff, sp.MatrixBase):
        rem = diff.applyfunc(reduce)
        ok = bool(rem.is_zero_matrix)
    else:
        rem = reduce(diff)
        ok = rem == 0
    if not ok:
        raise CheckFailed(f"check '{label}' failed: the difference simplifies to {sp.sstr(rem)[:300]}, not 0",
                          kind="identity")
    shown = f"{sp.sstr(expr)} = {sp.sstr(rhs)}" if rhs is not None else f"{sp.sstr(expr)} = 0"
    _passed("identity", label, shown if len(shown) <= 160 else shown[:157] + "...")


def check_true(label: str, condition: Any, detail: str = "") -> None:
    """Assert that a stated property (an inequality, a count, a structural fact) holds.

    Parameters
    ----------
    label : str
        The property in words.
    condition : bool
        Its truth value (a Python or numpy boolean; arrays are refused, use ``np.all`` and say so).
    detail : str
        The numbers behind it, shown on success and on failure ("max gap 0.11 ≤ 1/9").

    Raises
    ------
    CheckFailed
        If ``condition`` is false.
    TypeError
        If ``condition`` is not a boolean.

    Examples
    --------
    >>> check_true("1/9 bound", 0.11 <= 1 / 9, "max error 0.11 ≤ 0.111")
    ✓ 1/9 bound: max error 0.11 ≤ 0.111
    """
    label = _label(label)
    if not isinstance(condition, (bool, np.bool_)):
        raise TypeError(
            f"condition must be a bool, got {type(condition).__name__}; reduce arrays with np.all / np.any"
        )
    if not isinstance(detail, str):
        raise TypeError(f"detail must be a string, got {type(detail).__name__}")
    if not bool(condition):
        raise CheckFailed(f"check '{label}' failed" + (f": {detail}" if detail else ""), kind="property")
    _passed("property", label, detail or "holds")


def check_fails(label: str, fn: Callable[[], Any]) -> None:
    """Negative control: assert that ``fn()`` is rejected by a check.

    ``fn`` runs a plausible wrong variant of the result (a missing factor, a wrong sign, the naive
    estimator) through the same check that accepts the right one. The control passes only if that check
    raises :class:`CheckFailed`; any other exception propagates, so a control cannot pass by crashing.

    Parameters
    ----------
    label : str
        The wrong variant, in words ("1/4 instead of 1/8 in the Bhattacharyya distance").
    fn : callable
        Called with no arguments.

    Returns
    -------
    None
        The rejection message of the inner check is printed and kept in the summary.

    Raises
    ------
    CheckFailed
        If ``fn()`` returns normally: the wrong variant was accepted, so the check has no teeth.
    TypeError
        If ``fn`` is not callable.

    Examples
    --------
    >>> check_fails("22/7 is not pi to 1e-6", lambda: check_close("pi", 22 / 7, np.pi, rtol=1e-6))
    ... # doctest: +ELLIPSIS
    ✓ 22/7 is not pi to 1e-6: rejected — check 'pi' failed: got 3.142857143, ...
    """
    label = _label(label)
    if not callable(fn):
        raise TypeError(f"fn must be callable (a lambda running the wrong variant), got {type(fn).__name__}")
    _SILENCED.append(True)
    try:
        fn()
    except CheckFailed as exc:
        message, used, rejected_by = str(exc), exc.used, exc.kind
    else:
        raise CheckFailed(f"negative control '{label}' was NOT rejected: the check accepted the wrong variant")
    finally:
        _SILENCED.pop()
    _passed("negative control", label, f"rejected — {message}", used=used, rejected_by=rejected_by)


@dataclass(frozen=True)
class Summary:
    """The table of checks run in this kernel; renders as HTML in notebooks and the book."""

    records: tuple[Record, ...]

    @property
    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.records:
            out[r.kind] = out.get(r.kind, 0) + 1
        return out

    def _headline(self) -> str:
        n = len(self.records)
        controls = self.counts.get("negative control", 0)
        return f"{n} checks passed, {controls} of them negative controls"

    def __repr__(self) -> str:
        lines = [self._headline()]
        lines += [f"  {i:>2}. [{r.kind}] {r.label}" for i, r in enumerate(self.records, 1)]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{i}</td><td>{html.escape(r.kind)}</td><td>{html.escape(r.label)}</td>"
            f"<td><code>{html.escape(r.detail[:200])}</code></td></tr>"
            for i, r in enumerate(self.records, 1)
        )
        return (
            f'<div class="kx-summary"><p><strong>✓ {html.escape(self._headline())}</strong></p>'
            '<table class="kx-summary-table"><thead><tr><th>#</th><th>kind</th><th>check</th>'
            f"<th>result</th></tr></thead><tbody>{rows}</tbody></table></div>"
        )


def summary() -> Summary:
    """Return the table of every check that passed in this kernel, in order.

    Displaying it (as the last cell of a chapter) renders an HTML table; ``repr`` gives plain text.
    A chapter that ran no check is an error: ``summary`` raises :class:`CheckFailed` then.

    Examples
    --------
    >>> reset(); check_true("one", True)
    ✓ one: holds
    >>> summary().counts
    {'property': 1}
    """
    if not _REGISTRY:
        raise CheckFailed("no check has run in this kernel: a chapter must assert its claims")
    return Summary(tuple(_REGISTRY))
