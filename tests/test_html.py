"""The HTML book as a reader meets it: every chapter page opened in headless Chromium, with no network.

These tests need a built book and a browser, so plain ``pytest`` / ``make test`` skips them. Run them with
``make check-html`` after ``make book`` (it sets ``KX_HTML=1``); ``KX_HTML_DIR`` points them at another build
(default ``_build/html``) and ``KX_HTML_TOC`` at the table of contents it was built from (default
``_toc.yml``). Chromium is the system one (``/usr/bin/chromium``, or ``KX_CHROMIUM``), driven by
Playwright; Playwright's own browser download is never used.

The site is served from 127.0.0.1 by a thread in this process. Every request for any other host is aborted
and reported as a failure: the book must work offline (MathJax is served by the site, see
``book/_ext/kx_book.py``).

Chapters are those of ``tests.harness.book.chapters()`` (read from ``_toc.yml``).
"""

from __future__ import annotations

import base64
import functools
import http.server
import io
import json
import os
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlparse

import pytest
import yaml

from tests.harness.book import chapters
from tests.harness.book import toc_parts as harness_toc_parts

ROOT = Path(__file__).resolve().parent.parent
BUILD = Path(os.environ.get("KX_HTML_DIR") or ROOT / "_build" / "html").resolve()
SHOTS = Path(os.environ.get("KX_HTML_SHOTS") or ROOT / "_build" / "html-check").resolve()
TOC = Path(os.environ.get("KX_HTML_TOC") or ROOT / "_toc.yml").resolve()  # the toc the build was made with
CHROMIUM = os.environ.get("KX_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
MAX_PAGE_BYTES = 3 * 1024 * 1024  # HTML + images (explorer frames are inside the HTML)
# (distinctive word, chapter slug) pairs the built-in search must connect; pairs whose chapter is not in the
# table of contents yet are skipped.
SEARCHES = [("Bhattacharyya", "gaussian-divergences")]

pytestmark = pytest.mark.skipif(
    os.environ.get("KX_HTML") != "1",
    reason="browser tests of the built book: run `make check-html` after `make book` (sets KX_HTML=1)",
)


# -- the table of contents (the harness's single reading of it) -------------------------------------------
def toc_parts() -> list[tuple[str, list[str]]]:
    """(caption, [docname, ...]) for every part of the book."""
    return harness_toc_parts(TOC)


def toc_chapters() -> list[str]:
    """Docnames of the chapters (the part overviews and "About the book" pages are not chapters)."""
    return [c.docname for c in chapters(TOC)]


CHAPTERS = toc_chapters()


def _slug(docname: str) -> str:
    return docname.rsplit("/", 1)[-1]


# -- the browser session -----------------------------------------------------------------------------------
@dataclass
class Visit:
    """What one page load saw."""

    url: str
    blocked: list[str] = field(default_factory=list)     # non-local requests (aborted)
    failed: list[str] = field(default_factory=list)      # local requests answered >= 400 or failing
    console: list[str] = field(default_factory=list)     # console errors and uncaught exceptions
    data: dict[str, Any] = field(default_factory=dict)   # measurements made in the page
    seconds: float = 0.0


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


WAIT_MATHJAX = """async () => {
  if (!document.querySelector('script[src*="mathjax"]')) return 'ok';  // Sphinx adds MathJax only where math is
  for (let i = 0; i < 400 && !(window.MathJax && MathJax.startup && MathJax.startup.promise); i++)
    await new Promise(r => setTimeout(r, 25));
  if (!(window.MathJax && MathJax.startup && MathJax.startup.promise)) return 'MathJax did not start';
  await MathJax.startup.promise;
  return 'ok';
}"""

MEASURE = r"""async () => {
  const art = document.querySelector('article.bd-article') || document.querySelector('main') || document.body;
  // images: load lazy ones too, then wait for every one to settle
  const imgs = [...document.images];
  imgs.forEach(i => { i.loading = 'eager'; });
  await Promise.all(imgs.map(i => i.complete ? null :
      new Promise(r => { i.addEventListener('load', r); i.addEventListener('error', r); setTimeout(r, 10000); })));
  const broken = imgs.filter(i => !(i.naturalWidth > 0)).map(i => (i.currentSrc || i.src).slice(0, 120));
  const srcs = imgs.map(i => i.currentSrc || i.src);
  // math
  const maths = [...art.querySelectorAll('.math')];
  const untypeset = maths.filter(m => !m.querySelector('mjx-container')).map(m => m.textContent.trim().slice(0, 80));
  const errors = [...document.querySelectorAll('merror, mjx-merror')]
      .map(e => (e.getAttribute('data-mjx-error') || e.textContent || '').slice(0, 120));
  const undefinedMacros = [];
  if (window.MathJax && MathJax.startup && MathJax.startup.document) {
    for (const item of MathJax.startup.document.math) {
      const mml = MathJax.startup.toMML(item.root);
      for (const m of mml.matchAll(/<mtext mathcolor="red">(\\[A-Za-z]+)<\/mtext>/g)) undefinedMacros.push(m[1]);
    }
  }
  const prose = art.cloneNode(true);
  prose.querySelectorAll('pre, code, .highlight, .cell_output, .output, script, style, mjx-container, ' +
                         '.kx-explore, .MathJax, mjx-assistive-mml, .math').forEach(n => n.remove());
  const text = prose.textContent;
  const rawTex = ['$$', '\\begin{', '\\end{', '\\frac', '\\mathbf', '\\boldsymbol', '\\mathcal']
      .filter(s => text.includes(s))
      .map(s => { const k = text.indexOf(s); return text.slice(Math.max(0, k - 40), k + 40).replace(/\s+/g, ' '); });
  // widgets that need a kernel
  const dead = [...document.querySelectorAll('.jupyter-widgets, .widget-view, .jupyter-widget, ' +
      'script[type="application/vnd.jupyter.widget-view+json"], ' +
      'script[type="application/vnd.jupyter.widget-state+json"]')].map(n => n.outerHTML.slice(0, 120));
  if (art.textContent.includes('Loading widget')) dead.push('text "Loading widget..."');
  // text reprs of matplotlib objects: a cell that ends with a plotting call instead of `;` or a figure
  const strayReprs = [...art.querySelectorAll('.cell_output .output pre, .cell_output .text_plain')]
      .map(n => n.textContent.trim())
      .filter(t => /^<(Axes|Figure|matplotlib\.|Text|Line2D|BarContainer)[ :]/m.test(t) ||
                   /^\[<matplotlib\./m.test(t))
      .map(t => t.slice(0, 100));
  const strayUnique = [...new Set(strayReprs)];
  const links = [...document.querySelectorAll('a[href]')].map(a => a.href);
  const original = [...art.querySelectorAll('a[href]')].map(a => a.href)
      .filter(h => /^https?:\/\/(www\.)?(kexue\.fm|spaces\.ac\.cn)\/archives\/\d+/.test(h));
  const downloads = [...document.querySelectorAll('.dropdown-download-buttons a[href]')].map(a => a.href);
  const runNote = (document.querySelector('#run-this-chapter') || {}).textContent || '';
  return {broken, srcs, nMath: maths.length, nTypeset: art.querySelectorAll('mjx-container').length,
          untypeset, errors, undefinedMacros, rawTex, dead, strayReprs: strayUnique, links, original, downloads,
          runNote, nExplore: document.querySelectorAll('.kx-explore').length};
}"""

# Move every range input of every explorer through all its positions; report what changed.
SCRUB = r"""async () => {
  const out = [];
  for (const box of document.querySelectorAll('.kx-explore')) {
    const img = box.querySelector('img.kx-frame');
    const inputs = [...box.querySelectorAll('input[type=range]')];
    const res = {id: box.id, hasImg: !!img, inputs: []};
    for (const input of inputs) {
      if (input.disabled) { res.inputs.push({disabled: true}); continue; }
      const start = input.value, output = input.parentElement.querySelector('output');
      const before = {src: img && img.src, frame: box.getAttribute('data-frame'), label: output && output.textContent};
      const srcs = new Set(), frames = new Set(), labels = new Set();
      let broken = 0;
      for (let v = +input.min; v <= +input.max; v += +(input.step || 1)) {
        input.value = String(v);
        input.dispatchEvent(new Event('input', {bubbles: true}));
        try { await img.decode(); } catch (e) { broken++; }
        if (!(img.naturalWidth > 0)) broken++;
        srcs.add(img.src); frames.add(box.getAttribute('data-frame'));
        if (output) labels.add(output.textContent);
      }
      const other = String(+start === +input.max ? +input.min : +input.max);
      input.value = other; input.dispatchEvent(new Event('input', {bubbles: true}));
      const after = {src: img.src, frame: box.getAttribute('data-frame'), label: output && output.textContent};
      input.value = start; input.dispatchEvent(new Event('input', {bubbles: true}));
      res.inputs.push({label: input.getAttribute('aria-label'), positions: +input.max - +input.min + 1,
                       frameChanged: before.frame !== after.frame, srcChanged: before.src !== after.src,
                       labelChanged: before.label !== after.label, distinctSrcs: srcs.size,
                       distinctFrames: frames.size, distinctLabels: labels.size, broken});
    }
    out.push(res);
  }
  return out;
}"""


class Site:
    """A local server for the build and one headless Chromium; pages are visited in fresh contexts."""

    def __init__(self, browser: Any, base: str):
        self.browser = browser
        self.base = base
        self.visited: dict[str, Visit] = {}
        self.timings: dict[str, float] = {}

    def url(self, path: str) -> str:
        return urljoin(self.base, path)

    def open(self, path: str, *, theme: str | None = None, typeset: bool = True) -> tuple[Any, Any, Visit]:
        """Open ``path``; returns (context, page, visit). The caller closes the context."""
        visit = Visit(self.url(path))
        context = self.browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
        if theme:
            context.add_init_script(f"localStorage.setItem('theme', '{theme}'); "
                                    f"localStorage.setItem('mode', '{theme}');")

        def route(r: Any) -> None:
            url = r.request.url
            if urlparse(url).hostname == "127.0.0.1" or url.startswith(("data:", "blob:")):
                r.continue_()
            else:
                visit.blocked.append(url)
                r.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.on("console", lambda m: visit.console.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: visit.console.append(f"uncaught: {e}"))
        page.on("response", lambda r: visit.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        page.on("requestfailed", lambda r: None if urlparse(r.url).hostname != "127.0.0.1"
                else visit.failed.append(f"failed {r.url}: {r.failure}"))
        t0 = time.perf_counter()
        page.goto(visit.url, wait_until="load")
        if typeset:
            status = page.evaluate(WAIT_MATHJAX)
            if status != "ok":
                visit.console.append(status)
        visit.seconds = time.perf_counter() - t0
        return context, page, visit

    def chapter(self, docname: str) -> Visit:
        """Visit a chapter once: load, typeset, measure, scrub every explorer (cached per session)."""
        if docname not in self.visited:
            if not (BUILD / f"{docname}.html").is_file():
                pytest.fail(f"{docname} is in {TOC.name} but not in the build {BUILD}: rebuild the book (make book)")
            t0 = time.perf_counter()
            context, page, visit = self.open(f"{docname}.html")
            try:
                visit.data = page.evaluate(MEASURE)
                visit.data["scrub"] = page.evaluate(SCRUB)
                visit.data["cjk"] = cjk_rendering(page)
                page.wait_for_timeout(100)  # let late console errors arrive
            finally:
                context.close()
            self.timings[docname] = time.perf_counter() - t0
            self.visited[docname] = visit
        return self.visited[docname]


MARK_CJK = r"""() => {
  const cjk = /[\u2e80-\u2fff\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]/g;
  const art = document.querySelector('article.bd-article') || document.body;
  document.querySelectorAll('[data-kx-cjk]').forEach(e => e.removeAttribute('data-kx-cjk'));
  const walker = document.createTreeWalker(art, NodeFilter.SHOW_TEXT);
  let n = 0;
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    const count = (t.textContent.match(cjk) || []).length;
    if (!count || !t.parentElement) continue;
    const el = t.parentElement;
    el.setAttribute('data-kx-cjk', String(+(el.getAttribute('data-kx-cjk') || 0) + count));
    n += count;
  }
  return n;
}"""
#: fonts that hold Chinese glyphs: the book's own subset, or a CJK font the reader's machine has
CJK_FAMILY = re.compile(r"KX CJK|CJK|Han|Hei|Song|Ming|Kai|YaHei|PingFang|Hiragino|WenQuanYi|Droid Sans Fallback",
                        re.I)


def cjk_rendering(page: Any) -> dict[str, Any]:
    """How the page's Chinese characters are drawn: per element, the fonts Chromium used (DevTools'
    ``CSS.getPlatformFontsForNode``) and how many glyphs came from a font that has Chinese glyphs. A
    character no font has is drawn as an empty box by a Latin font, and is counted as missing."""
    total = page.evaluate(MARK_CJK)
    page.evaluate("async () => { await document.fonts.ready; }")
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    missing, fonts = [], set()
    for node in cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": "[data-kx-cjk]"})["nodeIds"]:
        attrs = cdp.send("DOM.getAttributes", {"nodeId": node})["attributes"]
        want = int(dict(zip(attrs[::2], attrs[1::2], strict=True))["data-kx-cjk"])
        used = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        fonts |= {f["familyName"] for f in used}
        got = sum(f["glyphCount"] for f in used if CJK_FAMILY.search(f["familyName"]))
        if got < want:
            text = cdp.send("DOM.getOuterHTML", {"nodeId": node})["outerHTML"]
            missing.append(f"{want - got} of {want} in {re.sub(r'<[^>]+>', '', text)[:60]!r} "
                           f"(fonts used: {', '.join(f['familyName'] for f in used)})")
    cdp.detach()
    return {"total": total, "missing": missing, "fonts": sorted(fonts)}


@pytest.fixture(scope="module")
def site(request: pytest.FixtureRequest):
    if not (BUILD / "index.html").is_file():
        pytest.fail(f"no built book at {BUILD}: run `make book` first (or set KX_HTML_DIR)")
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"no Chromium at {CHROMIUM}: install Debian's chromium (apt-get install chromium) or set "
                    "KX_CHROMIUM")
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_QuietHandler, directory=str(BUILD))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    pw = sync_playwright().start()
    browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    s = Site(browser, f"http://127.0.0.1:{server.server_address[1]}/")
    try:
        yield s
    finally:
        browser.close()
        pw.stop()
        server.shutdown()
        server.server_close()
        _report(request.config, s)


