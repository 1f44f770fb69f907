"""``explore``: one explorer that is live in Jupyter and still works, kernel-free, in the static book.

A chapter writes a ``draw(fig, **values)`` function and hands it to :func:`explore` with the parameter
ranges. The returned :class:`Explorer` displays as one mimebundle with two views of the same figure:

* ``application/vnd.jupyter.widget-view+json`` — ipywidgets sliders (``continuous_update=False``) that
  redraw the figure in a running kernel (JupyterLab, Notebook, VS Code);
* ``text/html`` — the same controls as native HTML range inputs over a grid of precomputed frames, so the
  control really changes the figure in the built book, where there is no kernel. The book's configuration
  prefers this view for the HTML builder (``nb_mime_priority_overrides`` in ``_config.yml``).

Frames are 8-bit palette PNGs, deduplicated, embedded in the page; ``max_frames`` bounds the page weight.

A redraw (a live slider move, or one precomputed frame) draws into the same matplotlib figure every time and
reuses its axes; ``make bench`` reports each explorer's redraw time and how much of it the chapter's own
``draw`` takes.

Used in: every chapter (its *explore* section).
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import itertools
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .plotting import house_style

__all__ = ["Explorer", "Param", "explore", "verify_redraws"]

_RESERVED = {"labels", "static", "figsize", "dpi", "max_frames"}


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
        step = self._step
        return max(0, -int(math.floor(math.log10(step) + 1e-9))) if step < 1 else 0

    @property
    def _step(self) -> float:
        return float(self.values[1] - self.values[0]) if len(self.values) > 1 else 1.0


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool)


def _make_param(name: str, spec: Any, label: str) -> Param:
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
        return Param(name, label, tuple(spec), spec[0] if default_option is None else default_option, False)
    raise TypeError(
        f"parameter {name!r}: give a range tuple (lo, hi, step[, value]) or a list of options, got "
        f"{type(spec).__name__}"
    )


def _grid(p: Param, n: int, override: Sequence[Any] | None) -> tuple[Any, ...]:
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
        self._recycle = True  # reuse the previous render's axes (tests compare against False: same pixels)

    # -- rendering -------------------------------------------------------------------------------------
    def defaults(self) -> dict[str, Any]:
        """The starting value of every parameter."""
        return {p.name: p.default for p in self.params}

    def render_png(self, palette: bool = False, **values: Any) -> bytes:
        """Draw the figure for ``values`` (missing ones take their defaults) and return PNG bytes.

        One matplotlib figure is kept across renders, so its renderer — and with it matplotlib's caches of
        parsed mathtext and text extents, which are keyed on the renderer — lives across redraws: a redraw
        no longer re-parses every ``$…$`` label (amos-strategies, log axes: 234 → 138 ms a redraw). Its axes
        are recycled too (see ``_recycling_figure``; :func:`verify_redraws` checks the pixels).
        """
        from PIL import Image

        unknown = set(values) - {p.name for p in self.params}
        if unknown:
            raise TypeError(f"unknown parameter(s) {sorted(unknown)}; the explorer has "
                            f"{[p.name for p in self.params]}")
        args = {**self.defaults(), **values}
        with house_style():
            fig = self._fig
            if fig is None:
                # The first render lays the figure out (constrained layout); later renders reuse those axes
                # positions: faster, and the frames do not jitter as tick labels change.
                fig = _recycling_figure(self.figsize, self.dpi)
            else:
                fig.start_render(recycle=self._recycle)
            self.draw(fig, **args)
            fig.end_render()
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
        # Spend the frame budget where it is needed: parameters with few values take all of them (smallest
        # first), the rest share what is left evenly.
        axes: list[tuple[Any, ...]] = [()] * len(self.params)
        budget, left = float(self.max_frames), len(self.params)
        for i in sorted(range(len(self.params)), key=lambda i: len(self._static.get(self.params[i].name,
                                                                                      self.params[i].values))):
            p = self.params[i]
            n = max(2, int(math.floor(budget ** (1 / left) + 1e-9)))
            axes[i] = _grid(p, n, self._static.get(p.name))
            budget, left = max(1.0, budget / len(axes[i])), left - 1
        total = math.prod(len(a) for a in axes)
        limit = 4 * max(self.max_frames, 2 ** len(self.params))  # the automatic grid takes >= 2 values each
        if total > limit:
            raise ValueError(f"the static grid has {total} frames, more than the limit {limit} "
                             f"(4 × max_frames = {4 * self.max_frames}); pass fewer static values")
        return list(itertools.product(*axes))

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

    # -- the two views ---------------------------------------------------------------------------------
    def static_html(self) -> str:
        """Kernel-free HTML: labelled range inputs that swap precomputed frames."""
        unique, index, grid = self.frames()
        axes = [sorted({pt[i] for pt in grid}, key=p.values.index) for i, p in enumerate(self.params)]
        uid = "kx-" + hashlib.sha1("".join(unique).encode()).hexdigest()[:12]
        start = [axes[i].index(p.default) for i, p in enumerate(self.params)]
        controls = []
        for i, p in enumerate(self.params):
            controls.append(
                f'<label class="kx-control"><span class="kx-name">{html.escape(p.label)}</span>'
                f'<input type="range" min="0" max="{len(axes[i]) - 1}" step="1" value="{start[i]}" '
                f'data-i="{i}" aria-label="{html.escape(p.label)}"{" disabled" if len(axes[i]) == 1 else ""}>'
                f'<output>{html.escape(p.text(p.default))}</output></label>'
            )
        texts = [[p.text(v) for v in axes[i]] for i, p in enumerate(self.params)]
        first = unique[index[_flat(start, [len(a) for a in axes])]]
        script = (
            "(function(){var r=document.getElementById(%s);if(!r)return;var F=%s,I=%s,T=%s,S=%s;"
            "var img=r.querySelector('img.kx-frame'),ins=r.querySelectorAll('input[type=range]'),"
            "outs=r.querySelectorAll('output');function u(){var k=0;for(var j=0;j<ins.length;j++){"
            "var v=+ins[j].value;k=k*S[j]+v;outs[j].textContent=T[j][v];}"
            "img.src='data:image/png;base64,'+F[I[k]];r.setAttribute('data-frame',String(k));}"
            "for(var j=0;j<ins.length;j++){ins[j].addEventListener('input',u);}u();})();"
        ) % (json.dumps(uid), json.dumps(unique), json.dumps(index), json.dumps(texts),
             json.dumps([len(a) for a in axes]))
        n_live = math.prod(len(p.values) for p in self.params)
        note = (f"Kernel-free explorer: {len(grid)} precomputed settings ({len(unique)} distinct frames). "
                f"Run the chapter in Jupyter for the live version ({n_live:,} settings).")
        return (
            f'<div class="kx-explore" id="{uid}" data-frames="{len(unique)}">'
            f'<div class="kx-controls">{"".join(controls)}</div>'
            f'<img class="kx-frame" alt="explorer figure" src="data:image/png;base64,{first}">'
            f'<p class="kx-note">{html.escape(note)}</p><script>{script}</script></div>'
        )

    def widget(self) -> Any:
        """The live ipywidgets view: one control per parameter above an image of the figure."""
        import ipywidgets as w

        image = w.Image(value=self.render_png(), format="png",
                        layout=w.Layout(max_width="100%", height="auto"))
        controls = []
        for p in self.params:
            style = {"description_width": "initial"}
            if p.numeric_range and all(isinstance(v, int) for v in p.values):
                c = w.IntSlider(value=p.default, min=p.values[0], max=p.values[-1], step=p.values[1] - p.values[0],
                                description=p.label, continuous_update=False, style=style)
            elif p.numeric_range:
                c = w.FloatSlider(value=p.default, min=p.values[0], max=p.values[-1], step=p._step,
                                  description=p.label, continuous_update=False, style=style,
                                  readout_format=f".{p.decimals}f")
            elif all(isinstance(v, str) for v in p.values) and len(p.values) <= 4:
                c = w.ToggleButtons(options=list(p.values), value=p.default, description=p.label, style=style)
            else:
                c = w.SelectionSlider(options=[(p.text(v), v) for v in p.values], value=p.default,
                                      description=p.label, continuous_update=False, style=style)
            controls.append(c)

        def redraw(_change: Any = None) -> None:
            image.value = self.render_png(**{p.name: c.value for p, c in zip(self.params, controls, strict=True)})

        for c in controls:
            c.observe(redraw, names="value")
        return w.VBox([*controls, image])

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        if not any(ex is self for ex in _DISPLAYED):
            _DISPLAYED.append(self)
        bundle: dict[str, Any] = {
            "text/plain": repr(self),
            "text/html": self.static_html(),
        }
        try:
            view = self.widget()
            bundle["application/vnd.jupyter.widget-view+json"] = {
                "model_id": view.model_id, "version_major": 2, "version_minor": 0}
        except Exception:  # no widget front end (plain IPython): the HTML view still works
            pass
        return bundle

    def __repr__(self) -> str:
        parts = ", ".join(f"{p.name} ∈ [{p.text(p.values[0])} … {p.text(p.values[-1])}]" for p in self.params)
        return f"Explorer({parts})"


#: Every explorer displayed in this process, in order (the test harness checks their redraws).
_DISPLAYED: list[Explorer] = []


def verify_redraws(objects: Any = None, points: int = 2) -> int:
    """Require every :class:`Explorer` among ``objects`` to redraw exactly as it would on fresh axes.

    Redraws reuse the previous render's axes (see ``_recycling_figure``); this renders the default and
    ``points`` other settings of each explorer's static grid both ways and compares the pixels. ``objects``
    defaults to every explorer displayed so far in this process; the test harness runs it after every
    chapter. Returns the number of explorers checked.

    Raises
    ------
    AssertionError
        If a recycled redraw differs from the fresh one (the message names the explorer and setting).
    """
    from PIL import Image

    if isinstance(points, bool) or not isinstance(points, int) or points < 1:
        raise ValueError(f"points must be a positive integer, got {points!r}")
    explorers = [o for o in (_DISPLAYED if objects is None else objects) if isinstance(o, Explorer)]
    for ex in explorers:
        grid = [pt for pt in ex.static_grid() if pt != tuple(ex.defaults().values())]
        chosen = [grid[round(k * (len(grid) - 1) / max(1, points - 1))] for k in range(points)] if grid else []
        fresh = Explorer(ex.draw, ex.params, figsize=ex.figsize, dpi=ex.dpi, max_frames=ex.max_frames,
                         static=ex._static)
        fresh._recycle = False
        recycled = Explorer(ex.draw, ex.params, figsize=ex.figsize, dpi=ex.dpi, max_frames=ex.max_frames,
                            static=ex._static)
        for point in [tuple(ex.defaults().values()), *chosen]:
            values = {p.name: v for p, v in zip(ex.params, point, strict=True)}
            a, b = (np.asarray(Image.open(io.BytesIO(e.render_png(**values)))) for e in (recycled, fresh))
            if a.shape != b.shape or not np.array_equal(a, b):
                raise AssertionError(f"{ex!r} at {values}: the redraw on recycled axes differs from a fresh "
                                     f"render; set explorer._recycle = False for it, or report the draw code")
    return len(explorers)


_RECYCLING_FIGURE: Any = None


def _recycling_figure(figsize: tuple[float, float], dpi: int) -> Any:
    """A matplotlib Figure (Agg canvas) whose ``subplots()`` hands back the previous render's axes, cleared.

    A fresh Axes costs matplotlib most of a redraw (creating the Axes, then ~20 Tick objects per axis, each
    a handful of artists); emptying an existing one and keeping its Tick objects is several times cheaper.
    Only what a render asks for again — the same ``subplots(...)`` call, in the same order, giving plain
    2-D Axes — is recycled; everything else (colorbars, 3-D axes, figure texts) is rebuilt from scratch.
    """
    global _RECYCLING_FIGURE
    if _RECYCLING_FIGURE is None:
        from matplotlib.axes import Axes
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        def created_state(ax: Any) -> dict[str, Any]:
            """What ``ax.clear()`` leaves alone, as ``subplots()`` set it up (e.g. no inner tick labels when
            axes share an axis): tick_params, spine visibility, aspect, background."""
            return {"ticks": [(dict(axis._major_tick_kw), dict(axis._minor_tick_kw)) for axis in (ax.xaxis, ax.yaxis)],
                    "spines": {name: spine.get_visible() for name, spine in ax.spines.items()},
                    "aspect": (ax.get_aspect(), ax.get_adjustable(), ax.get_anchor(), ax.get_box_aspect()),
                    "facecolor": ax.get_facecolor()}

        def empty(ax: Any, state: dict[str, Any]) -> None:
            """Make ``ax`` as ``subplots()`` created it (``state``), but keep its Tick objects.

            ``ax.clear()`` does most of it; what clear() leaves alone is restored from ``state``. matplotlib
            builds an axis's ticks by creating tick 0 and giving every further tick tick 0's properties
            (``Axis._copy_tick_props``); clear() creates a fresh tick 0, and the old ticks get its properties
            the same way, so they are indistinguishable from new ones. (Tests render draw functions that
            change all of these between renders both ways and compare pixels.)
            """
            old = [(axis, list(axis.majorTicks), list(axis.minorTicks)) for axis in (ax.xaxis, ax.yaxis)]
            for axis, (major_kw, minor_kw) in zip((ax.xaxis, ax.yaxis), state["ticks"], strict=True):
                axis._major_tick_kw, axis._minor_tick_kw = dict(major_kw), dict(minor_kw)
            for name, spine in ax.spines.items():
                spine.set_visible(state["spines"][name])
            aspect, adjustable, anchor, box_aspect = state["aspect"]
            ax.set_aspect(aspect, adjustable=adjustable, anchor=anchor)
            ax.set_box_aspect(box_aspect)
            ax.set_facecolor(state["facecolor"])
            ax.set_axis_on()
            ax.clear()
            for axis, major, minor in old:
                for ticks, kept in ((axis.majorTicks, major), (axis.minorTicks, minor)):
                    for tick in kept[1:]:
                        axis._copy_tick_props(ticks[0], tick)
                    ticks.extend(kept[1:])

        class RecyclingFigure(Figure):
            def __init__(self, *args: Any, **kwargs: Any):
                super().__init__(*args, **kwargs)
                FigureCanvasAgg(self)
                self._kx_last: list[tuple[Any, Any]] = []  # (call, axes) of the previous render
                self._kx_now: list[tuple[Any, Any]] = []
                self._kx_state: dict[int, dict[str, Any]] = {}  # per axes, as subplots() created it

            def subplots(self, *args: Any, **kwargs: Any) -> Any:
                call = (args, sorted((k, repr(v)) for k, v in kwargs.items()))
                i = len(self._kx_now)
                if i < len(self._kx_last) and self._kx_last[i][0] == call:
                    axes = self._kx_last[i][1]
                    for ax in np.ravel(axes):
                        empty(ax, self._kx_state[id(ax)])
                else:
                    axes = super().subplots(*args, **kwargs)
                    self._kx_state.update({id(ax): created_state(ax) for ax in np.ravel(axes)})
                self._kx_now.append((call, axes))
                return axes

            def start_render(self, recycle: bool = True) -> None:
                keep = {id(ax) for _, axes in self._kx_last for ax in np.ravel(axes)}
                extras = (self.texts, self.legends, self.images, self.lines, self.patches, self.artists)
                labels = (self._suptitle, self._supxlabel, self._supylabel)
                if not recycle or any(id(ax) not in keep for ax in self.axes) or any(extras) \
                        or any(t is not None for t in labels):
                    self.clear()  # something besides recyclable axes: start from an empty figure
                    self._kx_last, self._kx_state = [], {}
                self._kx_now = []

            def end_render(self) -> None:
                claimed = {id(ax) for _, axes in self._kx_now for ax in np.ravel(axes)}
                for _, axes in self._kx_last:
                    for ax in np.ravel(axes):
                        if id(ax) not in claimed:
                            self.delaxes(ax)
                plain = all(type(ax) is Axes for _, axes in self._kx_now for ax in np.ravel(axes))
                self._kx_last, self._kx_now = (self._kx_now if plain else []), []

        _RECYCLING_FIGURE = RecyclingFigure
    return _RECYCLING_FIGURE(figsize=figsize, dpi=dpi)


def _flat(point: Sequence[int], sizes: Sequence[int]) -> int:
    k = 0
    for v, s in zip(point, sizes, strict=True):
        k = k * s + v
    return k


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
        outside its range, or a name is reserved.

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
    plist = [_make_param(name, spec, labels.get(name, name)) for name, spec in params.items()]
    return Explorer(draw, plist, figsize=(float(figsize[0]), float(figsize[1])), dpi=dpi,
                    max_frames=max_frames, static=static)
