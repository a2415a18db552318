"""The briefing's record: a :class:`~briefgen.models.Briefing` as JSON and back.

:func:`to_json` writes ``briefing.json`` (the schema in the README), which is both an output for
other tools and the archive's memory: the history, the index, the feed and the e-mail read a
briefing back with :func:`from_json`, so that every output renders from the one model.

The record keeps what a reader is shown — titles, texts, citations by source number, outlets,
dates, links, stories, the coverage chart's counts — and each article by its path; it keeps no
article text. ``from_json(to_json(b)) == b`` holds for a briefing of that shape (each article's
id its path, no text, no merged copies): :func:`from_json` returns exactly such a briefing, and
renders the same Markdown, HTML, e-mail and PDF as the briefing the record was written from.

:func:`record_problem` says what makes a parsed record unusable (``None``: nothing): the fields
the readers need, the types of every field briefgen writes, and that each citation names a
listed source.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

from briefgen.errors import InputError
from briefgen.models import Activity, Article, Briefing, Item, Section, Source, Story

# --- writing -----------------------------------------------------------------------------------


def _item_json(briefing: Briefing, item: Item) -> dict[str, Any]:
    data = {"text": item.text, "sources": sorted(briefing.source_number(a) for a in item.article_ids),
            "also": [briefing.source_number(a) for a in item.also], "score": item.score,
            "developing": item.developing, "reported": item.reported.isoformat() if item.reported else None,
            "story": item.story, "more_outlets": item.more_outlets}
    if item.section:  # a key point: the topic of the section it also stands in
        data["section"] = item.section
    return data


def activity_json(data: Activity) -> dict[str, Any]:
    """The coverage chart's counts as the record's ``activity`` field."""
    return {"days": [d.isoformat() for d in data.days],
            "topics": [{"topic": name, "title": title, "articles": list(counts)}
                       for (name, title), counts in zip(data.topics, data.counts, strict=True)]}


def to_json(briefing: Briefing) -> str:
    """The briefing as JSON for other tools and for the archive (schema in the README)."""
    data = {
        "title": briefing.title,
        "date": briefing.date.isoformat(),
        "window": {"start": briefing.start.isoformat(), "end": briefing.end.isoformat()},
        "coverage": briefing.coverage,
        "key_points": [_item_json(briefing, i) for i in briefing.key_points],
        "sections": [
            {"topic": s.topic, "title": s.title, "items": [_item_json(briefing, i) for i in s.items]}
            for s in briefing.sections
        ],
        "sources": [
            {"id": s.number, "title": s.article.title, "source": s.article.source,
             "date": s.article.date.isoformat() if s.article.date else None, "url": s.article.url, "path": s.article.path}
            for s in briefing.sources
        ],
        "stories": [
            {"id": s.id, "title": s.title, "first_seen": s.first_seen.isoformat() if s.first_seen else None,
             "last_seen": s.last_seen.isoformat() if s.last_seen else None, "topics": list(s.topics),
             "articles": [a.path for a in s.articles]}
            for s in briefing.stories
        ],
    }
    if briefing.activity is not None:
        data["activity"] = activity_json(briefing.activity)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# --- checking ----------------------------------------------------------------------------------

_ITEM = {"text": "string", "sources": ["int"], "score?": "number", "developing?": "bool", "reported?": "string|null",
         "story?": "string", "section?": "string", "more_outlets?": "int", "also?": ["int"]}
_STORY = {"id": "string", "title": "string", "first_seen": "string|null", "last_seen": "string|null",
          "topics": ["string"], "articles": ["string"]}
#: the fields of a record (as :func:`to_json` writes it) that the readers need, and the types of
#: the others when present
_RECORD: dict[str, Any] = {
    "title": "string", "date?": "string", "window?": {"start": "string", "end": "string"}, "coverage": "string",
    "key_points": [_ITEM],
    "sections": [{"topic?": "string", "title?": "string", "items": [_ITEM]}],
    "sources": [{"id": "int", "title?": "string", "source?": "string", "date?": "string|null", "url?": "string",
                 "path?": "string"}],
    "stories?": [_STORY],  # written since stories were grouped; older records have none
    "activity?": {"days": ["string"], "topics": [{"topic": "string", "title?": "string", "articles": ["int"]}]},
}
_TYPE_NAMES = {"string": "a string", "int": "a whole number", "number": "a number", "bool": "true or false",
               "string|null": "a string or null"}


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return "a string" if isinstance(value, str) else "null"


def _problem(value: object, spec: Any, where: str) -> str | None:
    if isinstance(spec, dict):
        if not isinstance(value, dict):
            return f"{where or 'the top level'} is {_kind(value)}, not an object"
        for key, sub in spec.items():
            name = key.rstrip("?")
            path = f"{where}.{name}" if where else name
            if name not in value:
                if not key.endswith("?"):
                    return f"{path} is missing"
            elif problem := _problem(value[name], sub, path):
                return problem
        return None
    if isinstance(spec, list):
        if not isinstance(value, list):
            return f"{where} is {_kind(value)}, not a list"
        return next((p for i, v in enumerate(value) if (p := _problem(v, spec[0], f"{where}[{i}]"))), None)
    number = isinstance(value, int | float) and not isinstance(value, bool)
    fits = {"string": isinstance(value, str), "int": number and isinstance(value, int), "number": number,
            "bool": isinstance(value, bool), "string|null": value is None or isinstance(value, str)}[spec]
    return None if fits else f"{where} is {_kind(value)}, not {_TYPE_NAMES[spec]}"


def _unlisted(record: Mapping[str, Any]) -> str | None:
    """The first citation of an item that names no listed source."""
    listed = {s["id"] for s in record["sources"]}
    places = [("key_points", record["key_points"]),
              *((f"sections[{j}].items", s["items"]) for j, s in enumerate(record["sections"]))]
    for where, items in places:
        for i, item in enumerate(items):
            for key in ("sources", "also"):
                missing = next((n for n in item.get(key, []) if n not in listed), None)
                if missing is not None:
                    return f"{where}[{i}].{key} names source {missing}, which sources does not list"
    return None


def record_problem(record: object) -> str | None:
    """What makes ``record`` unusable as a briefing record (``None``: nothing). Checked: the
    fields that the readers need, the types of every field briefgen writes that is present, and
    that every item cites listed sources."""
    problem = _problem(record, _RECORD, "")
    if problem is None:
        assert isinstance(record, Mapping)
        return _unlisted(record)
    return problem


# --- reading -----------------------------------------------------------------------------------


def _date(value: object) -> dt.date | None:
    """An ISO date of the record; ``None`` for null or for what is not one."""
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def activity_from_json(field: Mapping[str, Any] | None) -> Activity | None:
    """The counts of a (checked) record's ``activity`` field; ``None`` if it has none or they do
    not fit together (days not consecutive, a topic with a count for another number of days)."""
    if not field:
        return None
    days = tuple(_date(d) for d in field["days"])
    if any(d is None for d in days):
        return None
    dates = tuple(d for d in days if d is not None)
    if any((b - a).days != 1 for a, b in zip(dates, dates[1:], strict=False)):
        return None
    topics = field["topics"]
    if any(len(t["articles"]) != len(dates) or min(t["articles"], default=0) < 0 for t in topics):
        return None
    return Activity(dates, tuple((t["topic"], t.get("title") or t["topic"]) for t in topics),
                    tuple(tuple(t["articles"]) for t in topics))


def _articles(sources: Sequence[Mapping[str, Any]]) -> dict[int, Article]:
    """Each listed source's article, by number; its id is its path (``#n`` when it has none, or
    shares it with an earlier source)."""
    found: dict[int, Article] = {}
    for s in sources:
        path = s.get("path") or ""
        taken = any(a.id == path for a in found.values())
        found[s["id"]] = Article(id=path if path and not taken else f"#{s['id']}", title=s.get("title") or "",
                                 source=s.get("source") or "", date=_date(s.get("date")), url=s.get("url") or "",
                                 path=path, text="")
    return found


def _item(data: Mapping[str, Any], articles: Mapping[int, Article]) -> Item:
    return Item(text=data["text"], article_ids=tuple(articles[n].id for n in data["sources"]),
                score=data.get("score", 0.0), developing=data.get("developing", False), reported=_date(data.get("reported")),
                story=data.get("story", ""), section=data.get("section", ""), more_outlets=data.get("more_outlets", 0),
                also=tuple(articles[n].id for n in data.get("also", [])))


def _story(data: Mapping[str, Any], by_path: Mapping[str, Article]) -> Story:
    articles = tuple(by_path.get(p) or Article(id=p, title="", source="", date=None, url="", path=p, text="")
                     for p in data["articles"])
    return Story(data["id"], data["title"], _date(data["first_seen"]), _date(data["last_seen"]), tuple(data["topics"]), articles)


def from_json(record: str | Mapping[str, Any], date: dt.date | None = None,
              empty_message: str = Briefing.empty_message) -> Briefing:
    """The briefing a record holds (its JSON text, or the parsed record). ``date`` is the
    briefing's date as the archive knows it (its folder), which wins over the record's; a window
    the record does not give is that one day. ``empty_message`` is what a section without
    bullets says (the record does not keep it). Raises :class:`InputError` for a record that is
    not sound (:func:`record_problem`)."""
    data = json.loads(record) if isinstance(record, str) else record
    problem = record_problem(data)
    if problem is not None:
        raise InputError(f"not a briefing record: {problem}")
    assert isinstance(data, Mapping)
    day = date or _date(data.get("date"))
    if day is None:
        raise InputError("not a briefing record: it has no date", "give the date its folder says")
    window = data.get("window") or {}
    articles = _articles(data["sources"])
    by_path = {a.path: a for a in articles.values() if a.path}
    return Briefing(
        title=data["title"],
        date=day,
        start=_date(window.get("start")) or day,
        end=_date(window.get("end")) or day,
        coverage=data["coverage"],
        key_points=tuple(_item(i, articles) for i in data["key_points"]),
        sections=tuple(Section(s.get("topic") or "", s.get("title") or s.get("topic") or "",
                               tuple(_item(i, articles) for i in s["items"])) for s in data["sections"]),
        sources=tuple(Source(n, a) for n, a in articles.items()),
        empty_message=empty_message,
        stories=tuple(_story(s, by_path) for s in data.get("stories", [])),
        activity=activity_from_json(data.get("activity")),
    )