def _report(config: pytest.Config, s: Site) -> None:
    """Print the page weights (largest first) and the time each chapter page took, whatever the outcome."""
    if not s.timings:
        return
    rows = sorted(((page_weight(d, v), d) for d, v in s.visited.items()), reverse=True)
    lines = [f"page weight (HTML + images) of {len(rows)} chapter page(s), largest first; limit "
             f"{MAX_PAGE_BYTES / 2**20:.0f} MiB"]
    for (html_b, img_b), d in rows[:15]:
        lines.append(f"{(html_b + img_b) / 2**20:6.2f} MiB  (html {html_b / 2**10:6.0f} KiB, images "
                     f"{img_b / 2**10:5.0f} KiB)  open+check {s.timings[d]:5.1f} s  {d}")
    capman = config.pluginmanager.get_plugin("capturemanager")
    if capman is not None:
        with capman.global_and_fixture_disabled():
            print("\n" + "\n".join(lines), flush=True)
    else:
        print("\n".join(lines))


# -- helpers -----------------------------------------------------------------------------------------------
def _local_file(url: str) -> Path | None:
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or parsed.hostname != "127.0.0.1":
        return None
    return BUILD / unquote(parsed.path).lstrip("/")


def page_weight(docname: str, visit: Visit) -> tuple[int, int]:
    """(bytes of the page's HTML, bytes of the distinct image files it loads); data: images are in the HTML."""
    html_bytes = (BUILD / f"{docname}.html").stat().st_size
    files = {p for p in (_local_file(u) for u in visit.data.get("srcs", [])) if p}
    return html_bytes, sum(p.stat().st_size for p in files if p.is_file())


