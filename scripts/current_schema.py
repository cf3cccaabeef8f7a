"""Write src/srs_tui/store/current_schema.py: the current version's schema and lookup rows as
files of that version are compared with them on opening. After adding a migration.

Run: uv run python scripts/current_schema.py
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from srs_tui.store.schema import (
    SCHEMA_VERSION,
    canonical_text,
    expected_lookups,
    expected_schema,
)

TARGET = Path(__file__).resolve().parents[1] / "src" / "srs_tui" / "store" / "current_schema.py"


def main() -> None:
    text = canonical_text(expected_schema(SCHEMA_VERSION), expected_lookups(SCHEMA_VERSION))
    lines = "".join(f"    {line!r}\n" for line in text.splitlines(keepends=True))
    TARGET.write_text(
        '"""The current version\'s schema and its lookup rows, as schema.canonical_text() writes '
        "them.\n\nWritten by scripts/current_schema.py, never by hand; tests/test_migration.py "
        'checks\nthat the migrations make exactly this."""\n\n'
        f"# ruff: noqa: E501\n\nTEXT = (\n{lines})\n",
        encoding="utf-8",
    )
    subprocess.run([sys.executable, "-m", "ruff", "format", "-q", str(TARGET)], check=False)


if __name__ == "__main__":
    main()
