"""Unit and property tests of kx_helpers.mixtures: Gaussian mixtures smoothed by Gaussian noise."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

import kx_helpers as kx
from kx_helpers.mixtures import mixture_denoiser, mixture_logpdf, mixture_score, smooth_mixture

W1, M1, S1 = np.array([0.3, 0.7]), np.array([[-2.0], [1.5]]), np.array([0.3, 0.5])


def _mixture(seed: int, k: int, d: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    g = np.random.default_rng(seed)
    w = g.uniform(0.2, 1.0, size=k)
    return w / w.sum(), g.normal(size=(k, d)) * 2, g.uniform(0.2, 1.0, size=k)


# -- known answers -------------------------------------------------------------------------------------------
def test_logpdf_matches_scipy_in_one_and_two_dimensions():
    x = np.linspace(-4, 4, 9)[:, None]
    expected = np.log(W1 @ stats.norm.pdf(x.T, M1, S1[:, None]))
    np.testing.assert_allclose(kx.mixture_logpdf(x, W1, M1, S1), expected, rtol=1e-13)
    w, m, s = _mixture(1, 3, 2)
    y = np.random.default_rng(2).normal(size=(5, 2))
    dens = sum(wk * stats.multivariate_normal(mk, sk**2 * np.eye(2)).pdf(y) for wk, mk, sk in zip(w, m, s, strict=True))
    np.testing.assert_allclose(mixture_logpdf(y, w, m, s), np.log(dens), rtol=1e-12)


def test_logpdf_integrates_to_one():
    w, m, s = smooth_mixture(W1, M1, S1, sigma=0.4, scale=0.9)
    total, _ = integrate.quad(lambda t: np.exp(mixture_logpdf([[t]], w, m, s)[0]), -20, 20, epsabs=1e-13,
                              limit=200)
    assert abs(total - 1) < 1e-11


def test_single_gaussian_score_and_denoiser():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    np.testing.assert_allclose(mixture_score(x, [1.0], [[1.0, 1.0]], [2.0]), -(x - 1.0) / 4, rtol=1e-15)
    # x0 ~ N(m, s^2), x = a x0 + sigma eps: E[x0 | x] = m + a s^2 / (a^2 s^2 + sigma^2) (x - a m)
    a, sig, m, s = 0.6, 0.8, np.array([0.5, -1.0]), 1.5
    expected = m + a * s**2 / (a**2 * s**2 + sig**2) * (x - a * m)
    np.testing.assert_allclose(mixture_denoiser(x, [1.0], [m], [s], sigma=sig, scale=a), expected, rtol=1e-14)


def test_tails_stay_finite():
    far = np.array([[-200.0], [300.0]])
    score = mixture_score(far, W1, M1, S1)
    assert np.all(np.isfinite(score)) and np.all(np.isfinite(mixture_logpdf(far, W1, M1, S1)))
    # far out the nearest-in-variance-weighted component dominates: the score is that component's
    np.testing.assert_allclose(score[:, 0], [-(-200 - 1.5) / 0.25, -(300 - 1.5) / 0.25], rtol=1e-12)


def test_denoiser_limits():
    x = np.array([[0.3], [2.0]])
    # no noise: the datum is known exactly
    np.testing.assert_allclose(mixture_denoiser(x, W1, M1, S1, sigma=0.0), x, rtol=1e-15)
    # no signal (a = 0): the best guess is the data mean
    np.testing.assert_allclose(mixture_denoiser(x, W1, M1, S1, sigma=1.0, scale=0.0), np.full((2, 1), W1 @ M1[:, 0]),
                               rtol=1e-14)


def test_point_masses_become_gaussians_when_smoothed():
    w, m, s = smooth_mixture([0.5, 0.5], [[-1.0, 0.0], [1.0, 0.0]], [0.0, 0.0], sigma=0.5)
    assert s.tolist() == [0.5, 0.5] and m.tolist() == [[-1.0, 0.0], [1.0, 0.0]] and w.tolist() == [0.5, 0.5]
    # denoising point masses: E[x0 | x] = tanh(x1 / sigma^2) along the axis of the two points
    x = np.array([[0.3, 0.7]])
    np.testing.assert_allclose(mixture_denoiser(x, [0.5, 0.5], [[-1.0, 0.0], [1.0, 0.0]], [0.0, 0.0], sigma=0.5),
                               [[np.tanh(0.3 / 0.25), 0.0]], rtol=1e-14, atol=1e-15)


def test_inputs_are_not_modified():
    w, m, s = W1.copy(), M1.copy(), S1.copy()
    smooth_mixture(w, m, s, sigma=1.0, scale=0.5)
    mixture_denoiser(np.zeros((2, 1)), w, m, s, sigma=1.0)
    assert w.tolist() == W1.tolist() and m.tolist() == M1.tolist() and s.tolist() == S1.tolist()


# -- failure paths -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "match"),
    [
        (([0.5, 0.6], M1, S1), "sum to 1"),
        (([1.2, -0.2], M1, S1), "weights must be positive"),
        (([[0.3, 0.7]], M1, S1), "weights must be a non-empty 1-D"),
        ((W1, [-2.0, 1.5], S1), r"means must have shape \(K, d\)"),
        ((W1, M1, [0.3]), "sds must have shape"),
        ((W1, M1, [0.3, -0.5]), "sds must be >= 0"),
        ((W1, [[np.nan], [1.0]], S1), "non-finite"),
    ],
)
def test_invalid_mixtures_are_refused(args, match):
    with pytest.raises(ValueError, match=match):
        smooth_mixture(*args, sigma=1.0)
    with pytest.raises(ValueError, match=match):
        mixture_score(np.zeros((1, 1)), *args)


def test_invalid_points_and_scalars_are_refused():
    with pytest.raises(ValueError, match=r"x must have shape \(N, 1\)"):
        mixture_logpdf(np.zeros(3), W1, M1, S1)
    with pytest.raises(ValueError, match=r"x must have shape \(N, 1\)"):
        mixture_score(np.zeros((3, 2)), W1, M1, S1)
    with pytest.raises(ValueError, match="sigma must be finite and >= 0"):
        smooth_mixture(W1, M1, S1, sigma=-0.1)
    with pytest.raises(ValueError, match="scale must be finite and >= 0"):
        mixture_denoiser(np.zeros((1, 1)), W1, M1, S1, sigma=1.0, scale=np.inf)
    with pytest.raises(TypeError, match="sigma must be a real number"):
        smooth_mixture(W1, M1, S1, sigma=True)
    with pytest.raises(TypeError, match="sigma must be a real number"):
        mixture_denoiser(np.zeros((1, 1)), W1, M1, S1, sigma=np.array([1.0]))
    with pytest.raises(TypeError, match="weights must be an array of real numbers"):
        mixture_logpdf(np.zeros((1, 1)), "0.3 0.7", M1, S1)
    with pytest.raises(TypeError, match="x must hold real numbers"):
        mixture_logpdf(np.array([[1 + 2j]]), W1, M1, S1)


def test_singular_component_is_refused():
    with pytest.raises(ValueError, match="component 0 has variance 0"):
        mixture_logpdf(np.zeros((1, 1)), W1, M1, [0.0, 0.5])
    with pytest.raises(ValueError, match="component 1 has variance 0"):
        mixture_denoiser(np.zeros((1, 1)), W1, M1, [0.3, 0.0], sigma=0.0)


# -- properties ----------------------------------------------------------------------------------------------
mixtures = st.builds(_mixture, st.integers(0, 10_000), st.integers(1, 4), st.integers(1, 3))


@settings(max_examples=60)
@given(mix=mixtures, seed=st.integers(0, 10_000))
def test_score_is_the_gradient_of_the_log_density(mix, seed):
    w, m, s = mix
    d = m.shape[1]
    x = np.random.default_rng(seed).normal(size=(4, d)) * 2
    h = 1e-5
    fd = np.stack([(mixture_logpdf(x + h * e, w, m, s) - mixture_logpdf(x - h * e, w, m, s)) / (2 * h)
                   for e in np.eye(d)], axis=1)
    # central differences: error ~ h^2 |third derivative| + rounding eps |log p| / h; both below 1e-5 here
    np.testing.assert_allclose(mixture_score(x, w, m, s), fd, rtol=1e-5, atol=1e-5)


@settings(max_examples=60)
@given(mix=mixtures, a1=st.floats(0.1, 1.0), s1=st.floats(0.0, 2.0), a2=st.floats(0.1, 1.0),
       s2=st.floats(0.0, 2.0), seed=st.integers(0, 10_000))
def test_smoothing_twice_is_smoothing_once(mix, a1, s1, a2, s2, seed):
    w, m, s = mix
    x = np.random.default_rng(seed).normal(size=(5, m.shape[1])) * 2
    twice = smooth_mixture(*smooth_mixture(w, m, s, sigma=s1, scale=a1), sigma=s2, scale=a2)
    once = smooth_mixture(w, m, s, sigma=float(np.hypot(a2 * s1, s2)), scale=a1 * a2)
    np.testing.assert_allclose(mixture_logpdf(x, *twice), mixture_logpdf(x, *once), rtol=1e-12, atol=1e-12)


@settings(max_examples=60)
@given(mix=mixtures, a=st.floats(0.05, 1.0), sigma=st.floats(0.05, 2.0), seed=st.integers(0, 10_000))
def test_tweedie_denoiser_is_the_smoothed_score_shifted(mix, a, sigma, seed):
    # a E[x0 | x] = x + sigma^2 grad log p_{a, sigma}(x): two different formulas, one quantity
    w, m, s = mix
    x = np.random.default_rng(seed).normal(size=(5, m.shape[1])) * 2
    score = mixture_score(x, *smooth_mixture(w, m, s, sigma=sigma, scale=a))
    np.testing.assert_allclose(a * mixture_denoiser(x, w, m, s, sigma=sigma, scale=a), x + sigma**2 * score,
                               rtol=1e-9, atol=1e-9)
