"""The explorer: one figure drawn for chosen parameter values, shown live and kernel-free."""

from __future__ import annotations

import base64
import hashlib
import io
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from ..plotting import house_style
from . import _live, _scrubber
from ._params import Param, _is_number, make_param, range_ends, static_grid


class Explorer:
    """A figure driven by parameters; see :func:`explore`. Displays itself (live + kernel-free)."""

    def __init__(self, draw: Callable[..., Any], params: list[Param], *, figsize: tuple[float, float],
                 dpi: int, max_frames: int, static: Mapping[str, Sequence[Any]]):
        self.draw = draw
        self.params = params
        self.figsize = figsize
        self.dpi = dpi
        self.max_frames = max_frames
        self._static = dict(static)
        self._frames: tuple[list[str], list[int], list[tuple[Any, ...]]] | None = None
        self._positions: list[Any] | None = None  # axes positions of the first render, reused after
        self._fig: Any = None  # the one matplotlib Figure every render draws into (cleared in between)

    def defaults(self) -> dict[str, Any]:
        """The starting value of every parameter."""
        return {p.name: p.default for p in self.params}

    def render_png(self, palette: bool = False, **values: Any) -> bytes:
        """Draw the figure for ``values`` (missing ones take their defaults) and return PNG bytes.

        Every render draws into the same matplotlib figure, cleared first (``Figure.clear``): its canvas
        and renderer live across redraws, and with them matplotlib's caches of parsed mathtext and text
        extents. The first render lays the figure out (constrained layout); later renders with the same
        number of axes reuse those positions, which is faster and keeps the frames from jittering as tick
        labels change.
        """
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from PIL import Image

        unknown = set(values) - {p.name for p in self.params}
        if unknown:
            raise TypeError(f"unknown parameter(s) {sorted(unknown)}; the explorer has "
                            f"{[p.name for p in self.params]}")
        args = {**self.defaults(), **values}
        with house_style():
            fig = self._fig
            if fig is None:
                fig = Figure(figsize=self.figsize, dpi=self.dpi)
                FigureCanvasAgg(fig)
            else:
                fig.clear()
            self.draw(fig, **args)
            if self._positions is not None:
                if len(fig.axes) == len(self._positions):
                    for ax, pos in zip(fig.axes, self._positions, strict=True):
                        ax.set_position(pos)
                else:  # a different set of axes this time: lay this one out afresh
                    fig.set_layout_engine("constrained")
            fig.canvas.draw()
            img = Image.fromarray(np.asarray(fig.canvas.buffer_rgba())[..., :3])
            if self._fig is None:
                self._positions = [ax.get_position() for ax in fig.axes]
                self._fig = fig
            fig.set_layout_engine("none")
        out = io.BytesIO()
        if palette:
            img.quantize(colors=96, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
                out, format="PNG", optimize=True)
        else:
            img.save(out, format="PNG", compress_level=1)
        return out.getvalue()

    def static_grid(self) -> list[tuple[Any, ...]]:
        """The parameter values of every precomputed frame, in row-major order of the parameters."""
        return static_grid(self.params, self.max_frames, self._static)

    def range_ends(self) -> list[dict[str, Any]]:
        """The default setting and every parameter at each end of its range (others at their defaults)."""
        return range_ends(self.params)

    def frames(self) -> tuple[list[str], list[int], list[tuple[Any, ...]]]:
        """Render the static frames: (unique base64 PNGs, frame index per grid point, grid points)."""
        if self._frames is None:
            grid = self.static_grid()
            names = [p.name for p in self.params]
            # Render the defaults first (the grid always holds them): that render fixes the layout.
            default = tuple(p.default for p in self.params)
            order = [default] + [pt for pt in grid if pt != default]
            pngs = {pt: self.render_png(palette=True, **dict(zip(names, pt, strict=True))) for pt in order}
            unique: list[str] = []
            seen: dict[str, int] = {}
            index: list[int] = []
            for point in grid:
                png = pngs[point]
                key = hashlib.sha1(png).hexdigest()
                if key not in seen:
                    seen[key] = len(unique)
                    unique.append(base64.b64encode(png).decode("ascii"))
                index.append(seen[key])
            self._frames = (unique, index, grid)
        return self._frames

    def static_html(self) -> str:
        """Kernel-free HTML: labelled range inputs that swap precomputed frames."""
        return _scrubber.static_html(self)

    def widget(self) -> Any:
        """The live ipywidgets view: one control per parameter above an image of the figure."""
        return _live.widget(self)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        view = self.widget()
        return {
            "text/plain": repr(self),
            "text/html": self.static_html(),
            "application/vnd.jupyter.widget-view+json": {
                "model_id": view.model_id, "version_major": 2, "version_minor": 0},
        }

    def __repr__(self) -> str:
        parts = ", ".join(f"{p.name} ∈ [{p.text(p.values[0])} … {p.text(p.values[-1])}]" for p in self.params)
        return f"Explorer({parts})"


