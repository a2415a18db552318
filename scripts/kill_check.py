"""kill -9 and SIGTERM at random moments of `briefgen daily --jobs 2`: does anything outlive it?

Builds a made-up corpus (generated sentences, no third-party text; 3,000 files by default),
times one whole run, then starts runs and sends each, at a random moment of that time (seeded),
SIGKILL or SIGTERM in turn, to the briefgen process alone (as `timeout`, `docker stop` or the
OOM killer do). Half the runs build the corpus index (deleted first), half split the articles
under the output folder's lock (`--no-cache`). After each kill it checks that no process of the
run is left (within 10 s) and that both locks, `OUT/.briefgen.lock` and
`OUT/.briefgen/corpus.sqlite.lock`, are free at once; at the end, one more run with
`lock_timeout = 0` must brief. Prints a Markdown table; exit status 1 if any check failed.

    python scripts/kill_check.py [--files 3000] [--runs 20] [--seed 23] [--work DIR]

Issue 23's "Done when"; tests/test_kill.py covers the mechanism in the suite.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import fcntl
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORDS = {
    "who": ["Freight operators", "The trade ministry", "Border officials", "Grain traders", "The central bank", "Rail planners",
            "Customs officers", "Farm cooperatives", "Port authorities", "Energy regulators"],
    "did": ["agreed to cut", "proposed to raise", "announced a review of", "postponed talks on", "signed a deal on",
            "warned about", "published figures on", "opened an inquiry into"],
    "what": ["transit tariffs", "cargo fees", "grain exports", "fuel prices", "rail capacity", "border inspections",
             "cotton quotas", "power imports", "customs duties", "storage costs"],
    "where": ["in the northern corridor", "at the river crossing", "along the eastern line", "in the capital",
              "near the mountain pass", "at the main depot", "across the southern plain"],
}


def sentence(rng: random.Random) -> str:
    return (f"{rng.choice(WORDS['who'])} {rng.choice(WORDS['did'])} {rng.choice(WORDS['what'])} "
            f"{rng.choice(WORDS['where'])} on {rng.choice(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'])}, "
            f"officials said in a statement numbered {rng.randrange(10_000)}.")


def make_corpus(folder: Path, files: int, rng: random.Random) -> None:
    """``files`` Markdown articles over seven days, each of five to twelve generated sentences."""
    first = dt.date(2026, 11, 23)
    for n in range(files):
        day = first + dt.timedelta(days=n % 7)
        body = " ".join(sentence(rng) for _ in range(rng.randint(5, 12)))
        title = sentence(rng).split(",")[0]
        path = folder / day.isoformat() / f"article-{n:05d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f'---\ntitle: "{title}"\ndate: {day.isoformat()}\nsource: Wire {n % 9}\n'
                        f"url: https://wire{n % 9}.example/{n}\n---\n\n{body}\n", encoding="utf-8")


def command(corpus: Path, out: Path, config: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "briefgen", "daily", "--corpus", str(corpus), "--out", str(out), "--date", "latest",
            "--days", "7", "--jobs", "2", "--format", "md,json", "--quiet", "--config", str(config), *extra]


def group_members(pgid: int) -> list[int]:
    """The live processes of process group ``pgid`` (zombies hold nothing and are left out)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if fields[0] not in ("Z", "X") and int(fields[3]) == pgid:
            found.append(int(entry.name))
    return found


def lock_free(path: Path) -> bool:
    """Whether ``path`` (if there) can be locked at once."""
    if not path.exists():
        return True
    with path.open("a") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=23)
    parser.add_argument("--work", type=Path, default=None, help="folder for the corpus and archive (default: a temporary one)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = args.work or Path(tempfile.mkdtemp(prefix="briefgen-kill-"))
    corpus, out, config = work / "corpus", work / "out", work / "now.toml"
    shutil.rmtree(corpus, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    make_corpus(corpus, args.files, rng)
    config.write_text("[output]\nlock_timeout = 0\n")  # a run that meets a held lock fails at once (exit 8)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    index, out_lock = out / ".briefgen" / "corpus.sqlite", out / ".briefgen.lock"

    def whole_run(*extra: str) -> tuple[int, float, str]:
        started = time.monotonic()
        done = subprocess.run(command(corpus, out, config, *extra), env=env, capture_output=True, text=True)
        return done.returncode, time.monotonic() - started, done.stderr.strip()

    code, with_index, _ = whole_run()
    shutil.rmtree(out / ".briefgen", ignore_errors=True)
    code2, without, _ = whole_run("--no-cache")
    print(f"{args.files} files in {corpus}; a whole run: {with_index:.1f} s building the index, {without:.1f} s with --no-cache "
          f"(exit {code}, {code2}); seed {args.seed}\n")
    print("| # | signal | phase run | killed at (s) | exit | processes left after 10 s | output lock free | index lock free |")
    print("|---|---|---|---|---|---|---|---|")
    failed = 0
    for n in range(1, args.runs + 1):
        how = signal.SIGKILL if n % 2 else signal.SIGTERM
        build = (n // 2) % 2 == 0
        if build:
            shutil.rmtree(out / ".briefgen", ignore_errors=True)  # the index is built from scratch, in the pool
        total = with_index if build else without
        moment = rng.uniform(0.1, 0.95) * total
        run = subprocess.Popen(command(corpus, out, config, *(() if build else ("--no-cache",))), env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        time.sleep(moment)
        with contextlib.suppress(ProcessLookupError):
            os.kill(run.pid, how)  # the parent alone
        _, stderr = run.communicate(timeout=120)
        deadline = time.monotonic() + 10
        while group_members(run.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        left = group_members(run.pid)
        free_out, free_index = lock_free(out_lock), lock_free(Path(f"{index}.lock"))
        # 143: stopped by briefgen's handler; -15: a SIGTERM that came after the command was done
        # (its handler gone, the default action ends the exiting process); 0: done before the kill
        ok = not left and free_out and free_index and run.returncode in (0, 143, -signal.SIGTERM, -signal.SIGKILL)
        failed += not ok
        print(f"| {n} | {how.name} | {'index build' if build else 'split (--no-cache)'} | {moment:.2f} | {run.returncode} | "
              f"{len(left)} | {'yes' if free_out else 'NO'} | {'yes' if free_index else 'NO'} |{'' if ok else ' FAILED'}")
        for pid in left:  # leave nothing behind, whatever happened
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    code, took, stderr = whole_run()
    lock_waits = "another briefgen run" in stderr
    print(f"\nthe next run (lock_timeout = 0): exit {code} in {took:.1f} s; {'met a held lock' if lock_waits else 'no lock wait'}")
    failed += code != 0 or lock_waits
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    print("all checks passed" if not failed else f"{failed} check(s) FAILED")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
