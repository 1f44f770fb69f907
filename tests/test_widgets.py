"""Unit and property tests of kx_helpers.widgets.explore: both views, the frame grid, and bad input."""

from __future__ import annotations

import base64
import re

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import kx_helpers as kx
import kx_helpers.widgets


def draw_line(fig, omega, sign="+"):
    ax = fig.subplots()
    x = np.linspace(0, 6, 50)
    ax.plot(x, (1 if sign == "+" else -1) * np.sin(omega * x))
    ax.set_title(f"omega = {omega:.2f}")


def test_params_from_ranges_and_options():
    ex = kx.explore(draw_line, omega=(0.5, 3.0, 0.1, 1.2), sign=["+", "-"], labels={"omega": "ω"})
    omega, sign = ex.params
    assert omega.label == "ω" and omega.default == pytest.approx(1.2) and len(omega.values) == 26
    assert omega.text(1.2) == "1.2" and sign.default == "+" and not sign.numeric_range
    assert kx.explore(draw_line, omega=(0, 10, 1)).params[0].values == tuple(range(11))
    assert kx.explore(draw_line, omega=([1, 10, 100], 10)).params[0].default == 10
    with pytest.raises(ValueError, match="not one of its options"):
        kx.explore(draw_line, omega=([1, 10, 100], 5))


