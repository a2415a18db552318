"""Every error path of every command: no traceback, an ``Error:`` line and a ``Hint:`` line,
and the exit code the README's table gives the kind of mistake.

The cases are made from click's own command objects (:func:`commands`): each option and
argument of each command ``briefgen --help`` lists, given each bad value of its type
(:func:`bad_values`) in an otherwise sound command line (:data:`SOUND`). Beside them: every
setting of the config file with a value of the wrong type and out of its range, config files
that are not configs, options that conflict, and a missing optional extra. A few cases run again
in a real process.

A bad value may also be one briefgen takes (an empty folder as ``--out`` is a fine archive to
create): then the command succeeds or reports nothing to do, with a documented code; what
never passes is a traceback, exit 1, or a code that does not fit the mistake.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import click
import pytest
from click.testing import Result

from briefgen.cli import _DateOrLatest, cli
from briefgen.config import RANGES, packaged_defaults
from briefgen.learn import MIN_EXAMPLES
from tests.conftest import md_file
from tests.conftest import run_cli as run

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
TEXT = ("Freight operators agreed on Monday to cut transit tariffs on cargo crossing the northern border. "
        "Exports of grain are expected to double within a year, the trade ministry said.")


def documented_codes() -> set[int]:
    """The exit codes the README's table lists."""
    table = (ROOT / "README.md").read_text(encoding="utf-8").partition("### Exit codes")[2].partition("\n\n")[2]
    return {int(code) for code in re.findall(r"^\| (\d+) \|", table, re.M)}


DOCUMENTED = documented_codes()
USAGE, CONFIG, INPUT, NOTHING, OUTPUT, FETCH_FAILED = 2, 3, 4, 5, 10, 11


