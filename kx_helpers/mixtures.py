r"""Gaussian mixtures smoothed by Gaussian noise: density, score and denoiser in closed form.

Let the data be a mixture of isotropic Gaussians in :math:`\mathbb R^d`,

.. math::

   x_0\sim p_0=\sum_{k=1}^K w_k\,\mathcal N(m_k,s_k^2I),

and let :math:`x=a\,x_0+\sigma\varepsilon` with :math:`\varepsilon\sim\mathcal N(0,I)` independent of
:math:`x_0`. Given the component, :math:`x` is Gaussian, so

.. math::

   x\sim\sum_k w_k\,\mathcal N\big(a\,m_k,(a^2s_k^2+\sigma^2)I\big):

smoothing keeps a mixture a mixture (:func:`smooth_mixture`). Everything a diffusion model needs of its
noisy marginals is then exact: the log density (:func:`mixture_logpdf`), the score
:math:`\nabla\log p` (:func:`mixture_score`) and the denoiser :math:`\mathbb E[x_0\mid x]`
(:func:`mixture_denoiser`), which Tweedie's formula ties to the score of the smoothed mixture,
:math:`a\,\mathbb E[x_0\mid x]=x+\sigma^2\nabla\log p(x)`.

A mixture is passed as three arrays: ``weights`` (K,) positive and summing to 1, ``means`` (K, d) and
``sds`` (K,) non-negative; points ``x`` are an array of shape (N, d). Responsibilities are computed in log
space, so points far in the tails give finite scores.

Used in: ``generative/ddpm-bayes-denoising`` (the exact denoiser of DDPM's sampler, with
:math:`a=\bar\alpha_t`, :math:`\sigma=\bar\beta_t`) and ``generative/diffusion-ode`` (the density and score of
the data smoothed to level :math:`\sigma_t`, with :math:`a=1`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["mixture_denoiser", "mixture_logpdf", "mixture_score", "smooth_mixture"]


def _real_array(name: str, value: Any) -> np.ndarray:
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be an array of real numbers, got {type(value).__name__}")
    try:
        arr = np.asarray(value)
    except Exception as exc:  # ragged nested lists and the like
        raise TypeError(f"{name} must be an array of real numbers ({exc})") from None
    if arr.dtype == object or arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    arr = arr.astype(float)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains non-finite values (NaN or inf)")
    return arr


def _real_scalar(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value)
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be finite and >= 0, got {value}")
    return value


def _mixture(weights: Any, means: Any, sds: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    w = _real_array("weights", weights)
    m = _real_array("means", means)
    s = _real_array("sds", sds)
    if w.ndim != 1 or w.size == 0:
        raise ValueError(f"weights must be a non-empty 1-D array, got shape {w.shape}")
    if np.any(w <= 0):
        raise ValueError(f"weights must be positive, smallest is {w.min():.3g}")
    if abs(w.sum() - 1) > 1e-9:
        raise ValueError(f"weights must sum to 1, they sum to {w.sum():.12g}")
    if m.ndim != 2 or m.shape[0] != w.size or m.shape[1] == 0:
        raise ValueError(f"means must have shape (K, d) = ({w.size}, d), got {m.shape}")
    if s.shape != w.shape:
        raise ValueError(f"sds must have shape ({w.size},) like weights, got {s.shape}")
    if np.any(s < 0):
        raise ValueError(f"sds must be >= 0, smallest is {s.min():.3g}")
    return w, m, s


def _points(x: Any, d: int) -> np.ndarray:
    arr = _real_array("x", x)
    if arr.ndim != 2 or arr.shape[1] != d:
        raise ValueError(f"x must have shape (N, {d}) to match means, got {arr.shape}")
    return arr


def _log_responsibilities(x: np.ndarray, w: np.ndarray, m: np.ndarray,
                          var: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """log p(x), log r_k(x) and x - m_k for the mixture sum_k w_k N(m_k, var_k I)."""
    if np.any(var <= 0):
        k = int(np.argmin(var))
        raise ValueError(f"component {k} has variance 0 (sds[{k}] = 0 with no smoothing): its density is "
                         "singular")
    d = x.shape[1]
    dev = x[:, None, :] - m[None, :, :]  # (N, K, d)
    log_comp = np.log(w) - 0.5 * d * np.log(2 * np.pi * var) - 0.5 * np.einsum("nkd,nkd->nk", dev, dev) / var
    top = log_comp.max(axis=1, keepdims=True)
    log_p = top[:, 0] + np.log(np.exp(log_comp - top).sum(axis=1))
    return log_p, log_comp - log_p[:, None], dev


def smooth_mixture(weights: Any, means: Any, sds: Any, *, sigma: float,
                   scale: float = 1.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""The mixture of :math:`a\,x_0+\sigma\varepsilon` when :math:`x_0` is the mixture (weights, means, sds).

    Parameters
    ----------
    weights : array_like, shape (K,)
        Positive component weights summing to 1.
    means : array_like, shape (K, d)
        Component means.
    sds : array_like, shape (K,)
        Component standard deviations (isotropic), ``>= 0``.
    sigma : float
        Standard deviation :math:`\sigma\ge0` of the added noise.
    scale : float, optional
        The factor :math:`a\ge0` applied to :math:`x_0` (1 for pure smoothing; :math:`\bar\alpha_t` in DDPM).

    Returns
    -------
    tuple of numpy.ndarray
        ``(weights, a * means, sqrt(a**2 * sds**2 + sigma**2))``: the same weights, moved means and
        widened standard deviations. Smoothing twice composes:
        :math:`(a_1,\sigma_1)` then :math:`(a_2,\sigma_2)` is :math:`(a_1a_2,\sqrt{a_2^2\sigma_1^2+\sigma_2^2})`.

    Raises
    ------
    TypeError
        If an argument is not real-valued (``sigma`` and ``scale`` must be real scalars).
    ValueError
        If the shapes disagree, a weight is not positive, the weights do not sum to 1, a standard deviation
        is negative, or ``sigma`` / ``scale`` is negative or not finite.

    Examples
    --------
    >>> w, m, s = smooth_mixture([0.5, 0.5], [[-1.0], [1.0]], [0.0, 0.0], sigma=0.6, scale=0.8)
    >>> m.ravel().tolist(), s.tolist()
    ([-0.8, 0.8], [0.6, 0.6])
    """
    w, m, s = _mixture(weights, means, sds)
    sigma = _real_scalar("sigma", sigma)
    scale = _real_scalar("scale", scale)
    return w.copy(), scale * m, np.sqrt(scale**2 * s**2 + sigma**2)


