"""Unit and property tests of kx_helpers.multitask: the min-norm point of a hull plus a cone."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize

import kx_helpers as kx
from kx_helpers.multitask import MinNormPoint, min_norm_point


def _problem(seed: int, k: int = 4, d: int = 10, shift: float = 0.3) -> np.ndarray:
    g = np.random.default_rng(seed).normal(size=(k, d)) + shift
    return g @ g.T


# -- known answers -------------------------------------------------------------------------------------------
def test_orthogonal_pair_gives_equal_weights():
    res = kx.min_norm_point(np.eye(2))
    assert isinstance(res, MinNormPoint)
    assert res.weights.tolist() == [0.5, 0.5]
    assert res.norm_sq == 0.5 and res.gap == 0.0 and res.infeasibility == 0.0 and res.converged


def test_main_task_with_a_conflicting_auxiliary_task():
    g = np.array([[1.0, 0.0], [-1.0, 1.0]])  # <g0, g1> = -1 < 0: lambda* = relu(1) / 2 = 1/2
    res = min_norm_point(g @ g.T, n_primary=1)
    assert res.weights.tolist() == [1.0, 0.5]
    u = res.weights @ g
    assert u.tolist() == [0.5, 0.5] and res.norm_sq == 0.5


def test_agreeing_auxiliary_task_gets_weight_zero():
    g = np.array([[1.0, 0.0], [1.0, 1.0]])
    res = min_norm_point(g @ g.T, n_primary=1)
    assert res.weights.tolist() == [1.0, 0.0] and res.norm_sq == 1.0


def test_origin_in_the_hull_is_pareto_stationary():
    g = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0], [0.0, -1.0]])
    res = min_norm_point(g @ g.T)
    assert res.converged and np.abs(res.weights @ g).max() <= 1e-15


def test_all_zero_gradients_return_uniform_weights_at_once():
    res = min_norm_point(np.zeros((3, 3)))
    assert res.converged and res.iterations == 0 and res.weights.tolist() == pytest.approx([1 / 3] * 3)


def test_zero_auxiliary_gradient_gets_weight_zero():
    G = np.array([[2.0, 0.0], [0.0, 0.0]])
    assert min_norm_point(G, n_primary=1).weights.tolist() == [1.0, 0.0]


def test_weights_are_read_only_and_lists_are_accepted():
    res = min_norm_point([[1, 0], [0, 1]])
    with pytest.raises(ValueError):
        res.weights[0] = 1.0


# -- the two simplex steps -----------------------------------------------------------------------------------
def test_frank_wolfe_and_pairwise_agree_in_the_interior():
    G = _problem(0)  # all four optimal weights are positive here
    fw, pw = min_norm_point(G, step="frank-wolfe"), min_norm_point(G, step="pairwise")
    assert fw.converged and pw.converged
    assert fw.norm_sq == pytest.approx(pw.norm_sq, rel=1e-13)
    np.testing.assert_allclose(fw.weights, pw.weights, atol=1e-6)
    assert pw.iterations < fw.iterations


def test_frank_wolfe_crawls_when_a_weight_is_zero():
    G = _problem(2)  # the optimum has a zero weight
    fw = min_norm_point(G, step="frank-wolfe", max_iter=3000)
    pw = min_norm_point(G)
    assert not fw.converged and fw.iterations == 3000 and fw.gap > 1e-6
    assert pw.converged and pw.weights.min() == 0.0
    assert 0 <= 0.5 * (fw.norm_sq - pw.norm_sq) <= fw.gap  # the gap bounds the excess


def test_gap_bounds_the_excess_along_the_way():
    G = _problem(5, k=5)
    best = min_norm_point(G).norm_sq
    for iters in (1, 3, 10, 30):
        res = min_norm_point(G, step="frank-wolfe", max_iter=iters)
        assert 0 <= 0.5 * (res.norm_sq - best) <= res.gap + 1e-15


# -- input validation ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("G", "error", "match"),
    [
        ("eye", TypeError, "G must be a square array"),
        (None, TypeError, "G must be a square array"),
        ([[1, 0], [0]], TypeError, "G must be a square array"),
        (np.eye(2, dtype=complex), TypeError, "G must hold real numbers"),
        (np.ones((2, 3)), ValueError, "non-empty square matrix"),
        (np.ones(3), ValueError, "non-empty square matrix"),
        (np.zeros((0, 0)), ValueError, "non-empty square matrix"),
        (np.array([[1.0, np.nan], [np.nan, 1.0]]), ValueError, "non-finite"),
        (np.array([[1.0, 0.5], [0.0, 1.0]]), ValueError, "symmetric"),
        (np.array([[1.0, 2.0], [2.0, 1.0]]), ValueError, r"semidefinite \(a Gram matrix\); smallest eigenvalue is -1"),
    ],
)
def test_bad_gram_matrices_are_refused(G, error, match):
    with pytest.raises(error, match=match):
        min_norm_point(G)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n_primary": 0}, ValueError, "n_primary must be between 1 and the number of tasks 3"),
        ({"n_primary": 4}, ValueError, "n_primary must be between 1"),
        ({"n_primary": 1.0}, TypeError, "n_primary must be an integer"),
        ({"n_primary": True}, TypeError, "n_primary must be an integer"),
        ({"step": "away"}, ValueError, "step must be one of"),
        ({"step": 1}, TypeError, "step must be a string"),
        ({"tol": 0.0}, ValueError, "tol must be finite and > 0"),
        ({"tol": float("nan")}, ValueError, "tol must be finite"),
        ({"tol": "1e-9"}, TypeError, "tol must be a real number"),
        ({"max_iter": 0}, ValueError, "max_iter must be >= 1"),
        ({"max_iter": 10.0}, TypeError, "max_iter must be an integer"),
    ],
)
def test_bad_arguments_are_refused(kwargs, error, match):
    with pytest.raises(error, match=match):
        min_norm_point(np.eye(3), **kwargs)


# -- properties against independent solvers -------------------------------------------------------------------
@st.composite
def task_gradients(draw):
    """k gradients in R^d on a quarter grid (exact Gram matrices; duplicates, zeros and collinear sets occur)
    and the number of primary tasks."""
    k = draw(st.integers(1, 5))
    d = draw(st.integers(1, 5))
    g = np.array(draw(st.lists(st.integers(-8, 8), min_size=k * d, max_size=k * d)), dtype=float) / 4
    return g.reshape(k, d), draw(st.integers(1, k))


def _feasible(w: np.ndarray, n: int) -> np.ndarray:
    """Nearest-enough feasible point to a solver's answer: clip to >= 0, rescale the simplex part."""
    w = np.maximum(w, 0.0)
    if w[:n].sum() == 0:
        w[:n] = 1.0 / n
    w[:n] /= w[:n].sum()
    return w