def _image_bytes(src: str) -> bytes | None:
    if src.startswith("data:image/png;base64,"):
        return base64.b64decode(src.split(",", 1)[1])
    path = _local_file(src)
    if path is not None and path.suffix.lower() == ".png" and path.is_file():
        return path.read_bytes()
    return None


def _min_alpha(png: bytes) -> int:
    from PIL import Image

    img = Image.open(io.BytesIO(png))
    if img.mode == "P" and "transparency" not in img.info:
        return 255
    rgba = img.convert("RGBA")
    return rgba.getchannel("A").getextrema()[0]


needs_chapters = pytest.mark.skipif(not CHAPTERS, reason="no chapter in _toc.yml yet")
per_chapter = pytest.mark.parametrize("docname", CHAPTERS, ids=[_slug(c) for c in CHAPTERS])


# -- every chapter page ------------------------------------------------------------------------------------
@per_chapter
def test_offline(site: Site, docname: str) -> None:
    """No request leaves 127.0.0.1, and every local request succeeds."""
    v = site.chapter(docname)
    assert not v.blocked, f"{docname} requests the network (aborted): {v.blocked[:10]}"
    assert not v.failed, f"{docname} has missing local resources: {v.failed[:10]}"


@per_chapter
def test_chinese_text_renders_as_glyphs(site: Site, docname: str) -> None:
    """The original Chinese title (and every other Chinese character) is drawn by a font that has it — the
    book's own subset of Noto Sans CJK on a machine without CJK fonts — not as empty boxes."""
    cjk = site.chapter(docname).data["cjk"]
    assert cjk["total"] > 0, f"{docname} shows no Chinese text: where is the article's original title?"
    assert not cjk["missing"], f"{docname}: Chinese characters drawn without a CJK font: {cjk['missing'][:5]}"