def commands(group: click.Group = cli, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    """Every command under ``group`` (subgroups walked), with the words that name it."""
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from commands(command, (*path, name))
        else:
            yield (*path, name), command


class World:
    """The files of one case, made afresh in its own folder (which is also the working folder)."""

    def __init__(self, root: Path, archive: Path) -> None:
        self.root = root
        self.corpus = root / "corpus"
        md_file(self.corpus, "a.md", TEXT, title="Tariffs cut", date="2026-11-24")
        self.others = root / "others"
        for n in range(MIN_EXAMPLES):  # enough to learn from: the corpus' article about trade, and others
            md_file(self.corpus, f"t{n}.md", f"Exports of grain from district {n} are expected to rise after a tariff cut, "
                    "the trade ministry said on Monday.", title=f"Exports {n}", date="2026-11-20")
            md_file(self.others, f"b{n}.md", f"The festival of town {n} drew thousands of visitors to the park on a sunny "
                    "Saturday afternoon.", title=f"Festival {n}", date="2026-11-20")
        self.out = root / "out"
        shutil.copytree(archive, self.out, symlinks=True, ignore=shutil.ignore_patterns(".briefgen"))
        (root / "send.toml").write_text('[delivery]\nsender = "desk@example.org"\nrecipients = ["editor@example.org"]\n')
        self.file = root / "file.txt"
        self.file.write_text("hello\n")
        (root / "empty.md").write_text("")
        (root / "binary.md").write_bytes(bytes(range(256)) * 8)
        (root / "empty-dir").mkdir()
        (root / "loop").symlink_to("loop")
        for part, text in (("articles", f"Tariffs cut\n\n{TEXT}\n"), ("summaries", TEXT)):
            (root / "bbc" / part / "business").mkdir(parents=True)
            (root / "bbc" / part / "business" / "100.txt").write_text(text)
        (root / "golden.jsonl").write_text('{"text": "One. Two.", "expected": ["One.", "Two."]}\n')
        story = {"story_id": "s1", "date": "2026-11-24", "title": "Tariffs cut", "text": TEXT}
        (root / "stories.jsonl").write_text(json.dumps(story) + "\n" + json.dumps({**story, "title": "Tariffs are cut"}) + "\n")
        item = {"id": "p1", "date": "2026-11-24", "category": "Business and economy", "summary": TEXT, "sources": []}
        (root / "portal.jsonl").write_text(json.dumps(item) + "\n")
        (root / "reuters").mkdir()
        (root / "reuters" / "reut2-000.sgm").write_text(
            '<REUTERS TOPICS="YES" LEWISSPLIT="TEST" NEWID="1"><TOPICS><D>trade</D></TOPICS>'
            f'<TEXT><TITLE>TARIFFS CUT</TITLE><BODY>{TEXT}</BODY></TEXT></REUTERS>\n')
        self.paths = {
            "missing": root / "no-such" / "thing",
            "under-a-file": self.file / "thing",
            "too-long": Path("/" + "x" * 5000),
            "a-file": self.file,
            "empty-file": root / "empty.md",
            "binary-file": root / "binary.md",
            "empty-folder": root / "empty-dir",
            "device": self.device(root / "null"),
            "symlink-loop": root / "loop",
        }


    @staticmethod
    def device(path: Path) -> Path:
        """A character device of our own, like /dev/null (never the real one: a command that
        wrongly replaced it would replace it for the whole machine); a link to /dev/null where
        only root may make devices (replacing a link leaves its target alone)."""
        try:
            os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        except PermissionError:
            path.symlink_to("/dev/null")
        return path


#: a sound command line of each command (what it needs, nothing more), given the case's World
SOUND: dict[tuple[str, ...], Callable[[World], list[str]]] = {
    ("daily",): lambda w: ["--corpus", str(w.corpus), "--out", str(w.out), "--date", "latest", "--format", "md"],
    ("fetch",): lambda w: ["--corpus", str(w.root / "fetched"), "--feed", "http://127.0.0.1:9/rss.xml", "--dry-run",
                           "--config", str(w.root / "no-private.toml")],
    ("send",): lambda w: ["--out", str(w.out), "--dry-run", "--config", str(w.root / "send.toml")],
    ("publish",): lambda w: [str(w.root / "www"), "--out", str(w.out)],
    ("summarize",): lambda w: [str(w.corpus / "a.md")],
    ("sentences",): lambda w: [str(w.corpus / "a.md")],
    ("topics",): lambda w: [],
    ("learn",): lambda w: ["--topic", "trade", "--about", str(w.corpus), "--not-about", str(w.others), "-o", str(w.root / "m.npz")],
    ("eval", "briefing"): lambda w: [str(w.root / "portal.jsonl"), "--from", "2026-11-24"],
    ("eval", "layouts"): lambda w: [str(w.root / "bbc")],
    ("eval", "rouge"): lambda w: [str(w.root / "bbc")],
    ("eval", "sbd"): lambda w: [str(w.root / "golden.jsonl")],
    ("eval", "stories"): lambda w: [str(w.root / "stories.jsonl")],
    ("eval", "topics"): lambda w: [str(w.root / "reuters")],
}

#: the exit codes a bad value of a path may give, by what the path is for (a usage error, 2, is
#: always allowed: click refuses a file where a folder must be, and the reverse)
PATH_CODES: dict[str, set[int]] = {
    "config_file": {CONFIG},
    "log_file": {OUTPUT},
    # where briefgen writes
    "out": {INPUT, NOTHING, OUTPUT}, "dest": {OUTPUT, INPUT}, "cache_dir": {OUTPUT}, "output": {OUTPUT, INPUT, NOTHING},
    "state_file": {OUTPUT}, "save_model": {OUTPUT, INPUT, NOTHING}, "json_file": {OUTPUT, INPUT, NOTHING},
}


def bad_values(param: click.Parameter, w: World, ctx_name: str = "") -> dict[str, tuple[str, set[int]]]:
    """The mistakes a user can make in ``param``: name → (value, the exit codes that fit)."""
    kind = param.type
    if isinstance(kind, click.Path):
        fits = {USAGE} | PATH_CODES.get(param.name or "", {INPUT, NOTHING})
        if param.name == "corpus" and "fetch" in (ctx_name or ""):  # fetch writes into its corpus
            fits |= {OUTPUT}
        found = {name: (str(path), fits) for name, path in w.paths.items()}
        found["empty"] = ("", {USAGE})  # an unset variable ("$OUT"): never the working folder
        return found
    if isinstance(kind, click.types._NumberRangeBase | click.types.IntParamType | click.types.FloatParamType):
        found = {"word": ("ten", {USAGE}), "fraction": ("1.5", {USAGE}), "empty": ("", {USAGE})}
        if getattr(kind, "min", None) is not None:
            found["below"] = (str(kind.min - 1), {USAGE})  # type: ignore[attr-defined]
        if getattr(kind, "max", None) is not None:
            found["above"] = (str(kind.max + 1), {USAGE})  # type: ignore[attr-defined]
        return found
    if isinstance(kind, click.Choice):
        return {"unknown": ("no-such-choice", {USAGE}), "empty": ("", {USAGE})}
    if isinstance(kind, _DateOrLatest | click.DateTime):
        return {"30-feb": ("2026-02-30", {USAGE}), "word": ("yesterday", {USAGE}), "far-back": ("latest-99999", {USAGE}),
                "year-0": ("0000-01-01", {USAGE}), "empty": ("", {USAGE})}
    if kind is click.STRING:
        # a string may be any text: a wrong one is a usage or config error, or nothing found
        fits = {USAGE, CONFIG, NOTHING}
        return {"empty": ("", fits), "unknown": ("no-such-name", fits), "control": ("a\x1b[31mb\nc\x00", fits)}
    return {}


def cases() -> Iterator[object]:
    for path, command in commands():
        for param in command.params:
            if param.name in ("help", "version") or getattr(param, "is_flag", False):
                continue
            probe = World.__new__(World)  # the names of the bad values only
            probe.paths = dict.fromkeys(["missing", "under-a-file", "too-long", "a-file", "empty-file", "binary-file",
                                         "empty-folder", "device", "symlink-loop"], Path("/"))
            for name in bad_values(param, probe):
                yield pytest.param(path, param.name, name, id=f"{' '.join(path)}:{param.name}:{name}")


def command_line(w: World, path: tuple[str, ...], param: click.Parameter, value: str) -> list[str]:
    """The sound command line of ``path`` with ``param`` set to ``value``."""
    sound = SOUND[path](w)
    if isinstance(param, click.Argument):  # a command's one argument comes first in SOUND
        return [value, *(sound[1:] if sound and not sound[0].startswith("-") else sound)]
    flag = param.opts[0]
    for i, word in enumerate(sound):
        if word in param.opts:
            return [*sound[:i], flag, value, *sound[i + 2:]]
    return [*sound, flag, value]


def check(result: Result, fits: set[int], what: str) -> None:
    """No traceback; success, or one ``Error:`` line and a ``Hint:`` line with a code in ``fits``."""
    out = result.stdout + result.stderr
    crashed = result.exception if not isinstance(result.exception, SystemExit) else None
    assert crashed is None and "Traceback" not in out, f"{what}: {crashed!r}\n{out}"
    assert result.exit_code in DOCUMENTED and result.exit_code != 1, f"{what}: exit {result.exit_code}\n{out}"
    if result.exit_code in (0, 9, FETCH_FAILED):  # done, done in part, or (fetch) every source tried and failed
        return
    assert result.exit_code in fits, f"{what}: exit {result.exit_code}, not one of {sorted(fits)}\n{result.stderr}"
    lines = result.stderr.splitlines()  # warnings may come first
    errors = [n for n, line in enumerate(lines) if line.startswith("Error: ")]
    assert len(errors) == 1 and not lines[errors[0]].startswith("Error: Error"), f"{what}: not one Error: line\n{result.stderr}"
    assert lines[errors[0] + 1:] and lines[-1].startswith("Hint: ") and errors[0] == len(lines) - 2, \
        f"{what}: no Hint: line after the Error: line\n{result.stderr}"
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", result.stderr), f"{what}: control characters reach the terminal\n{result.stderr!r}"


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive of one briefing (with its PDF, for `send`), copied into each case's World."""
    root = tmp_path_factory.mktemp("archive")
    md_file(root / "corpus", "a.md", TEXT, title="Tariffs cut", date="2026-11-24")
    result = run("daily", "--corpus", str(root / "corpus"), "--out", str(root / "out"), "--date", "latest", "--format", "md,pdf,json")
    assert result.exit_code == 0, result.stderr
    return root / "out"


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, archive: Path) -> Iterator[World]:
    monkeypatch.chdir(tmp_path)  # a relative path ("", ".") lands here, never in the checkout
    w = World(tmp_path, archive)
    (tmp_path / "no-private.toml").write_text("[fetch]\nallow_private = false\nretries = 0\n")
    yield w
    mode = os.lstat(w.paths["device"]).st_mode
    assert stat.S_ISCHR(mode) or stat.S_ISLNK(mode), "a device was replaced by a file"


