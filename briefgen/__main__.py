"""``python -m briefgen`` and the ``briefgen`` command.

:func:`main` imports the command line itself, so that Ctrl-C while it loads is reported like
any other interruption (``Error: interrupted``, status 130) rather than as a traceback.
"""

import sys


def main() -> None:
    try:
        from briefgen.cli import INTERRUPTED, cli
    except KeyboardInterrupt:
        sys.stderr.write("Error: interrupted\n")
        sys.exit(130)
    try:
        cli(prog_name="briefgen")
    except KeyboardInterrupt:  # after click has finished, e.g. while the interpreter exits
        sys.stderr.write("Error: interrupted\n")
        sys.exit(INTERRUPTED)


if __name__ == "__main__":
    main()
