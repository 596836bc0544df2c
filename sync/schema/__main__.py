"""``python -m sync.schema [--check]``: write (or check) the generated protocol files."""

from __future__ import annotations

import argparse
import sys

from sync.schema import REPO_ROOT, drifted, write


def main(argv: list[str] | None = None) -> int:
    """Write the generated files, or with ``--check`` exit 1 when any of them drifted."""
    parser = argparse.ArgumentParser(prog="python -m sync.schema", description=__doc__)
    parser.add_argument("--check", action="store_true", help="only report drift")
    options = parser.parse_args(argv)
    if options.check:
        stale = drifted(REPO_ROOT)
        for path in stale:
            print(f"out of date: {path} (run python -m sync.schema)", file=sys.stderr)
        return 1 if stale else 0
    for path in write(REPO_ROOT):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
