"""briefgen's look: the stylesheets (``*.css``) and the Jinja templates (``templates/``) of the
HTML page, the archive's index and the e-mail, installed as the package ``briefgen.styles``.

===========================  ==================================================================
``templates/base.html``      the one layout: doctype, language, character set, viewport
``templates/head.html``      what a page says of itself: title, description, Open Graph tags,
                             icon (an inline SVG), feed
``templates/briefing.html``  the briefing page (and the PDF): heading, legend of the marks, key
                             points and sections, the coverage chart (block ``coverage``),
                             sources with their way back to the bullets
``templates/parts.html``     the key points and sections (the page's and the index's latest)
``templates/bullet.html``    a bullet's HTML, each part with its class (``label``,
                             ``developing``, ``text``, ``cites``, ``also``, ``when``)
``templates/nav.html``       the navigation bar between briefings (above a page, and at its foot)
``templates/chart.html``     the coverage chart: its SVG, caption and table of numbers
``templates/index.html``     the archive's index page
``templates/mail.html``      the e-mail's HTML part (inline styles: mail clients drop ``<style>``)
``templates/feed.html``      an Atom feed entry's content: the briefing as an HTML fragment
===========================  ==================================================================

Templates are rendered with autoescaping on, so article text is only ever text. A user may point
``[output] templates`` at a folder of their own: a template found there is used instead of the
packaged one of that name (``{% extends "base.html" %}`` and the others still find briefgen's).
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from briefgen.errors import ConfigError, RenderError
from briefgen.output.present import one_line


def stylesheet(name: str = "briefing.css") -> str:
    """The text of ``styles/theme.css`` and then ``styles/<name>``."""
    folder = resources.files(__name__)
    return "".join((folder / n).read_text(encoding="utf-8") for n in ("theme.css", name))


@functools.cache
def environment(folder: str = "") -> jinja2.Environment:
    """The Jinja environment of the packaged templates, behind those of ``folder`` when given.
    Raises :class:`ConfigError` when ``folder`` is not a folder."""
    if folder and not Path(folder).is_dir():
        raise ConfigError(f"output.templates names {folder}, which is not a folder",
                          "point templates under [output] at a folder of your templates, or leave it empty")
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(folder)] if folder else []
    loaders.append(jinja2.PackageLoader(__name__, "templates"))
    env = jinja2.Environment(loader=jinja2.ChoiceLoader(loaders), autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["line"] = one_line
    return env


def render(name: str, folder: str = "", **context: Any) -> str:
    """The template ``name`` filled with ``context`` (user templates from ``folder`` first).
    Raises :class:`RenderError` naming the template and the line when it cannot be rendered."""
    try:
        return environment(folder).get_template(name).render(**context)
    except jinja2.TemplateError as exc:
        where = f" ({exc.filename}, line {exc.lineno})" if isinstance(exc, jinja2.TemplateSyntaxError) else ""
        raise RenderError(f"cannot render the template {name}{where}: {exc.message or exc}",
                          f"fix or remove it in {folder} ([output] templates)" if folder
                          else "this is a bug in briefgen; please report it") from exc


def safe(markup: str) -> Markup:
    """Markup briefgen made itself (a stylesheet, the chart's SVG, a rendered part), to be
    placed in a template as it is."""
    return Markup(markup)
