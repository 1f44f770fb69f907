"""One house style and a few figure verbs, so chapters read as the science and not as matplotlib.

:func:`use_house_style` is the only place that touches ``rcParams``; every figure it styles has an opaque
white background, so figures stay readable in the book's dark theme.

Used in: every chapter (``use_house_style``, ``figure``, ``set_labels``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

__all__ = ["PALETTE", "figure", "set_labels", "use_house_style"]

#: Colour cycle of the book (colour-blind safe, Okabe–Ito).
PALETTE: tuple[str, ...] = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")

#: The rcParams of the house style. Opaque backgrounds are deliberate: the dark theme shows them as cards.
HOUSE_STYLE: dict[str, Any] = {
    "figure.figsize": (6.4, 3.6),
    "figure.dpi": 100,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.transparent": False,
    "savefig.bbox": "tight",
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 11,
    # Titles at a fixed height: matplotlib otherwise lays out the x tick labels once more per axes to see
    # whether they reach the top (they never do here: no top ticks) — about a tenth of an explorer redraw.
    "axes.titley": 1.0,
    "axes.labelsize": 10,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "lines.linewidth": 1.8,
    "image.cmap": "viridis",
    "figure.constrained_layout.use": True,
    "mathtext.fontset": "cm",
    "axes.prop_cycle": None,  # filled below (cycler import kept local to this module)
}


def _style() -> dict[str, Any]:
    from cycler import cycler

    style = dict(HOUSE_STYLE)
    style["axes.prop_cycle"] = cycler(color=list(PALETTE))
    return style


def use_house_style() -> None:
    """Switch matplotlib to the house style (call once, in a chapter's import cell).

    Examples
    --------
    >>> use_house_style()
    >>> import matplotlib as mpl; mpl.rcParams["figure.facecolor"]
    'white'
    """
    import matplotlib as mpl

    mpl.rcParams.update(_style())


@contextmanager
def house_style() -> Iterator[None]:
    """Context manager applying the house style temporarily (used by :func:`kx_helpers.widgets.explore`)."""
    import matplotlib as mpl

    with mpl.rc_context(_style()):
        yield


def figure(ncols: int = 1, nrows: int = 1, *, width: float = 6.4, height: float | None = None, **kw: Any):
    """Create a styled pyplot figure with a grid of axes sized for the page column.

    Parameters
    ----------
    ncols, nrows : int
        Grid of panels (positive).
    width : float
        Figure width in inches (the page column fits 6.4-9).
    height : float, optional
        Figure height; default ``2.9 * nrows + 0.5``.
    **kw
        Passed to ``plt.subplots`` (``sharex``, ``sharey``, ...).

    Returns
    -------
    (Figure, Axes or ndarray of Axes)

    Raises
    ------
    ValueError
        If ``ncols``/``nrows`` are not positive integers or the size is not positive.

    Examples
    --------
    >>> fig, (a, b) = figure(2)
    """
    import matplotlib.pyplot as plt

    for name, v in (("ncols", ncols), ("nrows", nrows)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError(f"{name} must be a positive integer, got {v!r}")
    height = 2.9 * nrows + 0.5 if height is None else height
    if not (np.isfinite(width) and np.isfinite(height) and width > 0 and height > 0):
        raise ValueError(f"figure size must be positive and finite, got {width} x {height}")
    return plt.subplots(nrows, ncols, figsize=(width, height), **kw)


def set_labels(ax: Any, title: str | None = None, xlabel: str | None = None, ylabel: str | None = None,
               *, legend: bool | None = None) -> None:
    """Title and label an axes; add a legend when it has several labelled artists and none yet.

    Returns None, so a cell that ends with it shows only the figure.

    Examples
    --------
    >>> fig, ax = figure(); _ = ax.plot([0, 1], label="a")
    >>> set_labels(ax, "t", "x", "y")
    >>> ax.get_title()
    't'
    """
    if title is not None:
        ax.set_title(title)
    if xlabel is not None:
        ax.set_xlabel(xlabel)
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    handles, _ = ax.get_legend_handles_labels()
    if legend or (legend is None and len(handles) > 1 and ax.get_legend() is None):
        ax.legend()  # a legend the chapter already placed (loc, ncol) is left alone
