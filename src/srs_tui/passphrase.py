"""The passphrase that lifts the idle lock, kept only as a salted scrypt hash (file mode 0600).

The file is one line, scrypt$N$r$p$salt$hash, and is trusted only as far as its parameters go:
a file asking for less work than srs-tui has ever written (N=2^14, r=8, p=1, from the version
before this one) is refused, not checked, so that a file written by someone else with n=2 never
lifts the lock. A file at that older cost is accepted and, at the first passphrase that matches
it, written again at today's cost.
"""

from __future__ import annotations

import base64
import contextlib
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from srs_tui.key_cost import MIN_PASSPHRASE, N, P, R, cost_problem, derive

FILE_NAME = "passphrase"
# The least a file may ask for: what the previous version wrote. Anything below it was not
# written by srs-tui and would make guessing from a stolen copy cheap.
FLOOR_N, FLOOR_R, FLOOR_P = 2**14, 8, 1
SALT_BYTES = 16
HASH_BYTES = 64  # hashlib.scrypt's default length, which every version has written
PREFIX = "scrypt"
ENVIRONMENT = "SRS_TUI_PASSPHRASE"
_LINE = re.compile(r"scrypt\$([0-9]{1,10})\$([0-9]{1,10})\$([0-9]{1,10})\$([^$]+)\$([^$]+)")


FREE_TRIES = 3
MAX_DELAY_S = 60


def delay_after(wrong: int) -> int:
    """Seconds to wait after this many wrong passphrases (the lock's, the vault's): none for
    the first three, then doubling from 1 second, at most a minute."""
    if wrong < FREE_TRIES:
        return 0
    return int(min(2 ** (wrong - FREE_TRIES), MAX_DELAY_S))


class PassphraseError(Exception):
    """A passphrase file that cannot be used, or a passphrase too short; the message says why."""


class PassphraseRefused(SystemExit):
    """The command line will not take this passphrase: one line on stderr, exit code 1.

    A SystemExit, because the layers keep this module below the store, so it cannot raise the
    StoreError every command catches; stopping here, before anything is written, is the same
    to the user and needs nothing of the commands that ask.
    """

    def __init__(self, message: str) -> None:
        super().__init__(f"srs-tui: {message}")


@dataclass(frozen=True)
class _Stored:
    n: int
    r: int
    p: int
    salt: bytes
    digest: bytes

    @property
    def outdated(self) -> bool:
        """Whether it was made at a lower cost than today's."""
        return self.n < N or self.r < R or self.p < P


def default_passphrase_path() -> Path:
    """The hash file, beside the settings in the user config folder."""
    from platformdirs import user_config_path

    return user_config_path("srs-tui", appauthor=False) / FILE_NAME


# hmac and secrets are imported where they are used: the app imports this module as it starts,
# and needs them only when a passphrase is set or checked.


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def set_passphrase(path: Path, secret: str) -> None:
    """Store the hash of secret, replacing any earlier one in one step (never half-written)."""
    if len(secret) < MIN_PASSPHRASE:
        raise PassphraseError(f"A passphrase needs at least {MIN_PASSPHRASE} characters.")
    _write_hash(path, secret)


def _write_hash(path: Path, secret: str) -> None:
    import secrets

    salt = secrets.token_bytes(SALT_BYTES)
    digest = derive(secret, salt, N, R, P, length=HASH_BYTES)
    line = f"{PREFIX}${N}${R}${P}${_b64(salt)}${_b64(digest)}\n"
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
    """Whether a passphrase is set (usable or not: see passphrase_problem)."""
    return path is not None and path.is_file()


def _read(path: Path) -> _Stored:
    """The parsed file; PassphraseError if it cannot be read or is not one srs-tui would write."""
    unreadable = f"{path}: not a passphrase file srs-tui can read."
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        raise PassphraseError(unreadable) from None
    found = _LINE.fullmatch(text.strip())
    if found is None:
        raise PassphraseError(unreadable)
    n, r, p = (int(found[index]) for index in (1, 2, 3))
    try:
        salt = base64.b64decode(found[4], validate=True)
        digest = base64.b64decode(found[5], validate=True)
    except ValueError:
        raise PassphraseError(unreadable) from None
    if n < FLOOR_N or r < FLOOR_R or p < FLOOR_P or len(salt) < SALT_BYTES:
        raise PassphraseError(
            f"{path}: asks for less work (n={n}, r={r}, p={p}) than srs-tui has ever used; "
            "not accepted."
        )
    problem = cost_problem(n, r, p)
    if problem is not None or len(digest) != HASH_BYTES:
        raise PassphraseError(f"{path}: {problem or 'a hash of the wrong length'}; not accepted.")
    return _Stored(n, r, p, salt, digest)


def passphrase_problem(path: Path) -> str | None:
    """Why the passphrase file cannot be used, without checking any passphrase; None if it can."""
    try:
        _read(path)
    except PassphraseError as error:
        return str(error)
    return None


def check_passphrase(path: Path, secret: str) -> bool:
    """Whether secret is the stored passphrase; PassphraseError if the file cannot be used.

    A match against a file at an older cost writes it again at today's (once; it takes half a
    second more).
    """
    stored = _read(path)
    try:
        actual = derive(secret, stored.salt, stored.n, stored.r, stored.p, length=HASH_BYTES)
    except (ValueError, MemoryError) as error:
        raise PassphraseError(f"{path}: the hash cannot be computed here ({error}).") from None
    import hmac

    matches = hmac.compare_digest(actual, stored.digest)
    if matches and stored.outdated:
        # Even a passphrase shorter than today's minimum: it was the therapist's choice, and a
        # higher cost still helps it. In a read-only folder the old file stays, and still works.
        with contextlib.suppress(OSError):
            _write_hash(path, secret)
    return matches


def read_passphrase(prompt: str, *, twice: bool = False) -> str:
    """SRS_TUI_PASSPHRASE for scripts; else typed on the terminal, without echo.

    Never a line of a pipe: under Git Bash on Windows (mintty) standard input is a pipe even in
    a terminal window, and what is typed into it shows on the screen. twice: a new passphrase,
    at least MIN_PASSPHRASE characters, typed twice alike. PassphraseRefused otherwise.
    """
    if ENVIRONMENT in os.environ:
        return os.environ[ENVIRONMENT]
    if not sys.stdin.isatty():
        raise PassphraseRefused(
            "standard input is not a terminal, so a passphrase typed there could show on the "
            f"screen. Set {ENVIRONMENT} to pass it, or run srs-tui from a terminal "
            "(under Git Bash on Windows: winpty srs-tui ...)."
        )
    import getpass

    secret = getpass.getpass(prompt)
    if twice:
        if len(secret) < MIN_PASSPHRASE:
            raise PassphraseRefused(
                f"a passphrase needs at least {MIN_PASSPHRASE} characters; nothing was changed."
            )
        if getpass.getpass("Again: ") != secret:
            raise PassphraseRefused("the two passphrases differ; nothing was changed.")
    return secret
