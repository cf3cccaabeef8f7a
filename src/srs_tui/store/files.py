"""Writing a file the user asked for: private (0600), whole or not at all, never clobbering."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from srs_tui.store.errors import StoreError


def temporary_beside(path: Path) -> Path:
    """A fresh, private, empty file in the same folder, for a rename into place later."""
    while True:
        candidate = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(candidate, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            continue
        except OSError as error:
            raise StoreError(f"{path.parent}: cannot write here ({error.strerror}).") from None
        os.close(fd)
        os.chmod(candidate, 0o600)
        return candidate


def put_in_place(temporary: Path, path: Path, *, force: bool) -> None:
    """Move a finished temporary file to path; without force, an existing file stays."""
    try:
        if force:
            os.replace(temporary, path)
        else:
            # link() fails if path exists: no moment in which a file there is overwritten.
            os.link(temporary, path)
            temporary.unlink()
    except FileExistsError:
        temporary.unlink(missing_ok=True)
        raise StoreError(f"{path}: already exists; choose another name or add --force.") from None
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise StoreError(f"{path}: cannot be written ({error.strerror}).") from None


def write_private(path: Path, data: bytes, *, force: bool = False) -> None:
    """Write data to path as a whole, mode 0600."""
    if path.exists() and not force:
        raise StoreError(f"{path}: already exists; choose another name or add --force.")
    temporary = temporary_beside(path)
    try:
        with temporary.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise StoreError(f"{path}: cannot be written ({error.strerror}).") from None
    put_in_place(temporary, path, force=force)
