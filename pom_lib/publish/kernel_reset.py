"""Run inside a chapter's kernel before each chapter: the kernel as a new one would be.

A kernel runs several chapters, of one edition and of the next ones its process builds
(chapter_runner), so the library, pandas and matplotlib are imported once per core rather than once
per chapter. Nothing a chapter did may reach the next: `begin_chapter` moves into the chapter's
folder, empties the namespace and numbers cells from 1 again, closes every figure, and puts back
matplotlib's settings and figure formats as they were before the kernel's first chapter. The
modules stay imported; what they compute depends only on their arguments.
"""

from __future__ import annotations

import os

# matplotlib's settings in this kernel before its first chapter, taken on the first call.
_settings_before_any_chapter: dict | None = None


def begin_chapter(folder: str) -> None:
    global _settings_before_any_chapter
    import matplotlib
    import matplotlib.pyplot as plt
    from IPython import get_ipython
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    # First: the folder of the kernel's previous chapter may be gone, and IPython's reset reads the current one.
    os.chdir(folder)
    if _settings_before_any_chapter is None:
        _settings_before_any_chapter = dict(matplotlib.rcParams)
    plt.close("all")
    # Already validated when taken: written back as they are, as matplotlib.rc_context does.
    dict.update(matplotlib.rcParams, _settings_before_any_chapter)
    shell = get_ipython()
    if shell is not None:
        set_matplotlib_formats("png")  # the inline backend's default, until the chapter asks for others
        shell.reset(new_session=True)  # empty namespace and output history; execution count back to 1