@per_chapter
def test_math_typeset(site: Site, docname: str) -> None:
    """MathJax typesets every formula: no raw TeX left in the prose, no MathJax error, no undefined macro."""
    d = site.chapter(docname).data
    assert d["nMath"] > 0, f"{docname} has no math at all (expected formulas)"
    assert not d["untypeset"], f"{docname}: formulas MathJax did not typeset: {d['untypeset'][:5]}"
    assert d["nTypeset"] >= d["nMath"], f"{docname}: {d['nTypeset']} typeset of {d['nMath']} formulas"
    assert not d["errors"], f"{docname}: MathJax errors: {d['errors'][:5]}"
    assert not d["undefinedMacros"], f"{docname}: undefined TeX macros: {sorted(set(d['undefinedMacros']))}"
    assert not d["rawTex"], f"{docname}: raw TeX visible in the text: {d['rawTex'][:5]}"


@per_chapter
def test_images_load(site: Site, docname: str) -> None:
    """Every image on the page loads (naturalWidth > 0) and every PNG figure is opaque (dark theme)."""
    d = site.chapter(docname).data
    assert not d["broken"], f"{docname}: images that did not load: {d['broken'][:5]}"
    transparent = []
    for src in d["srcs"]:
        png = _image_bytes(src)
        if png is not None and _min_alpha(png) < 255:
            transparent.append(src[:80])
    assert not transparent, f"{docname}: figures with transparent pixels (unreadable in the dark theme): {transparent}"


