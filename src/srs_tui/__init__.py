"""srs-tui: administer the Session Rating Scale in the terminal."""

__version__ = "0.1.0"
