"""``explore``: one explorer that is live in Jupyter and still works, kernel-free, in the static book.

A chapter writes a ``draw(fig, **values)`` function and hands it to :func:`explore` with the parameter
ranges. The returned :class:`Explorer` displays as one mimebundle with two views of the same figure:

* ``application/vnd.jupyter.widget-view+json`` — ipywidgets controls (``continuous_update=False``) that
  redraw the figure in a running kernel (JupyterLab, Notebook, VS Code); an error in a redraw is shown
  under the figure;
* ``text/html`` — the same controls as native HTML range inputs over a grid of precomputed frames, so the
  control really changes the figure in the built book, where there is no kernel. The book's configuration
  prefers this view for the HTML builder (``nb_mime_priority_overrides`` in ``_config.yml``).

Frames are 8-bit palette PNGs, deduplicated, embedded in the page; ``max_frames`` bounds the page weight.
Every render draws into the explorer's one matplotlib figure, cleared in between; ``make bench`` reports
each explorer's redraw time against a bare figure with as many axes (matplotlib's own floor).

The code is split by topic: ``_params`` (the parameters and the frame grid), ``_explorer`` (rendering),
``_live`` (the ipywidgets view) and ``_scrubber`` with ``scrubber.js`` (the kernel-free view).

Used in: every chapter (its *explore* section).
"""

from ._explorer import Explorer, explore

__all__ = ["Explorer", "explore"]
