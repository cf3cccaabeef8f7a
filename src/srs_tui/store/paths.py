"""Where the data lives by default: functions, never constants, so tests never touch home."""

from __future__ import annotations

from pathlib import Path

BACKUP_FOLDER = "backups"  # in the data folder
DAILY_PREFIX = "daily-"

APP_NAME = "srs-tui"
DB_FILE_NAME = "srs-tui.db"


def default_data_dir() -> Path:
    """The user data folder, e.g. ~/.local/share/srs-tui on Linux."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def default_db_path() -> Path:
    """The database the app opens without --db."""
    return default_data_dir() / DB_FILE_NAME