def test_every_command_has_a_sound_command_line() -> None:
    """A new command joins the walk (its sound command line is written here)."""
    assert {path for path, _ in commands()} == set(SOUND)


@pytest.mark.parametrize(("path", "name", "mistake"), list(cases()))
def test_a_bad_value(world: World, path: tuple[str, ...], name: str, mistake: str) -> None:
    command = dict(commands())[path]
    param = next(p for p in command.params if p.name == name)
    value, fits = bad_values(param, world, " ".join(path))[mistake]
    args = command_line(world, path, param, value)
    check(run(*path, *args), fits, f"briefgen {' '.join(path)} {' '.join(map(repr, args))}")
    assert not (world.root / ".briefgen.lock").exists() and not (world.root / "index.html").exists(), \
        "wrote into the working folder"


def config_mistakes() -> Iterator[object]:
    """Each setting of the packaged defaults with a value of another type, and each number just
    outside its range."""
    for table, settings in packaged_defaults().items():
        if table == "topics":
            continue
        for key, value in settings.items():
            wrong = '"ten"' if isinstance(value, int | float) and not isinstance(value, bool) else (
                '"yes"' if isinstance(value, bool) else "[1, [2]]" if isinstance(value, str) else "{ a = 1 }")
            yield pytest.param(f"[{table}]\n{key} = {wrong}\n", id=f"{table}.{key}:wrong-type")
    for dotted, allowed in RANGES.items():
        table, key = dotted.split(".")
        yield pytest.param(f"[{table}]\n{key} = {allowed.low - 1}\n", id=f"{dotted}:below")
        yield pytest.param(f"[{table}]\n{key} = {allowed.high * 10 + 1}\n", id=f"{dotted}:above")
        yield pytest.param(f"[{table}]\n{key} = nan\n", id=f"{dotted}:nan")


