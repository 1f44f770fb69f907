"""``kx_book``: the book's own Sphinx extension (loaded through ``sphinx.local_extensions`` in ``_config.yml``).

It does a few small things for the HTML book:

* **Offline MathJax.** The site serves MathJax itself, so a page needs no network at read time. MathJax 3.2.2
  comes from the pinned PyPI package ``django-static-mathjax`` (in ``requirements.txt``; its Python part is an
  empty module, it is only a carrier for the files). After the build, the parts that the browser can load —
  the ``tex-mml-chtml`` bundle, the TeX extensions it autoloads, the CHTML fonts, the menu and the
  accessibility/speech components — are copied to ``_static/mathjax/``; ``mathjax_path`` in ``_config.yml``
  points there.
* **A notebook to download.** The theme's download menu offers ``_sources/<page>.ipynb``; this extension
  writes that file from the chapter's MyST source with jupytext (no outputs, no dead widget views), so it
  opens in any Jupyter front end and runs as is.
* **Styles.** ``book/_static/kx.css`` (the explorer's controls, the run note, the CJK fallback font cut by
  ``cjk_font.py``) is added to every page.
* **Marks every machine can show.** The execution status table marks chapters with emoji (✅, ❌) that a
  machine without an emoji font shows as empty boxes; they become "passed" / "failed" badges.
* **Clean pages.** Pages carry no ipywidgets state (there is no kernel, the book shows the kernel-free
  explorer instead) and no duplicated inline script.
* **Parts list their chapters from the table of contents.** ``{part-chapters}`` on a part's overview page
  lists the chapters that follow it in its part of ``_toc.yml``, with their titles, so ``_toc.yml`` stays
  the only list of chapters.
* **How to run it.** Every chapter page (a page with a kernelspec) ends with a short "Run this chapter"
  note linking both downloads and giving the local command (``make lab``).
"""

from __future__ import annotations

import html
import shutil
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

# What the browser may load from MathJax's es5 tree, relative to it (the rest is Node-only or unused).
MATHJAX_PARTS = ("tex-mml-chtml.js", "input", "output/chtml", "output/chtml.js", "ui", "a11y", "sre")


def mathjax_source() -> Path:
    """The ``es5`` directory of the installed MathJax 3 (from the ``django-static-mathjax`` package)."""
    try:
        import mathjax  # the django-static-mathjax distribution; importing it has no side effects
    except ImportError as exc:  # pragma: no cover - requirements.txt installs it
        raise ExtensionError("kx_book: MathJax files not found; install requirements.txt "
                             "(django-static-mathjax provides MathJax 3 for the offline book)") from exc
    es5 = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
    if not (es5 / "tex-mml-chtml.js").is_file():
        raise ExtensionError(f"kx_book: {es5} has no tex-mml-chtml.js; is django-static-mathjax 3.x installed?")
    return es5


def _is_chapter(app: Sphinx, pagename: str) -> bool:
    return "kernelspec" in app.env.metadata.get(pagename, {})


STATIC = Path(__file__).resolve().parent.parent / "_static"  # book/_static: the book's own site assets


def _add_static(app: Sphinx, config: Any) -> None:
    if str(STATIC) not in [str(p) for p in config.html_static_path]:
        config.html_static_path.append(str(STATIC))


def _check_mathjax_path(app: Sphinx, config: Any) -> None:
    path = str(config.mathjax_path)
    if "://" in path or path.startswith("//"):
        logger.warning("kx_book: mathjax_path %r loads MathJax from the network; the book must work offline "
                       "(set mathjax_path: mathjax/tex-mml-chtml.js)", path, type="kx_book")


WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def _clean_scripts(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """Drop scripts a static page must not carry: the ipywidgets state (no widget manager runs here, so it
    is dead weight: the live widgets' model state, with images) and a second copy of an inline script
    (sphinx-thebe's ``const THEBE_JS_URL = ...`` is added twice, a SyntaxError in the browser console)."""
    scripts = context.get("script_files")
    if not isinstance(scripts, list):
        return
    seen: set[tuple[str, str]] = set()
    kept = []
    for js in scripts:
        attrs = dict(getattr(js, "attributes", {}) or {})
        if attrs.get("type") == WIDGET_STATE:
            continue
        key = (str(getattr(js, "filename", js) or ""), repr(sorted((k, str(v)) for k, v in attrs.items())))
        if key in seen:
            continue
        seen.add(key)
        kept.append(js)
    scripts[:] = kept



STATUS_MARKS = {"✅": '<span class="kx-status kx-status-ok">passed</span>',
                "❌": '<span class="kx-status kx-status-failed">failed</span>'}


CJK_FONT = "_static/fonts/kx-cjk.woff2"


def _preload_cjk_font(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """Preload the CJK web font (kx.css declares it): Chromium lays out the first lines of a page before a
    font that only its unicode-range asks for has arrived, and does not redraw them with it — the original
    title under each chapter's heading stayed as empty boxes."""
    href = html.escape(context["pathto"](CJK_FONT, 1))
    context["metatags"] = context.get("metatags", "") + (
        f'\n<link rel="preload" href="{href}" as="font" type="font/woff2" crossorigin>')


def _status_marks(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """Replace the execution table's emoji by text badges."""
    body = context.get("body")
    if isinstance(body, str) and any(mark in body for mark in STATUS_MARKS):
        for mark, badge in STATUS_MARKS.items():
            body = body.replace(mark, badge)
        context["body"] = body


class PartChapters(SphinxDirective):
    """``{part-chapters}``: a bullet list of the chapters after this page in its part of ``_toc.yml``."""

    def run(self) -> list[nodes.Node]:
        import yaml

        toc = Path(self.env.app.srcdir) / "_toc.yml"
        me = self.env.docname
        for part in yaml.safe_load(toc.read_text(encoding="utf-8")).get("parts", []):
            files = [str(c["file"]).removesuffix(".md") for c in part.get("chapters", []) if "file" in c]
            if me in files:
                lines = StringList([f"- {{doc}}`/{f}`" for f in files if f != me], source=self.get_source_info()[0])
                box = nodes.container(classes=["kx-part-chapters"])
                self.state.nested_parse(lines, self.content_offset, box)
                return [box]
        raise self.error(f"{me} is not in any part of {toc.name}")


def _run_note(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """Append the "Run this chapter" note (downloads and the local command) to a chapter page."""
    if app.builder.format != "html" or doctree is None or not _is_chapter(app, pagename):
        return
    src = app.env.doc2path(pagename, base=False)
    src_rel = Path(src).as_posix()
    sources = context["pathto"]("_sources", 1)
    ipynb = f"{sources}/{pagename}.ipynb"
    md = f"{sources}/{context.get('sourcename') or pagename + Path(src).suffix}"
    note = (
        '<div class="admonition tip kx-run-locally" id="run-this-chapter">'
        '<p class="admonition-title">Run this chapter</p>'
        f'<p>Download it as a notebook, <a class="kx-download-ipynb" href="{html.escape(ipynb)}" download>'
        f'{html.escape(Path(pagename).name)}.ipynb</a> (no outputs; runs in any Jupyter), or its source, '
        f'<a class="kx-download-source" href="{html.escape(md)}" download>{html.escape(Path(src).name)}</a> '
        '(a MyST-markdown notebook that Jupyter opens through jupytext). '
        'The chapter needs the book\'s helper package, so the simplest way is to run it from a clone of the '
        'repository: <code class="docutils literal notranslate">make lab</code> sets up <code class="docutils '
        'literal notranslate">.venv</code> from <code class="docutils literal notranslate">requirements.txt'
        '</code> and opens JupyterLab, where <code class="docutils literal notranslate">'
        f'{html.escape(src_rel)}</code> opens as a notebook with live sliders.</p></div>'
    )
    context["body"] = context.get("body", "") + note


def _write_notebooks(app: Sphinx) -> None:
    """Write ``_sources/<page>.ipynb`` for every chapter from its MyST source (jupytext; no outputs), unless
    the one there is newer than the source (a rebuild with nothing changed then writes none)."""
    import jupytext

    outdir = Path(app.outdir)
    for pagename in sorted(app.env.found_docs):
        if not _is_chapter(app, pagename):
            continue
        src = Path(app.env.doc2path(pagename))
        target = outdir / "_sources" / f"{pagename}.ipynb"
        if target.exists() and target.stat().st_mtime_ns > src.stat().st_mtime_ns:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        nb = jupytext.read(src)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        nb.metadata.pop("widgets", None)
        jupytext.write(nb, target, fmt="ipynb")


def _copy_mathjax(app: Sphinx) -> None:
    es5 = mathjax_source()
    dest = Path(app.outdir) / "_static" / "mathjax"
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(es5.parent / "LICENSE", dest / "LICENSE")  # MathJax is Apache-2.0: ship its licence
    for part in MATHJAX_PARTS:
        src = es5 / part
        if src.is_dir():
            shutil.copytree(src, dest / part, dirs_exist_ok=True)
        else:
            (dest / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / part)


def _build_finished(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    _copy_mathjax(app)
    _write_notebooks(app)


#: Extensions jupyter-book loads that declare nothing about parallel builds (so Sphinx reads every page
#: serially), and why each is safe: no per-document state outside the doctree it transforms.
PARALLEL_SAFE_UNDECLARED = {
    # loaded by sphinx_external_toc; it only replaces TocTreeCollector.assign_section_numbers, which Sphinx
    # calls once in the main process after the parallel reads are merged, keeping its state in
    # env.toc_secnumbers (merged by that collector)
    "sphinx_multitoc_numbering",
    # its read-time transforms annotate the doctree being read; its env state is set at builder-inited in
    # the main process, and only for the LaTeX builder
    "sphinx_jupyterbook_latex",
}


def _declare_parallel_safe(app: Sphinx) -> None:
    for name in sorted(PARALLEL_SAFE_UNDECLARED):
        app.setup_extension(name)
        ext = app.extensions[name]
        ext.parallel_read_safe = ext.parallel_write_safe = True


def setup(app: Sphinx) -> dict[str, Any]:
    _declare_parallel_safe(app)
    app.add_directive("part-chapters", PartChapters)
    app.connect("config-inited", _check_mathjax_path)
    app.connect("config-inited", _add_static)
    app.add_css_file("kx.css")
    app.connect("html-page-context", _run_note)
    app.connect("html-page-context", _status_marks)
    app.connect("html-page-context", _preload_cjk_font)
    app.connect("html-page-context", _clean_scripts, priority=900)  # after myst-nb adds per-page scripts
    app.connect("build-finished", _build_finished)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
