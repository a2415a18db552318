"""Stylesheets for briefgen's HTML and PDF output (installed as the package ``briefgen.styles``)."""