@per_chapter
def test_has_a_figure(site: Site, docname: str) -> None:
    """The page shows at least one figure from its code (not only the explorer's frames): a kernel that drew
    with a non-inline matplotlib backend would leave every figure out while every check still passed."""
    srcs = site.chapter(docname).data["srcs"]
    assert any("/_images/" in s for s in srcs), f"{docname}: no figure from a code cell among its {len(srcs)} images"


@per_chapter
def test_explorers_respond(site: Site, docname: str) -> None:
    """Each kernel-free explorer is there and moving each of its sliders changes the figure."""
    d = site.chapter(docname).data
    assert d["nExplore"] >= 1, f"{docname} has no kernel-free explorer (.kx-explore)"
    for box in d["scrub"]:
        assert box["hasImg"], f"{docname}: explorer {box['id']} has no img.kx-frame"
        live = [i for i in box["inputs"] if not i.get("disabled")]
        assert live, f"{docname}: explorer {box['id']} has no usable slider"
        for i in live:
            where = f"{docname}: explorer {box['id']}, slider {i['label']!r}"
            assert i["broken"] == 0, f"{where}: {i['broken']} positions show a broken frame"
            assert i["frameChanged"], f"{where}: moving it does not change data-frame"
            assert i["labelChanged"], f"{where}: moving it does not update the value shown next to it"
            assert i["distinctFrames"] == i["positions"], (
                f"{where}: {i['distinctFrames']} distinct frames for {i['positions']} positions")
            assert i["distinctSrcs"] >= 2, f"{where}: the figure is the same image at every position"


