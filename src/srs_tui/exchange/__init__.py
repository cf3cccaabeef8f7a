"""File formats beside the database: import, export, the report, backups and restore."""
