"""Editions: running chapters, Jupyter Book, the build cache, publication, archive and site."""
