"""The SQLite store: open, migrate, read and write. No Textual here."""

from srs_tui.store.errors import StoreError
from srs_tui.store.paths import default_data_dir, default_db_path
from srs_tui.store.records import Administration, Client, ClientSummary
from srs_tui.store.sessions import Visit
from srs_tui.store.store import Store

__all__ = [
    "Administration",
    "Client",
    "ClientSummary",
    "Store",
    "StoreError",
    "Visit",
    "default_data_dir",
    "default_db_path",
]