def test_render_png_is_a_png_and_changes_with_the_parameter():
    ex = kx.explore(draw_line, omega=(0.5, 3.0, 0.1))
    a, b = ex.render_png(omega=0.5), ex.render_png(omega=3.0)
    assert a[:8] == b"\x89PNG\r\n\x1a\n" and a != b
    assert ex.render_png(palette=True)[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(TypeError, match="unknown parameter"):
        ex.render_png(nu=1.0)


def test_static_html_scrubs_between_distinct_frames():
    ex = kx.explore(draw_line, omega=(0.5, 3.0, 0.5), sign=["+", "-"], max_frames=12)
    html = ex.static_html()
    unique, index, grid = ex.frames()
    assert len(grid) == 12 and len(index) == 12 and len(set(index)) == len(unique) > 1
    assert html.count('type="range"') == 2 and "<script>" in html and 'class="kx-frame"' in html
    for b64 in unique:
        assert base64.b64decode(b64)[:4] == b"\x89PNG"
    # the default setting is shown first
    first = re.search(r'src="data:image/png;base64,([^"]+)"', html).group(1)
    assert first == unique[index[grid.index((ex.params[0].default, "+"))]]
    assert "jupyter-widgets" not in html


def test_mimebundle_carries_both_views():
    ex = kx.explore(draw_line, omega=(0.5, 3.0, 0.5), max_frames=3)
    bundle = ex._repr_mimebundle_()
    assert {"text/plain", "text/html"} <= set(bundle)
    view = bundle.get("application/vnd.jupyter.widget-view+json")
    if view is not None:
        assert view["version_major"] == 2 and view["model_id"]


def test_static_values_override_and_default_is_kept():
    ex = kx.explore(draw_line, omega=(0.5, 3.0, 0.1, 1.2), static={"omega": [0.5, 1.2, 3.0]})
    assert [pt[0] for pt in ex.static_grid()] == [0.5, 1.2, 3.0]
    with pytest.raises(ValueError, match="include its default"):
        kx.explore(draw_line, omega=(0.5, 3.0, 0.1, 1.2), static={"omega": [0.5, 3.0]}).static_grid()
    with pytest.raises(ValueError, match="subset of its slider values"):
        kx.explore(draw_line, omega=(0.5, 3.0, 0.1, 1.2), static={"omega": [1.2, 7.0]}).static_grid()


@given(
    counts=st.lists(st.integers(2, 60), min_size=1, max_size=3),
    budget=st.integers(1, 60),
)
@settings(max_examples=60, deadline=None)
@example(counts=[2, 2, 2], budget=1)  # found by hypothesis: three parameters on a budget of one frame
def test_frame_grid_respects_the_budget_and_includes_defaults(counts, budget):
    params = {f"p{i}": (0, n - 1, 1, n // 3) for i, n in enumerate(counts)}
    ex = kx.explore(lambda fig, **kw: None, max_frames=budget, **params)
    grid = ex.static_grid()
    assert len(grid) <= max(budget, 2 ** len(counts)) * 1
    defaults = tuple(p.default for p in ex.params)
    for i, d in enumerate(defaults):
        assert d in {pt[i] for pt in grid}
    assert len(set(grid)) == len(grid)


@pytest.mark.parametrize(
    ("kwargs", "exc", "msg"),
    [
        ({}, ValueError, "at least one parameter"),
        ({"a": (0, 1, 0.1), "b": (0, 1, 0.1), "c": (0, 1, 0.1), "d": (0, 1, 0.1)}, ValueError, "1-3 parameters"),
        ({"omega": (1.0, 1.0, 0.1)}, ValueError, "range is empty"),
        ({"omega": (2.0, 1.0, 0.1)}, ValueError, "range is empty"),
        ({"omega": (0.0, 1.0, 0.0)}, ValueError, "step must be > 0"),
        ({"omega": (0.0, 1.0, 0.3)}, ValueError, "whole number"),
        ({"omega": (0.0, 1.0, 0.1, 5.0)}, ValueError, "outside"),
        ({"omega": (0.0, float("nan"), 0.1)}, ValueError, "finite"),
        ({"omega": (0.0, 1.0)}, TypeError, "a range is"),
        ({"omega": "fast"}, TypeError, "range tuple"),
        ({"omega": []}, ValueError, "empty"),
        ({"omega": [1, 1]}, ValueError, "distinct"),
        ({"omega": [None]}, TypeError, "numbers or strings"),
        ({"omega": [float("inf")]}, ValueError, "finite"),
        ({"omega": (0, 1, 0.1), "labels": {"nu": "ν"}}, ValueError, "labels name unknown"),
        ({"omega": (0, 1, 0.1), "static": {"nu": [1]}}, ValueError, "static names unknown"),
        ({"omega": (0, 1, 0.1), "max_frames": 0}, ValueError, "max_frames"),
        ({"omega": (0, 1, 0.1), "dpi": 1000}, ValueError, "dpi"),
        ({"omega": (0, 1, 0.1), "figsize": (0, 3)}, ValueError, "figsize"),
    ],
)
def test_explore_bad_input(kwargs, exc, msg):
    with pytest.raises(exc, match=msg):
        kx.explore(draw_line, **kwargs)


def test_explore_needs_a_callable():
    with pytest.raises(TypeError, match="draw must be callable"):
        kx.explore("draw", omega=(0, 1, 0.1))


def draw_tricky(fig, a, style):
    """A draw function that changes its figure's structure with its parameters: everything the recycling
    of axes between renders must not carry over from one render to the next."""
    if style == "3d":
        ax = fig.add_subplot(projection="3d")
        ax.plot([0, 1], [0, a], [1, 0])
        return
    n = 1 if a < 0.5 else 2
    if style == "shared":  # inner tick labels off, set by subplots() itself
        axes = np.atleast_1d(fig.subplots(n, 1, sharex=True))
    else:
        axes = np.atleast_1d(fig.subplots(1, n))
    x = np.linspace(0.1, 3, 40)
    for k, ax in enumerate(axes):
        ax.plot(x, np.exp(a * x) + k, label="exp")
        if a > 0.3:
            ax.set_yscale("log")
            ax.tick_params(labelsize=6, colors="C1")
            ax.grid(False)
            ax.spines["left"].set_visible(False)
            ax.spines["top"].set_visible(True)
            ax.set_facecolor("0.9")
            if style == "plain":
                ax.set_aspect(0.5, adjustable="datalim")
        if a > 0.6:
            for label in ax.get_xticklabels():
                label.set_rotation(40)
            ax.set_xticks([0.5, 1.5, 2.5], ["a", "b", "c"])
            ax.legend()
            if style != "shared":  # a twin makes the figure non-recyclable; "shared" stays recyclable
                ax.twinx().plot(x, -x, color="C2")
        if a > 0.95:
            ax.axis("off")
        ax.set_title(f"a = {a:.1f}")
    if style == "colorbar":
        im = axes[0].imshow(np.outer(x, x) * a, extent=(0, 3, 0, 3))
        fig.colorbar(im, ax=axes[-1])
    if a > 0.8:
        fig.suptitle("suptitle")
        fig.text(0.01, 0.01, "note")


@pytest.mark.parametrize("style", ["plain", "shared", "colorbar", "3d"])
def test_recycled_axes_render_exactly_as_fresh_ones(style):
    """Reusing the previous render's axes (and their ticks) is an optimisation only: going back and forth
    across settings that change scales, tick styles, legends, twins, colorbars and the number of axes, every
    render is pixel-identical to one drawn on new axes."""
    import io

    from PIL import Image

    def explorer(recycle):
        ex = kx.explore(draw_tricky, a=(0.0, 1.0, 0.1, 0.0), style=[style], dpi=40)
        ex._recycle = recycle
        return ex

    fast, fresh = explorer(True), explorer(False)
    for a in [0.0, 0.4, 0.7, 1.0, 0.2, 0.9, 0.0, 0.7]:  # each structural change, both ways
        images = [np.asarray(Image.open(io.BytesIO(ex.render_png(a=a)))) for ex in (fast, fresh)]
        assert images[0].shape == images[1].shape and np.array_equal(*images), f"a = {a}: recycled render differs"


def test_verify_redraws_passes_and_its_negative_control_fails():
    ex = kx.explore(draw_tricky, a=(0.0, 1.0, 0.1, 0.0), style=["plain"])
    assert kx.widgets.verify_redraws([ex, "not an explorer", 3], points=3) == 1

    def draw_peeks(fig, a):  # looks at the figure before drawing: sees the recycled axes
        fig.text(0.5, 0.5, f"{len(fig.axes)} axes before drawing", ha="center")
        fig.subplots().plot([0, 1], [0, a])

    peek = kx.explore(draw_peeks, a=(0.0, 1.0, 0.1, 0.0))
    assert kx.widgets.verify_redraws([peek]) == 1  # a figure text: this figure is never recycled

    def draw_counts(fig, a):
        ax = fig.subplots()
        ax.plot([0, 1], [0, a])
        ax.set_title(f"{len(fig.axes[0].lines)} lines, {len(fig.get_children())} children")

    def draw_remembers(fig, a, _seen=[]):  # noqa: B006 - deliberately stateful, to be caught
        ax = fig.subplots()
        _seen.append(ax)
        ax.set_title(f"{len(set(map(id, _seen)))} distinct axes so far")

    assert kx.widgets.verify_redraws([kx.explore(draw_counts, a=(0.0, 1.0, 0.1))]) == 1
    with pytest.raises(AssertionError, match="differs from a fresh render"):
        kx.widgets.verify_redraws([kx.explore(draw_remembers, a=(0.0, 1.0, 0.1))])


@pytest.mark.parametrize("points", [0, -1, 1.5, True, "2"])
def test_verify_redraws_rejects_bad_points(points):
    with pytest.raises(ValueError, match="points must be a positive integer"):
        kx.widgets.verify_redraws([], points=points)
