"""kx_helpers: what the chapters of the Scientific Spaces notes share.

* :mod:`kx_helpers.checks` — the checking vocabulary (``check_close``, ``check_quoted``, ``check_mc``,
  ``check_identity``, ``check_true``, ``check_fails``, ``summary``; a failed check raises ``CheckFailed``);
* :mod:`kx_helpers.plotting` — the house style and a few figure verbs;
* :mod:`kx_helpers.widgets` — ``explore`` (returns an ``Explorer``): live in Jupyter, kernel-free in the
  HTML book;
* :mod:`kx_helpers.seeding` — seeded numpy generators and torch set-up.
* :mod:`kx_helpers.multitask` — ``min_norm_point``: the weights that combine several tasks' gradients
  into one update (the min-norm point of their hull, with auxiliary tasks as a cone).
* :mod:`kx_helpers.mixtures` — Gaussian mixtures smoothed by Gaussian noise: ``smooth_mixture``,
  ``mixture_logpdf``, ``mixture_score``, ``mixture_denoiser`` (exact scores and denoisers for diffusion models).

Importing the package has no side effects (no rcParams change, no torch import).
"""

from .checks import (
    CheckFailed,
    check_close,
    check_fails,
    check_identity,
    check_mc,
    check_quoted,
    check_true,
    summary,
)
from .mixtures import mixture_denoiser, mixture_logpdf, mixture_score, smooth_mixture
from .multitask import min_norm_point
from .plotting import PALETTE, figure, set_labels, use_house_style
from .seeding import rng, torch_setup
from .widgets import Explorer, explore

__all__ = [
    "PALETTE",
    "CheckFailed",
    "Explorer",
    "check_close",
    "check_fails",
    "check_identity",
    "check_mc",
    "check_quoted",
    "check_true",
    "explore",
    "figure",
    "min_norm_point",
    "mixture_denoiser",
    "mixture_logpdf",
    "mixture_score",
    "rng",
    "set_labels",
    "smooth_mixture",
    "summary",
    "torch_setup",
    "use_house_style",
]
