"""`make defaults`: write briefgen/defaults.toml from the settings declared in briefgen/config.py
(each with its default, range and doc); the topics at the end of the file are kept as they are.

Usage: python scripts/defaults.py [--check]   (--check: exit 1 when the file is not up to date)
"""

from __future__ import annotations

import sys
from pathlib import Path

from briefgen.config import defaults_toml

DEFAULTS = Path(__file__).resolve().parents[1] / "briefgen" / "defaults.toml"


def main(argv: list[str]) -> int:
    current = DEFAULTS.read_text(encoding="utf-8")
    wanted = defaults_toml(current)
    if current == wanted:
        print(f"{DEFAULTS.name} is up to date")
        return 0
    if "--check" in argv:
        print(f"{DEFAULTS.name} differs from the declarations in briefgen/config.py: run `make defaults`")
        return 1
    DEFAULTS.write_text(wanted, encoding="utf-8")
    print(f"wrote {DEFAULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
