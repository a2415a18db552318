"""Save the screenshots the README shows: a briefing and the index on a phone (390 px, mobile
emulation) and on a desktop (1280 px), from an archive of the bundled corpus's last three days.

    .venv/bin/python scripts/screenshots.py [--out docs]

Needs Debian's Chromium (`apt-get install -y chromium`) and the `playwright` package.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.web.test_browser import DATES, DESKTOP, FLAGS, PHONE  # noqa: E402 - the tests' own devices


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    if chromium is None:
        sys.exit("Error: no Chromium\nHint: apt-get install -y chromium")
    with tempfile.TemporaryDirectory() as folder:
        archive = Path(folder) / "out"
        for date in DATES:
            subprocess.run([sys.executable, "-m", "briefgen", "daily", "--corpus", str(ROOT / "corpus"), "--out", str(archive),
                            "--date", date, "--days", "7", "--format", "html,md,json", "--quiet"], check=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=FLAGS)
            shots = [("phone", PHONE, f"{DATES[-1]}/briefing.html", False, 0),
                     ("phone-dark", PHONE, f"{DATES[-1]}/briefing.html", True, 0),
                     ("desktop", DESKTOP, f"{DATES[-1]}/briefing.html", False, 0),
                     ("index-phone", PHONE, "index.html", False, 0),
                     ("index-desktop", DESKTOP, "index.html", False, 0),
                     ("chart", DESKTOP, "index.html", False, 1)]
            for name, device, page_name, dark, chart in shots:
                context = browser.new_context(**device, color_scheme="dark" if dark else "light")
                page = context.new_page()
                page.goto((archive / page_name).as_uri())
                target = args.out / f"screenshot-{name}.png"
                if chart:
                    page.locator("figure.coverage svg.chart").screenshot(path=str(target))
                else:
                    page.screenshot(path=str(target))
                print(target)
                context.close()
            browser.close()


if __name__ == "__main__":
    main()