@settings(max_examples=80, deadline=None)
@given(task_gradients())
def test_min_norm_point_is_feasible_optimal_and_matches_slsqp(problem):
    g, n = problem
    G = g @ g.T
    k = len(g)
    scale = max(float(np.diag(G).max()), 1e-300)
    res = min_norm_point(G, n)
    w = res.weights
    assert res.converged
    # in the hull (primary part) and the cone (auxiliary part)
    assert np.all(w >= 0) and abs(w[:n].sum() - 1) <= 1e-12
    # no vertex of the hull and no ray of the cone improves it (first-order optimality)
    rates = G @ w
    assert rates[:n].min() >= res.norm_sq - 1e-12 * scale
    assert k == n or rates[n:].min() >= -1e-12 * scale
    # an independent solver never finds a better feasible point
    cons = [{"type": "eq", "fun": lambda a: a[:n].sum() - 1, "jac": lambda a: np.r_[np.ones(n), np.zeros(k - n)]}]
    qp = optimize.minimize(lambda a: 0.5 * a @ G @ a, np.r_[np.full(n, 1 / n), np.zeros(k - n)],
                           jac=lambda a: G @ a, method="SLSQP", bounds=[(0, None)] * k, constraints=cons,
                           options={"ftol": 1e-15, "maxiter": 1000})
    f_qp = 0.5 * (x := _feasible(qp.x, n)) @ G @ x
    assert 0.5 * res.norm_sq <= f_qp + 1e-12 * scale
    if qp.success:
        assert f_qp - 0.5 * res.norm_sq <= 1e-7 * scale


@settings(max_examples=80, deadline=None)
@given(task_gradients())
def test_one_primary_task_matches_nnls(problem):
    g, _ = problem
    if len(g) < 2:
        return
    res = min_norm_point(g @ g.T, n_primary=1)
    lam, residual = optimize.nnls(g[1:].T, -g[0])  # min ||A lam - b||, lam >= 0, with b = -g0
    scale = max(float((g * g).sum(axis=1).max()), 1e-300)
    assert res.weights[0] == 1.0
    assert abs(res.norm_sq - residual**2) <= 1e-12 * scale
