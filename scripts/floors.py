"""What `make eval` and `make bench` share: the floors table and how a report is finished."""

from __future__ import annotations

from pathlib import Path

Check = tuple[str, bool]  #: (what was measured against which floor, met)


def floors_table(checks: list[Check]) -> str:
    rows = "\n".join(f"| {text} | {'yes' if ok else '**no**'} |" for text, ok in checks)
    return f"| check | met |\n|---|---|\n{rows}"


def finish(out: Path, report: str, checks: list[Check]) -> int:
    """Write the report, print each check, and return the exit status (1 if a floor is missed)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report, encoding="utf-8")
    for text, ok in checks:
        print(f"{'met   ' if ok else 'FAILED'}  {text}")
    print(f"wrote {out}")
    return 0 if all(ok for _, ok in checks) else 1