@pytest.mark.parametrize("toml", list(config_mistakes()))
def test_a_bad_setting_is_a_config_error(world: World, toml: str) -> None:
    config = world.root / "bad.toml"
    config.write_text(toml)
    check(run("topics", "--config", str(config)), {CONFIG}, toml)


CONFIG_FILES = {
    "not-toml": "this is not = = toml\n",
    "unknown-table": "[no_such_table]\nx = 1\n",
    "unknown-key": "[briefing]\nno_such_key = 1\n",
    "topic-without-terms": '[topics.mine]\ntitle = "Mine"\n[briefing]\ntopics = ["mine"]\n',
    "unknown-topic": '[briefing]\ntopics = ["nowhere"]\n',
    "topic-model-missing": '[topics.trade]\nmodel = "no-such-model.npz"\n',
    "a-table-for-a-topic": '[topics]\ntrade = 5\n',
    "unknown-format": '[briefing]\nformats = ["docx"]\n',
    "bad-basename": '[output]\nbasename = "../escape"\n',
    "bad-site-url": '[output]\nsite_url = "javascript:alert(1)"\n',
    "bad-security": '[delivery]\nsecurity = "maybe"\n',
    "templates-missing": '[output]\ntemplates = "no-such-folder"\n',
    "bad-scheduler": '[engine]\nscheduler = "not an address"\n',
    "bad-feed-url": '[fetch]\nfeeds = ["ftp://news.example/rss"]\n',
    "opml-missing": '[fetch]\nopml = "no-such.opml"\n',
    "min-over-max-words": "[ranking]\nmin_words = 50\nmax_words = 10\n",
    "nested-deep": "x = " + "[" * 3000 + "]" * 3000 + "\n",
    "huge-integer": "[briefing]\ndays = " + "9" * 5000 + "\n",
    "bad-subject": '[delivery]\nsubject = "{title.__class__}"\nrecipients = ["a@example.org"]\nsender = "b@example.org"\n',
    "no-recipients": '[delivery]\nrecipients = []\n',
}


