"""The kernel-free view of an explorer: labelled range inputs that swap precomputed frames.

The markup is plain HTML; the behaviour is ``scrubber.js`` (next to this file), inlined once per explorer so
the view works wherever the HTML is shown (the book, a notebook viewer) without a kernel or a network.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._explorer import Explorer


@cache
def script() -> str:
    """The scrubber's JavaScript (``scrubber.js``)."""
    return resources.files(__package__).joinpath("scrubber.js").read_text(encoding="utf-8")


def _json(value: object) -> str:
    # inside <script>, "</" would end the element early
    return json.dumps(value, separators=(",", ":")).replace("</", "<\\/")


def static_html(explorer: Explorer) -> str:
    """The kernel-free HTML of ``explorer``: its controls, its default frame, the frames and the script."""
    unique, index, grid = explorer.frames()
    params = explorer.params
    axes = [sorted({pt[i] for pt in grid}, key=p.values.index) for i, p in enumerate(params)]
    uid = "kx-" + hashlib.sha1("".join(unique).encode()).hexdigest()[:12]
    start = [axes[i].index(p.default) for i, p in enumerate(params)]
    controls = []
    for i, p in enumerate(params):
        disabled = " disabled" if len(axes[i]) == 1 else ""
        controls.append(
            f'<label class="kx-control"><span class="kx-name">{html.escape(p.label)}</span>'
            f'<input type="range" min="0" max="{len(axes[i]) - 1}" step="1" value="{start[i]}" '
            f'data-i="{i}" aria-label="{html.escape(p.label)}"{disabled}>'
            f"<output>{html.escape(p.text(p.default))}</output></label>"
        )
    sizes = [len(a) for a in axes]
    k = 0
    for position, size in zip(start, sizes, strict=True):
        k = k * size + position
    data = {"frames": unique, "index": index, "texts": [[p.text(v) for v in axes[i]] for i, p in enumerate(params)],
            "sizes": sizes}
    n_live = math.prod(len(p.values) for p in params)
    note = (f"Kernel-free explorer: {len(grid)} precomputed settings ({len(unique)} distinct frames). "
            f"Run the chapter in Jupyter for the live version ({n_live:,} settings).")
    return (
        f'<div class="kx-explore" id="{uid}" data-frames="{len(unique)}">'
        f'<div class="kx-controls">{"".join(controls)}</div>'
        f'<img class="kx-frame" alt="explorer figure" src="data:image/png;base64,{unique[index[k]]}">'
        f'<p class="kx-note">{html.escape(note)}</p>'
        f'<script type="application/json" class="kx-data">{_json(data)}</script>'
        f"<script>({script().strip()})({_json(uid)});</script></div>"
    )
