"""The passphrase that lifts the idle lock, kept only as a salted scrypt hash (file mode 0600)."""

from __future__ import annotations

import base64
import os
from pathlib import Path

FILE_NAME = "passphrase"
# scrypt's cost: about 16 MiB and a few tens of milliseconds a check, enough to make guessing
# from a stolen file slow while the lock still lifts at once.
N, R, P = 2**14, 8, 1
MAX_MEMORY = 64 * 1024 * 1024
SALT_BYTES = 16
PREFIX = "scrypt"


class PassphraseError(Exception):
    """A passphrase file that cannot be used; the message says why."""


def default_passphrase_path() -> Path:
    """The hash file, beside the settings in the user config folder."""
    from platformdirs import user_config_path

    return user_config_path("srs-tui", appauthor=False) / FILE_NAME


# hashlib, hmac and secrets are imported where they are used: the app imports this module as
# it starts, and needs them only when a passphrase is set or checked.


def _digest(secret: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    import hashlib

    return hashlib.scrypt(secret.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=MAX_MEMORY)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def set_passphrase(path: Path, secret: str) -> None:
    """Store the hash of secret, replacing any earlier one in one step (never half-written)."""
    if not secret:
        raise PassphraseError("The passphrase cannot be empty.")
    import secrets

    salt = secrets.token_bytes(SALT_BYTES)
    line = f"{PREFIX}${N}${R}${P}${_b64(salt)}${_b64(_digest(secret, salt, N, R, P))}\n"
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def clear_passphrase(path: Path) -> bool:
    """Remove the passphrase; False if there was none."""
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True


def has_passphrase(path: Path | None) -> bool:
    """Whether a passphrase is set."""
    return path is not None and path.is_file()


def check_passphrase(path: Path, secret: str) -> bool:
    """Whether secret is the stored passphrase."""
    try:
        kind, n, r, p, salt, digest = path.read_text(encoding="ascii").strip().split("$")
        if kind != PREFIX:
            raise ValueError(kind)
        expected = base64.b64decode(digest, validate=True)
        actual = _digest(secret, base64.b64decode(salt, validate=True), int(n), int(r), int(p))
    except (OSError, ValueError) as error:
        raise PassphraseError(f"{path}: not a passphrase file srs-tui can read.") from error
    import hmac

    return hmac.compare_digest(actual, expected)