@per_chapter
def test_no_dead_widgets(site: Site, docname: str) -> None:
    """No ipywidgets placeholder: without a kernel it would be a dead control."""
    d = site.chapter(docname).data
    assert not d["dead"], f"{docname}: ipywidgets views in the static page: {d['dead'][:3]}"


@per_chapter
def test_no_stray_reprs(site: Site, docname: str) -> None:
    """No output is the text repr of a matplotlib object (end the cell with the figure, or with `;`)."""
    d = site.chapter(docname).data
    assert not d["strayReprs"], f"{docname}: cell outputs that are matplotlib reprs: {d['strayReprs'][:5]}"


@per_chapter
def test_no_console_errors(site: Site, docname: str) -> None:
    v = site.chapter(docname)
    assert not v.console, f"{docname}: browser console errors: {v.console[:10]}"


@per_chapter
def test_page_weight(site: Site, docname: str) -> None:
    """A chapter page (HTML with its embedded explorer frames, plus its image files) stays under 3 MiB."""
    html_b, img_b = page_weight(docname, site.chapter(docname))
    assert html_b + img_b <= MAX_PAGE_BYTES, (
        f"{docname} weighs {(html_b + img_b) / 2**20:.2f} MiB (html {html_b / 2**20:.2f}, images "
        f"{img_b / 2**20:.2f}); limit {MAX_PAGE_BYTES / 2**20:.0f} MiB: lower max_frames/dpi of its explorers")


@per_chapter
def test_links_original_article(site: Site, docname: str) -> None:
    d = site.chapter(docname).data
    assert d["original"], f"{docname} does not link its original article (https://kexue.fm/archives/N)"


@per_chapter
def test_downloads_and_run_note(site: Site, docname: str) -> None:
    """The page offers its source and an .ipynb, both served, and says how to run it locally."""
    d = site.chapter(docname).data
    slug = _slug(docname)
    ipynb = [u for u in d["downloads"] if u.endswith(f"/_sources/{docname}.ipynb")]
    source = [u for u in d["downloads"] if u.endswith(f"/_sources/{docname}.md")]
    assert ipynb and source, f"{docname}: download menu lacks the .ipynb or the .md: {d['downloads']}"
    assert "make lab" in d["runNote"] and f"{docname}.md" in d["runNote"], (
        f"{docname}: no 'Run this chapter' note naming `make lab` and {docname}.md: {d['runNote']!r}")
    path = _local_file(ipynb[0])
    assert path is not None and path.is_file(), f"{docname}: {ipynb[0]} is not in the build"
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert nb["nbformat"] == 4 and code, f"{slug}.ipynb is not a notebook with code cells"
    assert not any(c.get("outputs") for c in code), f"{slug}.ipynb carries outputs (widget views would be dead)"
    assert (_local_file(source[0]) or Path("/nonexistent")).is_file(), f"{docname}: {source[0]} is not in the build"