@pytest.mark.parametrize("content", list(CONFIG_FILES.values()), ids=list(CONFIG_FILES))
@pytest.mark.parametrize("path", [("topics",), ("daily",), ("send",), ("fetch",)], ids=" ".join)
def test_a_bad_config_file(world: World, path: tuple[str, ...], content: str) -> None:
    """A config that cannot be used stops every command with exit 3 (or, where the command does
    not use the setting, lets it run)."""
    config = world.root / "bad.toml"
    config.write_text(content)
    sound = SOUND[path](world)
    args = sound[:sound.index("--config")] if "--config" in sound else sound
    result = run(*path, *args, "--config", str(config))
    check(result, {CONFIG, INPUT, NOTHING, 11}, f"{path} with {content[:60]!r}")


CONFLICTS: dict[str, list[str]] = {
    "daily --dry-run without --send": ["daily", "--corpus", "{corpus}", "--out", "{out}", "--dry-run"],
    "daily --cache with --no-cache": ["daily", "--corpus", "{corpus}", "--out", "{out}", "--cache", "{root}/c", "--no-cache"],
    "daily --corpus is --out": ["daily", "--corpus", "{corpus}", "--out", "{corpus}", "--date", "latest"],
    "daily --format ,": ["daily", "--corpus", "{corpus}", "--out", "{out}", "--format", ","],
    "daily --format md,md": ["daily", "--corpus", "{corpus}", "--out", "{out}", "--format", "md,md"],
    "daily an empty corpus": ["daily", "--corpus", "{root}/empty-dir", "--out", "{out}", "--date", "latest"],
    "daily a corpus of an unreadable file": ["daily", "--corpus", "{root}/junk", "--out", "{out}", "--date", "latest"],
    "daily a window with no article": ["daily", "--corpus", "{corpus}", "--out", "{out}", "--date", "2001-01-01"],
    "learn the same folder twice": ["learn", "--topic", "trade", "--about", "{corpus}", "--not-about", "{corpus}", "-o", "{root}/m.npz"],
    "learn an unknown topic": ["learn", "--topic", "nope", "--about", "{corpus}", "--not-about", "{others}", "-o", "{root}/m.npz"],
    "learn from an empty folder": ["learn", "--topic", "trade", "--about", "{root}/empty-dir", "--not-about", "{others}",
                                   "-o", "{root}/m.npz"],
    "learn too few articles": ["learn", "--topic", "trade", "--about", "{corpus}", "--not-about", "{others}", "-o", "{root}/m.npz"],
    "summarize an unknown topic": ["summarize", "--topic", "nope", "{corpus}/a.md"],
    "summarize an empty folder": ["summarize", "{root}/empty-dir"],
    "summarize stdin twice": ["summarize", "-", "-"],
    "sentences an empty stdin": ["sentences", "-"],
    "fetch a feed that is not http": ["fetch", "--corpus", "{root}/f", "--feed", "file:///etc/passwd"],
    "fetch a page that is not a URL": ["fetch", "--corpus", "{root}/f", "--page", "news"],
    "fetch nothing to fetch": ["fetch", "--corpus", "{root}/f"],
    "fetch into a file": ["fetch", "--corpus", "{root}/file.txt", "--feed", "http://127.0.0.1:9/rss.xml"],
    "send with no briefing": ["send", "--out", "{root}/empty-dir"],
    "send without recipients": ["send", "--out", "{out}"],
    "publish into the archive": ["publish", "{out}/www", "--out", "{out}"],
    "publish the archive onto itself": ["publish", "{out}", "--out", "{out}"],
    "eval topics with neither": ["eval", "topics"],
    "eval rouge an unknown system": ["eval", "rouge", "{root}/empty-dir", "--algorithms", "nope"],
    "eval rouge an empty folder": ["eval", "rouge", "{root}/empty-dir"],
    "eval sbd an empty file": ["eval", "sbd", "{root}/empty.md"],
    "learn into a device": ["learn", "--topic", "trade", "--about", "{corpus}", "--not-about", "{others}", "-o", "{root}/null"],
    "eval sbd a file that is not JSON lines": ["eval", "sbd", "{root}/binary.md"],
    "eval stories a file that is not JSON lines": ["eval", "stories", "{root}/file.txt"],
    "eval briefing --to before --from": ["eval", "briefing", "{root}/file.txt", "--from", "2026-11-24", "--to", "2026-11-01"],
    "eval layouts an empty folder": ["eval", "layouts", "{root}/empty-dir"],
    "an unknown command": ["brief"],
    "an unknown option": ["daily", "--no-such-option"],
    "an option without its value": ["daily", "--out"],
}


