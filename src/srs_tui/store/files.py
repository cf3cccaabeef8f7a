"""Writing a file the user asked for: private (0600), whole or not at all, never clobbering.

It works on what a therapist writes to as well as on the home folder: FAT and exFAT sticks
and SMB shares have no hard links and may refuse chmod, so neither is required there.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from srs_tui.store.errors import StoreError


def temporary_beside(path: Path) -> Path:
    """A fresh, private, empty file in the same folder, for a rename into place later."""
    import secrets  # here: a command that writes no file never loads it (nor hashlib, hmac)

    while True:
        candidate = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(candidate, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            continue
        except OSError as error:
            raise StoreError(f"{path.parent}: cannot write here ({error.strerror}).") from None
        os.close(fd)
        # The mode is masked by the umask at creation; make it exact where the file system
        # has modes at all (FAT and SMB shares refuse or ignore chmod).
        with contextlib.suppress(OSError):
            os.chmod(candidate, 0o600)
        return candidate


def refuse_unless_regular(path: Path) -> None:
    """Refuse to write over anything at path that is not a plain file: a device, a folder,
    a pipe or a link is never replaced, --force or not."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as error:
        raise StoreError(f"{path}: cannot be checked ({error.strerror}).") from None
    if not stat.S_ISREG(mode):
        raise StoreError(f"{path}: is not a regular file; nothing was written there.")


def _place_without_link(temporary: Path, path: Path) -> None:
    """No clobbering where hard links do not exist: claim the name with O_EXCL, then rename
    the finished file over the empty one just claimed."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    try:
        os.replace(temporary, path)
    except OSError:
        path.unlink(missing_ok=True)
        raise


def put_in_place(temporary: Path, path: Path, *, force: bool) -> None:
    """Move a finished temporary file to path; without force, an existing file stays."""
    try:
        refuse_unless_regular(path)
        if force:
            os.replace(temporary, path)
            return
        try:
            # link() fails if path exists: no moment in which a file there is overwritten.
            os.link(temporary, path)
        except FileExistsError:
            raise
        except OSError:
            # FAT, exFAT, SMB: no hard links.
            _place_without_link(temporary, path)
        else:
            temporary.unlink()
    except FileExistsError:
        temporary.unlink(missing_ok=True)
        raise StoreError(f"{path}: already exists; choose another name or add --force.") from None
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise StoreError(f"{path}: cannot be written ({error.strerror}).") from None
    except StoreError:
        temporary.unlink(missing_ok=True)
        raise


def _refuse_existing(path: Path, *, force: bool) -> None:
    refuse_unless_regular(path)
    if path.exists() and not force:
        raise StoreError(f"{path}: already exists; choose another name or add --force.")


@contextlib.contextmanager
def writing_private(path: Path, *, force: bool = False) -> Iterator[BinaryIO]:
    """A private file to write in pieces, put at path (mode 0600) only when the block ends.

    For what is too large to hold in memory whole (an export of a million sessions): the
    pieces go to a temporary file beside path, which is synced and then put in place as
    write_private() does. If the block fails, the temporary file is removed and nothing is at
    path.
    """
    _refuse_existing(path, force=force)
    temporary = temporary_beside(path)
    try:
        with temporary.open("wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise StoreError(f"{path}: cannot be written ({error.strerror}).") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    put_in_place(temporary, path, force=force)


def write_private(path: Path, data: bytes, *, force: bool = False) -> None:
    """Write data to path as a whole, mode 0600."""
    _refuse_existing(path, force=force)
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
