"""srs-tui on a vault, started as the app starts with SRS_TUI_PASSPHRASE: the key derived from
the passphrase (scrypt) before anything is read, then the app. For the start-up benchmark where
the app does not yet unlock a vault itself.

python benchmarks/vault_start.py --db PATH [srs-tui's other arguments]
"""

import os
import sys
from pathlib import Path


def main() -> int:
    from srs_tui.store import vault

    arguments = sys.argv[1:]
    db = Path(arguments[arguments.index("--db") + 1])
    if not vault.unlock(db, os.environ["SRS_TUI_PASSPHRASE"]):
        print("wrong passphrase", file=sys.stderr)
        return 1
    from srs_tui.__main__ import main as run

    return run(arguments)


if __name__ == "__main__":
    raise SystemExit(main())
