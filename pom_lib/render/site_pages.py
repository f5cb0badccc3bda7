"""What the site's own pages share (the index of editions, the portal's index and comparison): their
look, and the folder under which the newest edition also answers."""

# Every page of the newest edition is also under <site>/ultima/ (a copy, not a redirect).
LATEST = "ultima"

# One look for the site's own pages.
PAGE_STYLE = (
    'body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 46rem; margin: 2.5rem auto;\n'
    """       padding: 0 1rem; color: #222; line-height: 1.5; }
h1 { font-size: 1.6rem; margin-bottom: .25rem; }
ul { list-style: none; padding: 0; }
li { border-top: 1px solid #ddd; padding: .75rem 0; }
h2 { font-size: 1.2rem; margin: 0; }
.titulo { margin: .2rem 0; color: #444; }
.enlaces a { color: #0072B2; }
.ultima { font-size: .8rem; font-weight: normal; background: #0072B2; color: #fff; border-radius: .3rem;
          padding: .05rem .4rem; vertical-align: middle; }
"""
)