# -- the site as a whole -----------------------------------------------------------------------------------
OTHER_PAGES = [f for _, files in toc_parts() for f in files if f not in CHAPTERS] + [
    yaml.safe_load(TOC.read_text(encoding="utf-8"))["root"]]


@pytest.mark.parametrize("docname", sorted(set(OTHER_PAGES)), ids=lambda d: d.removeprefix("book/"))
def test_other_pages_offline_and_clean(site: Site, docname: str) -> None:
    """The landing page, the part overviews, status, references and API pages: offline, no errors, math set."""
    context, page, visit = site.open(f"{docname}.html")
    try:
        d = page.evaluate(MEASURE)
    finally:
        context.close()
    assert not visit.blocked, f"{docname} requests the network (aborted): {visit.blocked[:10]}"
    assert not visit.failed, f"{docname} has missing local resources: {visit.failed[:10]}"
    assert not visit.console, f"{docname}: browser console errors: {visit.console[:10]}"
    assert not d["broken"], f"{docname}: images that did not load: {d['broken'][:5]}"
    assert not (d["untypeset"] or d["errors"] or d["undefinedMacros"] or d["rawTex"]), (
        f"{docname}: math problems: {d['untypeset'][:3]} {d['errors'][:3]} {d['undefinedMacros'][:3]} "
        f"{d['rawTex'][:3]}")


# Anything that makes a browser fetch from another host: scripts, styles, images, frames, fonts, CSS imports.
EXTERNAL_LOAD = re.compile(
    r"""<(?:script|img|iframe|source|audio|video|embed)\b[^>]*\bsrc=["'](?:https?:)?//"""
    r"""|<link\b(?=[^>]*\brel=["']?(?:stylesheet|preload|modulepreload|icon|shortcut icon|manifest))"""
    r"""[^>]*\bhref=["'](?:https?:)?//"""
    r"""|@import\s+(?:url\()?["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//""",
    re.I)


def test_no_page_loads_from_another_host() -> None:
    """Every HTML and CSS file of the build, not only the pages opened above, loads only from the site."""
    if not (BUILD / "index.html").is_file():
        pytest.fail(f"no built book at {BUILD}: run `make book` first (or set KX_HTML_DIR)")
    bad = []
    for path in sorted([*BUILD.rglob("*.html"), *BUILD.rglob("*.css")]):
        if "_sources" in path.parts:
            continue
        for m in EXTERNAL_LOAD.finditer(path.read_text(encoding="utf-8", errors="replace")):
            bad.append(f"{path.relative_to(BUILD)}: {m.group(0)[:100]}")
    assert not bad, "external loads in the built site:\n" + "\n".join(bad[:20])

def test_landing_page_links_every_part_and_chapter(site: Site) -> None:
    context, page, visit = site.open("index.html", typeset=False)  # the root redirects to the landing page
    try:
        page.wait_for_url(re.compile(r".*/book/intro\.html.*"), timeout=10_000)
        page.wait_for_load_state("load")
        links = set(page.eval_on_selector_all("a[href]", "as => as.map(a => a.href.split('#')[0])"))
        text = page.inner_text("body")
    finally:
        context.close()
    assert not visit.blocked, f"landing page requests the network: {visit.blocked[:5]}"
    missing = [f for _, files in toc_parts() for f in files if site.url(f"{f}.html") not in links]
    assert not missing, f"the landing page does not link: {missing}"
    captions = [c for c, _ in toc_parts() if c and c not in text]
    assert not captions, f"the landing page does not name the parts: {captions}"


