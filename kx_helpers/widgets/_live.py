"""The live view of an explorer: ipywidgets controls above an image, redrawn by the kernel."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._explorer import Explorer
    from ._params import Param


def _control(p: Param) -> Any:
    import ipywidgets as w

    common = {"description": p.label, "style": {"description_width": "initial"}}
    if p.numeric_range and all(isinstance(v, int) for v in p.values):
        return w.IntSlider(value=p.default, min=p.values[0], max=p.values[-1], step=p.values[1] - p.values[0],
                           continuous_update=False, **common)
    if p.numeric_range:
        return w.FloatSlider(value=p.default, min=p.values[0], max=p.values[-1], step=p.step,
                             continuous_update=False, readout_format=f".{p.decimals}f", **common)
    if all(isinstance(v, str) for v in p.values) and len(p.values) <= 4:
        return w.ToggleButtons(options=list(p.values), value=p.default, **common)
    return w.SelectionSlider(options=[(p.text(v), v) for v in p.values], value=p.default,
                             continuous_update=False, **common)


def widget(explorer: Explorer) -> Any:
    """One control per parameter above an image of the figure; an error in a redraw is shown below it.

    A control's value is snapped to the parameter's own values (a float slider can report 0.30000000000000004
    for 0.3), so the live view draws exactly the settings the static view and the tests draw.
    """
    import ipywidgets as w

    image = w.Image(value=explorer.render_png(), format="png", layout=w.Layout(max_width="100%", height="auto"))
    errors = w.Output()  # a failing redraw shows its traceback here instead of vanishing into the log
    controls = [_control(p) for p in explorer.params]

    def redraw(_change: Any = None) -> None:
        errors.clear_output()
        values = {p.name: p.snap(c.value) for p, c in zip(explorer.params, controls, strict=True)}
        with errors:
            image.value = explorer.render_png(**values)

    for c in controls:
        c.observe(redraw, names="value")
    return w.VBox([*controls, image, errors])
