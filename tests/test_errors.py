"""briefgen's errors: one tree, all of it in briefgen/errors.py, each with its exit code."""

from __future__ import annotations

import importlib
import pickle
import pkgutil

import briefgen
from briefgen import errors
from briefgen.errors import ArticleError, BriefgenError


def subclasses(cls: type) -> set[type]:
    return {sub for direct in cls.__subclasses__() for sub in (direct, *subclasses(direct))}


def test_every_briefgen_error_is_defined_in_errors_py() -> None:
    for module in pkgutil.walk_packages(briefgen.__path__, "briefgen."):
        importlib.import_module(module.name)
    mine = {cls for cls in subclasses(BriefgenError) if cls.__module__.startswith("briefgen")}
    assert {cls.__name__: cls.__module__ for cls in mine if cls.__module__ != "briefgen.errors"} == {}
    assert all(cls.__name__ in errors.__doc__ for cls in mine)  # and drawn in its tree


def test_an_article_error_keeps_its_kind_across_processes() -> None:
    error = pickle.loads(pickle.dumps(ArticleError("a.md", "binary file, not text", "remove it", kind="binary")))
    assert (error.path, error.reason, error.hint, error.kind, error.exit_code) == (
        "a.md", "binary file, not text", "remove it", "binary", 4)