def explore(draw: Callable[..., Any], *, labels: Mapping[str, str] | None = None,
            static: Mapping[str, Sequence[Any]] | None = None, figsize: tuple[float, float] = (6.4, 3.4),
            dpi: int = 72, max_frames: int = 24, **params: Any) -> Explorer:
    """Build an explorer of ``draw`` over 1-3 parameters; display it (last expression of a cell).

    Parameters
    ----------
    draw : callable
        ``draw(fig, **values)`` draws into an empty matplotlib ``Figure`` (create axes with
        ``fig.subplots()``). Put the numbers the reader should watch into the figure (title, text).
    labels : mapping, optional
        Display label of each parameter, by name, e.g. ``{"omega": "ω"}`` (default: the name).
    static : mapping, optional
        For the kernel-free view: the values of a parameter to precompute (a subset of its slider values
        that includes its default). By default about ``max_frames ** (1/k)`` evenly spread values each.
    figsize, dpi : figure size in inches and resolution of the frames (keep pages light).
    max_frames : int
        Target number of precomputed frames (the product of the per-parameter counts).
    **params
        ``name=(lo, hi, step)`` or ``name=(lo, hi, step, value)`` for a numeric slider (ints give an
        integer slider); ``name=[a, b, ...]`` for a choice among options (numbers or strings; the first
        is the default), or ``name=([a, b, ...], b)`` to start at another option.

    Notes
    -----
    Every static frame is a full matplotlib render (0.2-0.6 s on a small CPU). Log-scaled axes cost
    about three times more, mostly in minor-tick layout: plot log values on a linear axis, or turn the
    minor ticks off (``ax.xaxis.set_minor_locator(NullLocator())``).

    Returns
    -------
    Explorer
        Displays as live sliders in Jupyter and as a kernel-free scrubber in the HTML book.

    Raises
    ------
    TypeError
        If ``draw`` is not callable or a parameter spec has the wrong type.
    ValueError
        If there are no parameters or more than 3, a range is empty, a step is not positive, a default lies
        outside its range, or numeric options are not in increasing order.

    Examples
    --------
    >>> import numpy as np
    >>> def draw(fig, omega):
    ...     ax = fig.subplots()
    ...     x = np.linspace(0, 6, 200)
    ...     ax.plot(x, np.sin(omega * x))
    >>> ex = explore(draw, omega=(0.5, 3.0, 0.1, 1.2), labels={"omega": "ω"})
    >>> ex.params[0].default, len(ex.static_grid()) <= 24
    (1.2, True)
    """
    if not callable(draw):
        raise TypeError(f"draw must be callable as draw(fig, **values), got {type(draw).__name__}")
    if not params:
        raise ValueError("explore needs at least one parameter, e.g. omega=(0.1, 3.0, 0.1)")
    if len(params) > 3:
        raise ValueError(f"explore takes 1-3 parameters (a reader can follow that many), got {len(params)}")
    labels = dict(labels or {})
    unknown = set(labels) - set(params)
    if unknown:
        raise ValueError(f"labels name unknown parameter(s): {sorted(unknown)}")
    static = dict(static or {})
    if set(static) - set(params):
        raise ValueError(f"static names unknown parameter(s): {sorted(set(static) - set(params))}")
    if isinstance(max_frames, bool) or not isinstance(max_frames, int) or not 1 <= max_frames <= 400:
        raise ValueError(f"max_frames must be an integer in [1, 400], got {max_frames!r}")
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not 30 <= dpi <= 200:
        raise ValueError(f"dpi must be an integer in [30, 200], got {dpi!r}")
    if (not isinstance(figsize, tuple) or len(figsize) != 2 or not all(_is_number(v) and 0 < v <= 20
                                                                        for v in figsize)):
        raise ValueError(f"figsize must be (width, height) in inches, each in (0, 20], got {figsize!r}")
    plist = [make_param(name, spec, labels.get(name, name)) for name, spec in params.items()]
    return Explorer(draw, plist, figsize=(float(figsize[0]), float(figsize[1])), dpi=dpi,
                    max_frames=max_frames, static=static)
