"""Sphinx extensions: tables and downloads, the PDF book, the Spanish HTML theme, the imprint."""
