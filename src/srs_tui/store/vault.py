"""The vault: the records encrypted at rest by SQLCipher, opened by a passphrase or a recovery key.

The database is encrypted with a random 256-bit data key, given to SQLCipher raw (so no key is
derived per connection). The data key is kept only wrapped, in the key file beside the database
(`srs-tui.db.vault`), twice over with AES-GCM:
- by a key from the passphrase: scrypt at OWASP's minimum (N=2^17, r=8, p=1), about half a
  second; a key file asking for less is refused, not tried;
- by a key from the recovery key: 160 random bits shown once as 32 letters and digits, stretched
  by HKDF (it is random, so guessing it is out of reach without a slow derivation).
Changing the passphrase wraps the same data key again: nothing is re-encrypted. The data key is
never written anywhere but wrapped; unlocked, it lives in this process's memory (engine.py).

Lose both the passphrase and the recovery key and the records are gone: nothing here can help.
"""

from __future__ import annotations

import base64
import hmac
import os
import re
import secrets
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from srs_tui.key_cost import MIN_PASSPHRASE, N, P, R, cost_problem, derive
from srs_tui.store import engine
from srs_tui.store.engine import KEY_BYTES, is_vault, keep_key, key_file, key_for

__all__ = ["VaultLocked", "is_vault", "key_file"]  # re-exported: callers need only this module
from srs_tui.store.errors import StoreError, VaultLocked

HEADER = "srs-tui vault 1"
SALT_BYTES = 16
NONCE_BYTES = 12
RECOVERY_BYTES = 20  # 160 bits: 32 characters of base32
_B64 = r"[A-Za-z0-9+/=]{4,200}"
_PASSPHRASE_LINE = re.compile(
    rf"passphrase scrypt ([0-9]{{1,10}}) ([0-9]{{1,10}}) ([0-9]{{1,10}}) ({_B64}) ({_B64}) ({_B64})"
)
_RECOVERY_LINE = re.compile(rf"recovery hkdf-sha256 ({_B64}) ({_B64}) ({_B64})")
# OWASP's minimum for scrypt: a key file asking for less was not written by srs-tui.
FLOOR_N, FLOOR_R, FLOOR_P = 2**17, 8, 1
MAX_KEY_FILE = 4096


@dataclass(frozen=True)
class _Wrap:
    salt: bytes
    nonce: bytes
    wrapped: bytes


@dataclass(frozen=True)
class KeyFile:
    """The two wraps of a vault's data key, as read from (or to be written to) its key file."""

    n: int
    r: int
    p: int
    passphrase: _Wrap
    recovery: _Wrap

    def text(self) -> str:
        def b64(data: bytes) -> str:
            return base64.b64encode(data).decode("ascii")

        pw, rc = self.passphrase, self.recovery
        return (
            f"{HEADER}\n"
            f"passphrase scrypt {self.n} {self.r} {self.p} "
            f"{b64(pw.salt)} {b64(pw.nonce)} {b64(pw.wrapped)}\n"
            f"recovery hkdf-sha256 {b64(rc.salt)} {b64(rc.nonce)} {b64(rc.wrapped)}\n"
        )


def _seal_key(kek: bytes, data_key: bytes, label: bytes) -> _Wrap:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = secrets.token_bytes(NONCE_BYTES)
    return _Wrap(b"", nonce, AESGCM(kek).encrypt(nonce, data_key, label))


def _open_key(kek: bytes, wrap: _Wrap, label: bytes) -> bytes | None:
    # Through hashlib's OpenSSL where it can be reached: importing cryptography for this one
    # call would hold its Rust module (about 9 MB) for the whole session (see gcm.py).
    from srs_tui.store import gcm

    try:
        key = gcm.open_wrapped(kek, wrap.nonce, wrap.wrapped, label)
    except gcm.Unavailable:
        key = _open_key_with_cryptography(kek, wrap, label)
    return key if key is not None and len(key) == KEY_BYTES else None


def _open_key_with_cryptography(kek: bytes, wrap: _Wrap, label: bytes) -> bytes | None:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        return AESGCM(kek).decrypt(wrap.nonce, wrap.wrapped, label)
    except InvalidTag:
        return None


_PASSPHRASE_LABEL = b"srs-tui vault 1 passphrase"
_RECOVERY_LABEL = b"srs-tui vault 1 recovery"


