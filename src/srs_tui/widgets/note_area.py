"""The session note's TextArea, which lets go of its watcher on the app's theme as it unmounts
(see unwatched.py)."""

from __future__ import annotations

from textual.widgets import TextArea

from srs_tui.widgets.unwatched import forget_watchers


class NoteArea(TextArea):
    def _on_unmount(self) -> None:
        super()._on_unmount()
        forget_watchers(self.app, self)
