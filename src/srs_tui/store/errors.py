"""The one error the store raises: a message fit to show a user as it is."""


class StoreError(Exception):
    """Something about the database file or a write that the user needs to know."""
