"""Fit the default topics' relevance model on the portal's 2011–2015 reports (make relevance-model).

Usage: python scripts/train_relevance.py PORTAL.jsonl OUT.npz
"""

import sys
from pathlib import Path

from briefgen.config import load_options
from briefgen.relevance import train


def main() -> int:
    portal, out = Path(sys.argv[1]), Path(sys.argv[2])
    model = train(portal, load_options().topics)
    tmp = out.with_suffix(".tmp")
    with tmp.open("wb") as handle:
        model.save(handle)
    tmp.replace(out)
    print(f"wrote {out} ({out.stat().st_size} bytes): {model.info}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