def mixture_logpdf(x: Any, weights: Any, means: Any, sds: Any) -> np.ndarray:
    r"""Log density :math:`\log\sum_k w_k\,\mathcal N(x;m_k,s_k^2I)` at each row of ``x``.

    Parameters
    ----------
    x : array_like, shape (N, d)
        Points.
    weights, means, sds : array_like
        The mixture, as in :func:`smooth_mixture`; every ``sds`` entry must be positive here (smooth first
        for point masses).

    Returns
    -------
    numpy.ndarray, shape (N,)
        The log density, computed with a log-sum-exp over components.

    Raises
    ------
    TypeError
        If an argument is not real-valued.
    ValueError
        On inconsistent shapes, invalid weights, or a component of standard deviation 0.

    Examples
    --------
    >>> float(mixture_logpdf([[0.0]], [1.0], [[0.0]], [1.0])[0]) == -0.5 * math.log(2 * math.pi)
    True
    """
    w, m, s = _mixture(weights, means, sds)
    log_p, _, _ = _log_responsibilities(_points(x, m.shape[1]), w, m, s**2)
    return log_p


def mixture_score(x: Any, weights: Any, means: Any, sds: Any) -> np.ndarray:
    r"""The score :math:`\nabla_x\log p(x)=-\sum_k r_k(x)\,(x-m_k)/s_k^2` of a mixture, at each row of ``x``.

    :math:`r_k(x)` are the responsibilities (posterior component probabilities) at :math:`x`.

    Parameters
    ----------
    x : array_like, shape (N, d)
        Points.
    weights, means, sds : array_like
        The mixture, as in :func:`mixture_logpdf` (often the output of :func:`smooth_mixture`).

    Returns
    -------
    numpy.ndarray, shape (N, d)
        The gradient of the log density.

    Raises
    ------
    TypeError
        If an argument is not real-valued.
    ValueError
        On inconsistent shapes, invalid weights, or a component of standard deviation 0.

    Examples
    --------
    >>> mixture_score([[1.0, -2.0]], [1.0], [[0.0, 0.0]], [2.0]).tolist()  # -x / s^2 for one Gaussian
    [[-0.25, 0.5]]
    """
    w, m, s = _mixture(weights, means, sds)
    var = s**2
    _, log_r, dev = _log_responsibilities(_points(x, m.shape[1]), w, m, var)
    return -np.einsum("nk,nkd->nd", np.exp(log_r) / var, dev)


def mixture_denoiser(x: Any, weights: Any, means: Any, sds: Any, *, sigma: float,
                     scale: float = 1.0) -> np.ndarray:
    r"""The posterior mean :math:`\mathbb E[x_0\mid a\,x_0+\sigma\varepsilon=x]` for mixture data :math:`x_0`.

    Given component :math:`k`, :math:`(x_0,x)` is jointly Gaussian, so
    :math:`\mathbb E[x_0\mid x,k]=m_k+\frac{a s_k^2}{a^2s_k^2+\sigma^2}(x-a\,m_k)`; averaging over the
    responsibilities of the smoothed mixture gives the denoiser, the minimiser of
    :math:`\mathbb E\Vert x_0-f(x)\Vert^2`.

    Parameters
    ----------
    x : array_like, shape (N, d)
        Noisy points.
    weights, means, sds : array_like
        The mixture of the clean data :math:`x_0`, as in :func:`smooth_mixture`.
    sigma : float
        Noise standard deviation :math:`\sigma\ge0`.
    scale : float, optional
        The factor :math:`a\ge0` on :math:`x_0`.

    Returns
    -------
    numpy.ndarray, shape (N, d)
        :math:`\mathbb E[x_0\mid x]` at each row of ``x``.

    Raises
    ------
    TypeError
        If an argument is not real-valued.
    ValueError
        On inconsistent shapes or invalid weights, a negative ``sigma`` or ``scale``, or a component whose
        smoothed variance :math:`a^2s_k^2+\sigma^2` is 0.

    Examples
    --------
    >>> # one Gaussian N(0, 1) seen through unit noise: E[x_0 | x] = x / 2
    >>> mixture_denoiser([[1.0]], [1.0], [[0.0]], [1.0], sigma=1.0).tolist()
    [[0.5]]
    """
    w, m, s = _mixture(weights, means, sds)
    sigma = _real_scalar("sigma", sigma)
    a = _real_scalar("scale", scale)
    var = a**2 * s**2 + sigma**2
    _, log_r, dev = _log_responsibilities(_points(x, m.shape[1]), w, a * m, var)
    within = m[None, :, :] + (a * s**2 / var)[None, :, None] * dev
    return np.einsum("nk,nkd->nd", np.exp(log_r), within)
