"""Unit and property tests of kx_helpers.widgets.explore: both views, the frame grid, and bad input."""

from __future__ import annotations

import base64
import re

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import kx_helpers as kx


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


def test_numeric_options_must_increase():
    with pytest.raises(ValueError, match="increasing order"):
        kx.explore(draw_line, omega=[20000, 1000, 200000])
    assert kx.explore(draw_line, omega=([1000, 20000, 200000], 20000)).params[0].default == 20000
    assert kx.explore(draw_line, sign=["-", "+"]).params[0].values == ("-", "+")  # words keep their order


def test_range_ends_cover_every_slider_end():
    ex = kx.explore(draw_line, omega=(0.5, 3.0, 0.1, 1.2), sign=["+", "-"])
    ends = ex.range_ends()
    assert ends[0] == {"omega": 1.2, "sign": "+"}
    assert {"omega": 0.5, "sign": "+"} in ends and {"omega": 3.0, "sign": "+"} in ends
    assert {"omega": 1.2, "sign": "-"} in ends and len(ends) == 4


def test_snap_maps_a_slider_reading_to_the_parameter_value():
    omega = kx.explore(draw_line, omega=(0.0, 1.0, 0.1)).params[0]
    assert omega.snap(0.1 + 0.2) == 0.3 and omega.snap(1) == 1.0
    sign = kx.explore(draw_line, sign=["+", "-"]).params[0]
    with pytest.raises(ValueError, match="cannot take"):
        sign.snap("x")


def test_a_redraw_reuses_the_figure_and_starts_from_an_empty_one():
    ex = kx.explore(draw_line, omega=(0.5, 3.0, 0.5))
    first = ex.render_png(omega=0.5)
    fig = ex._fig
    for omega in (1.0, 2.0, 0.5):
        ex.render_png(omega=omega)
    assert ex._fig is fig and len(fig.axes) == 1 and len(fig.axes[0].lines) == 1  # nothing piles up
    assert ex.render_png(omega=0.5) == first  # the same setting draws the same picture again


def test_live_widget_shows_a_failing_redraw_instead_of_hiding_it():
    pytest.importorskip("ipywidgets")

    def draw(fig, theta):
        if theta == 2.0:
            raise ZeroDivisionError("the end of the range")
        fig.subplots().plot([0, 1], [0, theta])

    box = kx.explore(draw, theta=(0.5, 2.0, 0.5, 1.0)).widget()
    slider, image, errors = box.children
    assert type(errors).__name__ == "Output"  # in a kernel, a traceback shows here, under the figure
    before = image.value
    slider.value = 1.5
    assert image.value != before
    with pytest.raises(ZeroDivisionError):  # outside a kernel, nothing catches it: never swallowed
        slider.value = 2.0
