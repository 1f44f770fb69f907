"""The book's test harness: what a chapter is, how one runs, and the checks made around it.

* :mod:`tests.harness.book` — ``chapters()`` (read from ``_toc.yml``, the only list) and ``run_chapter()``;
  every consumer (the nbval plugin, the determinism test, the portability run, ``bench/run.py``, the
  browser tests) uses these two.
* :mod:`tests.harness.plugin` — the pytest plugin (``-p tests.harness.plugin`` in ``pyproject.toml``) that
  collects every chapter as nbval items and adds the harness's items around its cells.
* :mod:`tests.harness.inkernel` — runs inside a chapter's kernel during ``make test``: every random draw
  must come from a seeded generator; every explorer draws at the ends of its ranges; the chapter's check
  records are written for the portability run.
* :mod:`tests.harness.portability` — ``make portability``: every chapter under several numerical
  environments, with each check's use of its tolerance.
* :mod:`tests.harness.lint` — ruff over the chapters' code cells (``make lint``).

Readers never import any of this: ``kx_helpers`` is the chapters' package, this is the test bench's.
"""
