"""The package's layers, stated once and held by every import.

Every module of ``briefgen`` is parsed (not imported) and each of its imports of ``briefgen`` is
read, at the top, inside a function or under ``TYPE_CHECKING`` alike. A module may import from
its own layer or a lower one, never from a higher one, and no chain of imports may lead back to
where it started. A breach fails with the importing line; the only breaches allowed are listed
in :data:`ALLOWED` with the reason, and an entry that no import needs any more fails too.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "briefgen"

#: low → high; a name stands for the module or the package and everything in it
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("base: errors, the model, files, settings", (
        "briefgen", "briefgen.errors", "briefgen.models", "briefgen.files", "briefgen.parallel",
        "briefgen.config", "briefgen.algorithms", "briefgen.data")),
    ("text: layout, sentences, words, dates", ("briefgen.text",)),
    ("analysis: scores, topics, ranking, stories, selection, assembly", (
        "briefgen.score", "briefgen.relevance", "briefgen.about", "briefgen.doctopic", "briefgen.coverage", "briefgen.learn", "briefgen.rank",
        "briefgen.stories", "briefgen.dedupe", "briefgen.select", "briefgen.assemble")),
    ("corpus: reading, the index, fetching", (
        "briefgen.load", "briefgen.readers", "briefgen.corpora", "briefgen.corpus_index", "briefgen.fetch")),
    ("stages: the map steps and reductions, here and on Dask", (
        "briefgen.stages", "briefgen.pipeline", "briefgen.summarize", "briefgen.sources", "briefgen.engine")),
    ("output: the record, the renderers, the archive, the site, the e-mail", (
        "briefgen.output", "briefgen.web", "briefgen.styles")),
    ("run: briefgen daily", ("briefgen.daily",)),
    ("evaluation: briefgen eval", ("briefgen.evaluation",)),
    ("command line", ("briefgen.cli", "briefgen.__main__")),
)

#: (importer, imported) → why the upward import stands for now
ALLOWED: dict[tuple[str, str], str] = {}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports(name: str) -> list[tuple[str, int]]:
    """The ``briefgen`` modules ``name`` imports, each with the line of its import."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[tuple[str, int]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:  # `from briefgen import styles` imports the module briefgen.styles
                sub = f"{source}.{alias.name}"
                found.append((sub if sub in MODULES else source, node.lineno))
    return sorted({(m, line) for m, line in found if m == "briefgen" or m.startswith("briefgen.")})


def layer(name: str) -> int:
    """The index in :data:`LAYERS` of the longest name there that is ``name`` or contains it."""
    best = max(((len(prefix), i) for i, (_, prefixes) in enumerate(LAYERS) for prefix in prefixes
                if name == prefix or name.startswith(prefix + ".")), default=None)
    assert best is not None, f"{name} is in no layer: add it to LAYERS"
    return best[1]


def test_every_module_is_in_a_layer() -> None:
    assert len(MODULES) > 50
    for name in MODULES:
        layer(name)


def test_no_module_imports_from_a_higher_layer() -> None:
    breaches, used = [], set()
    for name in MODULES:
        for imported, line in imports(name):
            if layer(imported) <= layer(name):
                continue
            if (name, imported) in ALLOWED:
                used.add((name, imported))
                continue
            breaches.append(f"{MODULES[name].relative_to(PACKAGE.parent)}:{line}: {name} ({LAYERS[layer(name)][0]}) "
                            f"imports {imported} ({LAYERS[layer(imported)][0]})")
    assert not breaches, "imports from a higher layer:\n" + "\n".join(breaches)
    assert not set(ALLOWED) - used, f"allowed exceptions no import needs any more: {sorted(set(ALLOWED) - used)}"


def test_no_import_circle() -> None:
    graph = {name: sorted({m for m, _ in imports(name) if m != name and m in MODULES}) for name in MODULES}
    circles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 on the path, 2 done
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                circles.append(path[path.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for name in graph:
        if name not in state:
            visit(name)
    assert not circles, "import circles:\n" + "\n".join(" → ".join(c) for c in circles)


def test_the_checks_see_imports_inside_functions_and_the_layers_read_in_order() -> None:
    # the archive imports the record at the top; the engine's tasks import assembly inside a function
    assert "briefgen.output.record" in {m for m, _ in imports("briefgen.output.archive")}
    assert "briefgen.assemble" in {m for m, _ in imports("briefgen.engine.tasks")}
    assert layer("briefgen.text.sbd") < layer("briefgen.rank") < layer("briefgen.load") < layer("briefgen.pipeline")
    assert layer("briefgen.pipeline") < layer("briefgen.output.render") < layer("briefgen.daily") < layer("briefgen.cli")