@pytest.mark.parametrize("words", list(CONFLICTS.values()), ids=list(CONFLICTS))
def test_a_command_line_that_cannot_work(world: World, words: list[str]) -> None:
    (world.root / "junk").mkdir()
    (world.root / "junk" / "x.md").write_bytes(b"\x00\x01" * 100)
    args = [w.format(corpus=world.corpus, out=world.out, root=world.root, others=world.others) for w in words]
    check(run(*args), {USAGE, CONFIG, INPUT, NOTHING, OUTPUT, 11}, " ".join(args))


@pytest.mark.parametrize(("module", "words"), [
    ("sklearn", ["learn", "--topic", "trade", "--about", "{corpus}", "--not-about", "{others}", "-o", "{root}/m.npz"]),
    ("rouge_score", ["eval", "rouge", "{root}/bbc"]),
], ids=["learn", "eval rouge"])
def test_a_missing_extra_names_it(world: World, monkeypatch: pytest.MonkeyPatch, module: str, words: list[str]) -> None:
    for name in [m for m in sys.modules if m == module or m.startswith(module + ".")] + [module]:
        monkeypatch.setitem(sys.modules, name, None)  # importing it fails, as when it is not installed
    result = run(*[w.format(corpus=world.corpus, root=world.root, others=world.others) for w in words])
    check(result, {CONFIG}, module)
    assert "pip install 'briefgen[" in result.stderr


#: a handful of the cases above in a real process: what reaches the terminal there
IN_A_PROCESS = [
    ["daily", "--corpus", "{root}/no-such", "--out", "{out}"],
    ["daily", "--corpus", "{corpus}", "--out", "", "--date", "latest"],
    ["daily", "--corpus", "{corpus}", "--out", "{out}", "--log-file", "{root}/no-such/x.log"],
    ["send", "--out", "/" + "x" * 5000],
    ["publish", "{root}/loop", "--out", "{out}"],
    ["topics", "--config", "{root}/binary.md"],
    ["summarize", "{root}/binary.md"],
    ["sentences", "{root}/loop"],
    ["learn", "--topic", "trade", "--about", "{corpus}", "--not-about", "{corpus}", "-o", "{root}/m.npz"],
    ["eval", "topics", "{root}/no-such"],
]


@pytest.mark.parametrize("words", IN_A_PROCESS, ids=[" ".join(w[:2]) for w in IN_A_PROCESS])
def test_in_a_real_process(world: World, words: list[str]) -> None:
    args = [w.format(corpus=world.corpus, out=world.out, root=world.root) for w in words]
    done = subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=world.root, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert "Traceback" not in done.stderr and done.returncode not in (0, 1), done.stderr
    assert done.returncode in DOCUMENTED, done.stderr
    assert done.stderr.startswith("Error: ") and done.stderr.splitlines()[-1].startswith("Hint: "), done.stderr
