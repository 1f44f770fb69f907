r"""Min-norm points for multi-task gradients: the update direction that serves several tasks at once.

With task gradients :math:`g_1,\dots,g_k` and their Gram matrix :math:`G_{ij}=\langle g_i,g_j\rangle`, the
first ``n`` tasks are *primary* (their weights :math:`\alpha` lie on the probability simplex) and the others
*auxiliary* (their weights :math:`\lambda` are only required to be non-negative). :func:`min_norm_point`
finds

.. math::

   \min_{\alpha\in\mathbb P^n,\ \lambda\ge0}\ \tfrac12\Big\Vert\sum_{i\le n}\alpha_ig_i
   +\sum_{j>n}\lambda_jg_j\Big\Vert^2 ,

whose minimiser :math:`u^*=\sum_i\alpha_i^*g_i+\sum_j\lambda_j^*g_j` is the step direction
(:math:`\Delta\theta=-\eta u^*`). Every task primary is MGDA; one primary task with the others auxiliary
is the primary–auxiliary update; anything between is the mixed case. Only the Gram matrix is needed,
computed once per training step.

Used in: ``optimization/multitask-gradients`` (all tasks primary, the Frank–Wolfe iteration) and
``optimization/multitask-primary-auxiliary`` (one primary task with auxiliary tasks, and the mixed case).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

__all__ = ["MinNormPoint", "min_norm_point"]

_STEPS = ("pairwise", "frank-wolfe")


@dataclass(frozen=True)
class MinNormPoint:
    r"""The result of :func:`min_norm_point`.

    Attributes
    ----------
    weights : numpy.ndarray
        The primary weights :math:`\alpha` (non-negative, summing to 1) followed by the auxiliary weights
        :math:`\lambda` (non-negative); read-only.
    norm_sq : float
        :math:`\Vert u\Vert^2=w^\top Gw` for these weights.
    gap : float
        :math:`\Vert u\Vert^2-\min_{i\le n}\langle g_i,u\rangle`. When ``infeasibility`` is 0 it bounds the
        excess :math:`\tfrac12\Vert u\Vert^2-\tfrac12\Vert u^*\Vert^2` from above (it is the duality gap of
        the regularised max–min problem), so it certifies the answer.
    infeasibility : float
        :math:`\max(0,-\min_{j>n}\langle g_j,u\rangle)`: how far an auxiliary task is from not getting
        worse (0 without auxiliary tasks).
    iterations : int
        Iterations run (one simplex step and one sweep over the auxiliary weights each).
    converged : bool
        Whether ``|gap|`` and ``infeasibility`` fell to ``tol`` times the largest squared gradient norm.
    """

    weights: np.ndarray
    norm_sq: float
    gap: float
    infeasibility: float
    iterations: int
    converged: bool


def _gram(G: Any) -> np.ndarray:
    if isinstance(G, (str, bytes)) or G is None:
        raise TypeError(f"G must be a square array of numbers (a Gram matrix), got {type(G).__name__}")
    try:
        arr = np.asarray(G)
    except Exception as exc:  # ragged nested lists and the like
        raise TypeError(f"G must be a square array of numbers ({exc})") from None
    if arr.dtype == object or arr.dtype.kind not in "biuf":
        raise TypeError(f"G must hold real numbers, got dtype {arr.dtype}")
    arr = arr.astype(float)
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1] or arr.shape[0] == 0:
        raise ValueError(f"G must be a non-empty square matrix, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError("G contains non-finite values (NaN or inf)")
    size = float(np.abs(arr).max())
    asym = float(np.abs(arr - arr.T).max())
    if asym > 1e-10 * size:
        raise ValueError(f"G must be symmetric (a Gram matrix); max |G - G.T| is {asym:.3g}")
    arr = 0.5 * (arr + arr.T)
    smallest = float(np.linalg.eigvalsh(arr)[0])
    if smallest < -1e-10 * max(size, 1e-300) * len(arr):
        raise ValueError(f"G must be positive semidefinite (a Gram matrix); smallest eigenvalue is {smallest:.3g}")
    return arr


def _check_args(n: int, n_primary: Any, step: Any, tol: Any, max_iter: Any) -> tuple[int, float, int]:
    if n_primary is None:
        n_primary = n
    if isinstance(n_primary, bool) or not isinstance(n_primary, (int, np.integer)):
        raise TypeError(f"n_primary must be an integer or None, got {n_primary!r}")
    if not 1 <= int(n_primary) <= n:
        raise ValueError(f"n_primary must be between 1 and the number of tasks {n}, got {n_primary}")
    if not isinstance(step, str):
        raise TypeError(f"step must be a string, one of {_STEPS}, got {type(step).__name__}")
    if step not in _STEPS:
        raise ValueError(f"step must be one of {_STEPS}, got {step!r}")
    if isinstance(tol, bool) or not isinstance(tol, (int, float, np.integer, np.floating)):
        raise TypeError(f"tol must be a real number, got {tol!r}")
    if not (math.isfinite(tol) and tol > 0):
        raise ValueError(f"tol must be finite and > 0, got {tol}")
    if isinstance(max_iter, bool) or not isinstance(max_iter, (int, np.integer)):
        raise TypeError(f"max_iter must be an integer, got {max_iter!r}")
    if max_iter < 1:
        raise ValueError(f"max_iter must be >= 1, got {max_iter}")
    return int(n_primary), float(tol), int(max_iter)


def _certificate(G: np.ndarray, w: np.ndarray, n: int) -> tuple[float, float, float]:
    r = G @ w  # r_i = <g_i, u>
    norm_sq = float(w @ r)
    gap = norm_sq - float(r[:n].min())
    infeasibility = max(0.0, -float(r[n:].min())) if len(w) > n else 0.0
    return norm_sq, gap, infeasibility


def _simplex_step(G: np.ndarray, w: np.ndarray, n: int, step: str) -> None:
    """One step on the primary weights w[:n], in place, with an exact line search."""
    r = G @ w
    tau = int(np.argmin(r[:n]))
    if step == "frank-wolfe":
        # towards the vertex e_tau: w_S <- (1 - gamma) w_S + gamma e_tau
        a = w[:n]
        slope = r[tau] - a @ r[:n]
        curvature = G[tau, tau] - 2 * (G[tau, :n] @ a) + a @ G[:n, :n] @ a
        if slope >= 0 or curvature <= 0:
            return
        gamma = min(1.0, -slope / curvature)
        w[:n] *= 1 - gamma
        w[tau] += gamma
    else:
        # move weight from the active task with the largest rate to the one with the smallest
        active = np.flatnonzero(w[:n] > 0)
        kappa = int(active[np.argmax(r[active])])
        slope = r[tau] - r[kappa]
        curvature = G[tau, tau] - 2 * G[tau, kappa] + G[kappa, kappa]
        if slope >= 0:
            return
        gamma = w[kappa] if curvature <= 0 else min(w[kappa], -slope / curvature)
        w[kappa] = 0.0 if gamma == w[kappa] else w[kappa] - gamma
        w[tau] += gamma


def _auxiliary_sweep(G: np.ndarray, w: np.ndarray, n: int) -> None:
    """Exact minimisation over each auxiliary weight in turn (the clipped one-task formula), in place."""
    for j in range(n, len(w)):
        if G[j, j] > 0:
            w[j] = max(0.0, w[j] - (G[j] @ w) / G[j, j])
        else:  # a zero gradient: its weight changes nothing
            w[j] = 0.0


def min_norm_point(
    G: Any,
    n_primary: int | None = None,
    *,
    step: Literal["pairwise", "frank-wolfe"] = "pairwise",
    tol: float = 1e-14,
    max_iter: int = 100_000,
) -> MinNormPoint:
    r"""Weights of the min-norm point of the primary tasks' hull plus the auxiliary tasks' cone.

    Minimises :math:`\tfrac12 w^\top Gw` over :math:`w=(\alpha,\lambda)` with :math:`\alpha` on the
    probability simplex (the first ``n_primary`` tasks) and :math:`\lambda\ge0` (the rest). Each iteration
    takes one step on :math:`\alpha` with an exact line search, then re-solves every :math:`\lambda_j`
    exactly with the others fixed (cyclic coordinate descent), until the duality gap and the auxiliary
    infeasibility are below ``tol`` (relative to the largest :math:`\Vert g_i\Vert^2`).

    Parameters
    ----------
    G : array_like, shape (k, k)
        Gram matrix :math:`G_{ij}=\langle g_i,g_j\rangle` of the task gradients (symmetric positive
        semidefinite), primary tasks first.
    n_primary : int, optional
        Number of primary tasks, ``1 <= n_primary <= k``; default ``k`` (every task primary: MGDA).
        ``n_primary=1`` is a main task with fixed weight 1 and ``k - 1`` auxiliary tasks.
    step : {"pairwise", "frank-wolfe"}
        The step on the simplex. ``"frank-wolfe"`` moves towards the vertex of the task with the smallest
        rate :math:`\langle g_\tau,u\rangle` (:math:`\alpha\leftarrow(1-\gamma)\alpha+\gamma e_\tau`); it
        converges slowly (like :math:`1/k`) when the optimum has a zero weight. ``"pairwise"`` (default)
        moves weight from the active task with the largest rate to that task, and can drop a weight to
        exactly 0, so it converges linearly.
    tol : float
        Stopping tolerance, relative to :math:`\max_i G_{ii}` (default ``1e-14``).
    max_iter : int
        Iteration limit (default 100 000); check ``converged`` on the result.

    Returns
    -------
    MinNormPoint
        The weights, :math:`\Vert u\Vert^2`, the gap certificate, the infeasibility, the iteration count and
        whether the tolerance was met.

    Raises
    ------
    TypeError
        If ``G`` is not an array of real numbers, or ``n_primary``, ``step``, ``tol`` or ``max_iter`` has
        the wrong type.
    ValueError
        If ``G`` is not square, finite, symmetric and positive semidefinite; if ``n_primary`` is outside
        ``1..k``; if ``step`` is unknown; if ``tol <= 0`` or ``max_iter < 1``.

    Examples
    --------
    Two orthogonal unit gradients, both primary: equal weights, :math:`u^*=(\tfrac12,\tfrac12)`.

    >>> res = min_norm_point(np.eye(2))
    >>> res.weights.tolist(), res.norm_sq, res.converged
    ([0.5, 0.5], 0.5, True)

    A main task :math:`g_0=(1,0)` and an auxiliary task :math:`g_1=(-1,1)` that conflicts with it:
    :math:`\lambda^*=\tfrac12` and :math:`u^*=g_0+\tfrac12g_1=(\tfrac12,\tfrac12)`.

    >>> g = np.array([[1.0, 0.0], [-1.0, 1.0]])
    >>> min_norm_point(g @ g.T, n_primary=1).weights.tolist()
    [1.0, 0.5]
    """
    G = _gram(G)
    k = len(G)
    n, tol, max_iter = _check_args(k, n_primary, step, tol, max_iter)
    w = np.zeros(k)
    w[:n] = 1.0 / n
    scale = float(np.diag(G).max())
    limit = tol * scale
    converged = scale == 0.0  # every gradient is zero: any weights will do
    iterations = 0
    while not converged and iterations < max_iter:
        if n > 1:
            _simplex_step(G, w, n, step)
        _auxiliary_sweep(G, w, n)
        iterations += 1
        _, gap, infeasibility = _certificate(G, w, n)
        converged = abs(gap) <= limit and infeasibility <= limit
    norm_sq, gap, infeasibility = _certificate(G, w, n)
    w.setflags(write=False)
    return MinNormPoint(w, norm_sq, gap, infeasibility, iterations, bool(converged))