def _passphrase_kek(secret: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    try:
        return derive(secret, salt, n, r, p, length=KEY_BYTES)
    except (ValueError, MemoryError):
        raise StoreError("the vault's key cannot be made here (not enough memory?).") from None


def _recovery_kek(recovery: bytes, salt: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(
        algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, info=_RECOVERY_LABEL
    ).derive(recovery)


# -- the recovery key as a person reads and types it


def format_recovery(raw: bytes) -> str:
    """ABCD-EFGH-... : 8 groups of 4 base32 characters."""
    text = base64.b32encode(raw).decode("ascii").rstrip("=")
    return "-".join(text[index : index + 4] for index in range(0, len(text), 4))


def parse_recovery(typed: str) -> bytes | None:
    """The recovery key's bytes from what was typed (any case; spaces and dashes ignored; 0 and
    1 read as O and I, which base32 lacks), or None if it is not shaped like one."""
    text = re.sub(r"[\s\-]", "", typed).upper().replace("0", "O").replace("1", "I")
    if len(text) != 32 or not re.fullmatch(r"[A-Z2-7]{32}", text):
        return None
    try:
        return base64.b32decode(text)
    except ValueError:
        return None


# -- the key file


def _b64decode(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except ValueError:
        raise StoreError("the vault's key file is damaged; not opened.") from None


def parse_key_file(text: str, where: str = "the vault's key file") -> KeyFile:
    """The key file's wraps, or StoreError saying why it cannot be used."""
    damaged = StoreError(f"{where}: not a vault key file srs-tui can read; not opened.")
    lines = text.strip().split("\n")
    if len(lines) != 3 or lines[0].strip() != HEADER:
        raise damaged
    first = _PASSPHRASE_LINE.fullmatch(lines[1].strip())
    second = _RECOVERY_LINE.fullmatch(lines[2].strip())
    if first is None or second is None:
        raise damaged
    n, r, p = (int(first[index]) for index in (1, 2, 3))
    if n < FLOOR_N or r < FLOOR_R or p < FLOOR_P:
        raise StoreError(
            f"{where}: asks for less work (n={n}, r={r}, p={p}) than srs-tui writes; not opened."
        )
    problem = cost_problem(n, r, p)
    if problem is not None:
        raise StoreError(f"{where}: {problem}; not opened.")
    passphrase = _Wrap(*(_b64decode(first[index]) for index in (4, 5, 6)))
    recovery = _Wrap(*(_b64decode(second[index]) for index in (1, 2, 3)))
    for wrap in (passphrase, recovery):
        if (
            len(wrap.salt) < SALT_BYTES
            or len(wrap.nonce) != NONCE_BYTES
            or len(wrap.wrapped) != KEY_BYTES + 16
        ):
            raise damaged
    return KeyFile(n, r, p, passphrase, recovery)


def read_key_file(db_path: Path) -> KeyFile:
    """The vault's key file, read and checked; StoreError if it is missing or unusable."""
    path = key_file(db_path)
    try:
        text = _read_small_file(path).decode("ascii")
    except FileNotFoundError:
        raise StoreError(f"{path}: the vault's key file is missing.") from None
    except (OSError, UnicodeDecodeError):
        raise StoreError(f"{path}: the vault's key file cannot be read.") from None
    return parse_key_file(text, str(path))


def _read_small_file(path: Path) -> bytes:
    """A regular file's bytes, at most MAX_KEY_FILE of them; StoreError for anything else.

    Checked on the open descriptor, never the name alone: a FIFO would block the read for
    ever (opened without waiting for a writer), and a link to /dev/zero has no size to check
    first and never ends."""
    import stat

    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        facts = os.fstat(fd)
        if not stat.S_ISREG(facts.st_mode) or facts.st_size > MAX_KEY_FILE:
            raise StoreError(f"{path}: not a vault key file srs-tui can read; not opened.")
        data = os.read(fd, MAX_KEY_FILE + 1)
    finally:
        os.close(fd)
    if len(data) > MAX_KEY_FILE:
        raise StoreError(f"{path}: not a vault key file srs-tui can read; not opened.")
    return data


def write_key_file(path: Path, keys: KeyFile) -> None:
    """The key file written whole (a temporary beside it, synced, renamed over): a crash leaves
    the old one or the new one, never half of one."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    try:
        fd = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(keys.text())
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise StoreError(f"{path}: cannot write the vault's key file ({error.strerror}).") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def new_key_file(
    data_key: bytes, passphrase: str, recovery: bytes, *, cost: tuple[int, int, int] = (N, R, P)
) -> KeyFile:
    """The wraps of data_key for a new vault (or a new passphrase)."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise StoreError(f"A passphrase needs at least {MIN_PASSPHRASE} characters.")
    n, r, p = cost
    salt = secrets.token_bytes(SALT_BYTES)
    wrap = _seal_key(_passphrase_kek(passphrase, salt, n, r, p), data_key, _PASSPHRASE_LABEL)
    recovery_salt = secrets.token_bytes(SALT_BYTES)
    rwrap = _seal_key(_recovery_kek(recovery, recovery_salt), data_key, _RECOVERY_LABEL)
    return KeyFile(n, r, p, replace(wrap, salt=salt), replace(rwrap, salt=recovery_salt))


def data_key_from(keys: KeyFile, secret: str) -> bytes | None:
    """The data key the secret (the passphrase, or the recovery key) unwraps; None if neither."""
    recovery = parse_recovery(secret)
    if recovery is not None:
        found = _open_key(
            _recovery_kek(recovery, keys.recovery.salt), keys.recovery, _RECOVERY_LABEL
        )
        if found is not None:
            return found
    kek = _passphrase_kek(secret, keys.passphrase.salt, keys.n, keys.r, keys.p)
    return _open_key(kek, keys.passphrase, _PASSPHRASE_LABEL)


# -- unlocking


def is_unlocked(db_path: Path) -> bool:
    """Whether this process holds the key of the vault at db_path."""
    return key_for(db_path) is not None


def _reads(connect: Callable[[], sqlite3.Connection]) -> bool:
    """Whether a connection from connect can read the schema (a key that fits, a plain file)."""
    try:
        conn = connect()
    except sqlite3.Error:
        return False
    try:
        conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()
    except sqlite3.Error:
        return False
    finally:
        conn.close()
    return True


def _opens(db_path: Path, key: bytes) -> bool:
    """Whether key opens the database file at db_path (a read-only SQLCipher connection)."""
    from srs_tui.store.database import sqlite_uri

    if not db_path.exists():
        return True  # a vault whose database was not made yet: nothing to check against
    return _reads(lambda: engine.connect_keyed(sqlite_uri(db_path, mode="ro"), key, uri=True))


def unlock(db_path: Path, secret: str) -> bool:
    """Unlock the vault at db_path with the passphrase or the recovery key: True, and its key
    is kept for this process; False for a wrong secret. About half a second (scrypt)."""
    from srs_tui.store.vault_switch import clean_leftovers

    keys = read_key_file(db_path)
    data_key = data_key_from(keys, secret)
    if data_key is None:
        return False
    clean_leftovers(db_path)  # a plaintext copy a killed `vault on` may have left
    if not _opens(db_path, data_key):
        if is_plain(db_path):
            raise StoreError(
                f"{db_path}: the database is not encrypted: turning the vault on was "
                "interrupted. Run `srs-tui vault on` again."
            )
        raise StoreError(
            f"{db_path}: the vault's key does not open the database: it is damaged, or it was "
            "replaced by another file. Restore a backup."
        )
    keep_key(db_path, data_key)
    return True


def is_plain(db_path: Path) -> bool:
    """Whether db_path reads as a plain SQLite database (Python's SQLite, read-only)."""
    from srs_tui.store.database import sqlite_uri

    return _reads(lambda: sqlite3.connect(sqlite_uri(db_path, mode="ro"), uri=True))


def check_secret(db_path: Path, secret: str) -> bool:
    """Whether secret opens the vault at db_path; nothing is kept (the idle lock's check)."""
    keys = read_key_file(db_path)
    data_key = data_key_from(keys, secret)
    expected = key_for(db_path)
    if data_key is None:
        return False
    return expected is None or hmac.compare_digest(data_key, expected)


def change_passphrase(db_path: Path, secret: str, new: str) -> bool:
    """Wrap the vault's data key with a new passphrase; the recovery key stays as it was.
    secret: the current passphrase or the recovery key. False (nothing changed) if wrong."""
    keys = read_key_file(db_path)
    data_key = data_key_from(keys, secret)
    if data_key is None:
        return False
    if len(new) < MIN_PASSPHRASE:
        raise StoreError(f"A passphrase needs at least {MIN_PASSPHRASE} characters.")
    salt = secrets.token_bytes(SALT_BYTES)
    wrap = _seal_key(_passphrase_kek(new, salt, N, R, P), data_key, _PASSPHRASE_LABEL)
    write_key_file(
        key_file(db_path), replace(keys, n=N, r=R, p=P, passphrase=replace(wrap, salt=salt))
    )
    return True


def create_vault(db_path: Path, passphrase: str, *, cost: tuple[int, int, int] = (N, R, P)) -> str:
    """A new, empty vault at db_path (nothing may be there yet): its key file, then the
    encrypted database with srs-tui's schema. Returns the recovery key, to show once; the vault
    is left unlocked in this process."""
    from srs_tui.store.database import connect, make_private_folder

    db_path = Path(db_path)
    if os.path.lexists(db_path) or is_vault(db_path):
        raise StoreError(f"{db_path}: a database is already there; nothing was changed.")
    make_private_folder(db_path.parent)
    data_key = secrets.token_bytes(KEY_BYTES)
    recovery = secrets.token_bytes(RECOVERY_BYTES)
    write_key_file(key_file(db_path), new_key_file(data_key, passphrase, recovery, cost=cost))
    keep_key(db_path, data_key)
    try:
        connect(db_path).close()
    except BaseException:
        key_file(db_path).unlink(missing_ok=True)
        raise
    return format_recovery(recovery)


def save_recovery_key(target: Path, recovery_key: str, db_path: Path | None = None) -> None:
    """The recovery key written to a file the therapist chose: mode 0600, never over an
    existing file, nor over the database or its companions."""
    from srs_tui.store.copies import refuse_database_target
    from srs_tui.store.files import write_private

    if db_path is not None:
        refuse_database_target(target, db_path)
        if os.path.abspath(target) == os.path.abspath(key_file(db_path)):
            raise StoreError(f"{target}: that is the vault's key file; choose another file.")
        if os.path.abspath(Path(target).parent) == os.path.abspath(Path(db_path).parent):
            # Beside the vault, whoever takes the folder takes the key that opens it.
            raise StoreError(
                f"{target}: beside the vault itself; save it away from the data folder "
                "(a USB stick, a password manager) or write it down."
            )
    text = (
        "srs-tui vault recovery key\n"
        f"{recovery_key}\n"
        "It opens the vault when the passphrase is forgotten. Keep it away from the computer.\n"
    )
    write_private(Path(target), text.encode("ascii"))


# -- remembered on this machine: the operating system's keychain (off unless asked for)

KEYCHAIN_SERVICE = "srs-tui vault"


def _keychain_name(db_path: Path) -> str:
    """The keychain entry's name: a digest of the database's path, so the keychain holds no
    path (which could name the practice or a folder) and each vault has its own entry."""
    import hashlib

    return hashlib.sha256(os.path.abspath(db_path).encode("utf-8")).hexdigest()[:32]


def _remembered_mark(db_path: Path) -> Path:
    """An empty file beside the key file saying the keychain holds the key: the keychain is
    asked only then (asking it can be slow where no keychain service runs)."""
    return key_file(db_path).with_name(key_file(db_path).name + ".remembered")


def remember(db_path: Path) -> None:
    """Keep the unlocked vault's data key in the OS keychain, so this machine's login opens it.

    StoreError if the vault is not unlocked or the machine has no usable keychain."""
    data_key = key_for(db_path)
    if data_key is None:
        raise VaultLocked(f"{db_path}: unlock the vault first.")
    try:
        import keyring

        keyring.set_password(KEYCHAIN_SERVICE, _keychain_name(db_path), data_key.hex())
    except Exception as error:  # keyring raises its own errors, and the backends theirs
        raise StoreError(
            f"no keychain to remember the vault in on this machine ({type(error).__name__})."
        ) from None
    fd = os.open(_remembered_mark(db_path), os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)


def forget(db_path: Path) -> bool:
    """Remove the vault's key from the OS keychain; False if it was not there (or no keychain)."""
    marked = _remembered_mark(db_path)
    if not marked.exists():
        return False
    marked.unlink(missing_ok=True)
    try:
        import keyring

        keyring.delete_password(KEYCHAIN_SERVICE, _keychain_name(db_path))
    except Exception:  # not there, or no keychain: nothing remembered either way
        return False
    return True


def unlock_remembered(db_path: Path) -> bool:
    """Unlock the vault from the OS keychain, if it was remembered there and still opens it.
    Never raises: anything amiss means asking for the passphrase."""
    if not is_vault(db_path) or not is_remembered(db_path):
        return False
    try:
        import keyring

        stored = keyring.get_password(KEYCHAIN_SERVICE, _keychain_name(db_path))
        data_key = bytes.fromhex(stored) if stored else b""
    except Exception:
        return False
    if len(data_key) != KEY_BYTES or not _opens(Path(db_path), data_key):
        return False
    keep_key(db_path, data_key)
    return True


def is_remembered(db_path: Path) -> bool:
    """Whether the therapist asked this machine's keychain to remember the vault."""
    return _remembered_mark(db_path).exists()


# -- sealed copies: backups made while the vault is on

SEALED_MAGIC = b"SRSTENC2"
_SEALED_LABEL = b"srs-tui vault 1 sealed copy"


def _copy_key(data_key: bytes, nonce: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=nonce, info=_SEALED_LABEL).derive(
        data_key
    )


def seal(image: bytes, db_path: Path) -> bytes:
    """A copy of the records sealed for the unlocked vault at db_path: AES-GCM under a key drawn
    from the vault's data key, with the vault's key file in its authenticated header, so it opens
    with the passphrase or the recovery key of the day it was made, even with the vault gone."""
    data_key = key_for(db_path)
    if data_key is None:
        raise VaultLocked(f"{db_path}: unlock the vault first.")
    return seal_with(image, data_key, read_key_file(db_path).text())


def seal_with(image: bytes, data_key: bytes, key_text: str) -> bytes:
    """image sealed under data_key, with key_text (the key file that wraps it) in the header."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    text = key_text.encode("ascii")
    nonce = secrets.token_bytes(NONCE_BYTES)
    header = SEALED_MAGIC + len(text).to_bytes(2, "big") + text + nonce
    return header + AESGCM(_copy_key(data_key, nonce)).encrypt(nonce, image, header)


def is_sealed(data: bytes) -> bool:
    """Whether data is a copy sealed by a vault."""
    return data.startswith(SEALED_MAGIC)


@dataclass(frozen=True)
class Unsealed:
    """A sealed copy opened: its image, and what seals it again the same way."""

    image: bytes
    data_key: bytes
    key_text: str


def open_sealed(data: bytes, secret: str | None = None) -> Unsealed | None:
    """A sealed copy opened by a vault key this process holds or by secret (the passphrase or
    recovery key of the day it was made). None if neither opens it; StoreError if it is not a
    sealed copy srs-tui can read."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    damaged = StoreError("not a sealed srs-tui backup, or a damaged one; nothing was restored.")
    if not is_sealed(data) or len(data) < len(SEALED_MAGIC) + 2:
        raise damaged
    length = int.from_bytes(data[len(SEALED_MAGIC) : len(SEALED_MAGIC) + 2], "big")
    start = len(SEALED_MAGIC) + 2
    end = start + length + NONCE_BYTES
    if length > MAX_KEY_FILE or len(data) < end + 16:
        raise damaged
    try:
        key_text = data[start : start + length].decode("ascii")
    except UnicodeDecodeError:
        raise damaged from None
    keys = parse_key_file(key_text, "the backup")
    header, nonce = data[:end], data[start + length : end]
    candidates = list(engine.unlocked_keys())
    if secret is not None:
        found = data_key_from(keys, secret)
        if found is not None:
            candidates.insert(0, found)
    for data_key in candidates:
        try:
            image = AESGCM(_copy_key(data_key, nonce)).decrypt(nonce, data[end:], header)
        except InvalidTag:
            continue
        return Unsealed(image, data_key, key_text)
    return None


def unseal(data: bytes, secret: str | None = None) -> bytes | None:
    """The image inside a sealed copy (see open_sealed), or None if nothing here opens it."""
    opened = open_sealed(data, secret)
    return None if opened is None else opened.image