@pytest.mark.parametrize("word,slug", SEARCHES)
def test_search_finds_chapter(site: Site, word: str, slug: str) -> None:
    docs = [c for c in CHAPTERS if _slug(c) == slug]
    if not docs:
        pytest.skip(f"chapter {slug} is not in _toc.yml yet")
    context, page, visit = site.open(f"search.html?q={word}")
    try:
        page.wait_for_selector("#search-results ul.search li a", timeout=20_000)
        hits = page.eval_on_selector_all("#search-results ul.search li a", "as => as.map(a => a.href)")
    finally:
        context.close()
    assert any(f"/{docs[0]}.html" in h for h in hits), f"searching {word!r} does not find {slug}: {hits[:10]}"
    assert not visit.blocked and not visit.console, (visit.blocked, visit.console)


@needs_chapters
def test_status_page_lists_every_chapter_with_run_time(site: Site) -> None:
    context, page, visit = site.open("book/status.html")
    try:
        rows = page.eval_on_selector_all(
            "table tbody tr", "trs => trs.map(tr => [...tr.querySelectorAll('td')].map(td => td.textContent.trim()))")
        heads = page.eval_on_selector_all("table thead th", "ths => ths.map(th => th.textContent.trim())")
    finally:
        context.close()
    assert "Document" in heads and "Run Time (s)" in heads, f"unexpected status table columns {heads}"
    doc_i, time_i = heads.index("Document"), heads.index("Run Time (s)")
    times = {r[doc_i]: r[time_i] for r in rows if len(r) == len(heads)}
    missing = [c for c in CHAPTERS if c not in times]
    assert not missing, f"the status page does not list: {missing}"
    bad = {c: times[c] for c in CHAPTERS if not re.fullmatch(r"\d+(\.\d+)?", times[c])}
    assert not bad, f"chapters without a run time on the status page: {bad}"
    marks = {r[heads.index("Status")] for r in rows if len(r) == len(heads)} if "Status" in heads else set()
    assert marks == {"passed"}, (f"status marks {marks}: expected the text badge 'passed' for every chapter "
                                 "(emoji are empty boxes on a machine without an emoji font)")


@needs_chapters
def test_figures_readable_in_dark_theme(site: Site) -> None:
    """Screenshot the first chapter figure in the light and the dark theme: the figure stays light and opaque."""
    from PIL import Image, ImageStat

    SHOTS.mkdir(parents=True, exist_ok=True)
    selector = "article .cell_output img"
    target = next((c for c in CHAPTERS if (BUILD / f"{c}.html").is_file()
                   and 'class="cell_output' in (BUILD / f"{c}.html").read_text(encoding="utf-8")), None)
    if target is None:
        pytest.skip("no chapter with a figure output")
    shots: dict[str, Any] = {}
    for theme in ("light", "dark"):
        context, page, visit = site.open(f"{target}.html", theme=theme, typeset=False)  # figures only
        try:
            assert page.evaluate("document.documentElement.dataset.theme") == theme, f"{theme} theme not applied"
            bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
            img = page.locator(selector).first
            img.scroll_into_view_if_needed()
            path = SHOTS / f"{_slug(target)}-{theme}.png"
            img.screenshot(path=str(path))
            page.screenshot(path=str(SHOTS / f"{_slug(target)}-{theme}-page.png"))
        finally:
            context.close()
        shots[theme] = (Image.open(path).convert("RGB"), bg)
    light, dark = shots["light"][0], shots["dark"][0]
    dark_bg = [int(x) for x in re.findall(r"\d+", shots["dark"][1])[:3]]
    assert sum(dark_bg) / 3 < 100, f"the dark theme did not darken the page (body background {shots['dark'][1]})"
    mean = ImageStat.Stat(dark.convert("L")).mean[0]
    assert mean > 150, (f"{target}: the figure is dark in the dark theme (mean luminance {mean:.0f}); figures "
                        f"need an opaque white background (see {SHOTS})")
    dark_px = sum(dark.convert("L").histogram()[:60]) / (dark.width * dark.height)
    light_px = sum(light.convert("L").histogram()[:60]) / (light.width * light.height)
    assert dark_px < light_px + 0.05, (f"{target}: {dark_px:.0%} dark pixels in the dark theme vs {light_px:.0%} "
                                       "in the light one: the page background shows through the figure")
