"""Encrypted backups: AES-256-GCM, the key from the passphrase by scrypt.

Authenticated: a wrong passphrase and a file with even one byte changed both fail to open, and
nothing is restored from them. The header names the scrypt parameters, so a backup made at an
older, lower cost (N=2^15 before this version) still opens; a header asking for parameters that
scrypt refuses, or for more memory or work than srs-tui allows, is refused before any key is made.
"""

from __future__ import annotations

import secrets
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from srs_tui.key_cost import MIN_PASSPHRASE, N, P, R, cost_problem, derive
from srs_tui.store.errors import StoreError

MAGIC = b"SRSTENC1"
SALT_BYTES = 16
NONCE_BYTES = 12
KEY_BYTES = 32
_HEADER = struct.Struct(f">8s{SALT_BYTES}sIII{NONCE_BYTES}s")


def _key(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    problem = cost_problem(n, r, p)
    if problem is not None:
        raise StoreError(f"the backup's key parameters cannot be used ({problem}); not opened.")
    try:
        return derive(passphrase, salt, n, r, p, length=KEY_BYTES)
    except MemoryError:
        raise StoreError("not enough memory to make the backup's key; nothing was done.") from None
    except ValueError:
        # cost_problem mirrors OpenSSL's checks; this is for anything it does not foresee.
        raise StoreError("the backup's key parameters cannot be used; not opened.") from None


def is_encrypted(data: bytes) -> bool:
    """Whether data is an srs-tui encrypted backup: sealed by a passphrase (`backup
    --encrypt`) or by a vault (every backup made while the vault is on)."""
    from srs_tui.store.vault import is_sealed

    return data.startswith(MAGIC) or is_sealed(data)


def encrypt(data: bytes, passphrase: str) -> bytes:
    """The data sealed with a key from the passphrase; the header is authenticated too."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise StoreError(
            f"The passphrase for an encrypted backup needs at least {MIN_PASSPHRASE} characters."
        )
    salt = secrets.token_bytes(SALT_BYTES)
    nonce = secrets.token_bytes(NONCE_BYTES)
    header = _HEADER.pack(MAGIC, salt, N, R, P, nonce)
    return header + AESGCM(_key(passphrase, salt, N, R, P)).encrypt(nonce, data, header)


def decrypt(sealed: bytes, passphrase: str) -> bytes:
    """The data, or StoreError for a wrong passphrase, a changed file or an unusable header.

    A vault's sealed copy opens with a vault key this process holds or with passphrase (the
    vault's passphrase or recovery key of the day it was made)."""
    from srs_tui.store.vault import is_sealed, unseal

    if is_sealed(sealed):
        opened = unseal(sealed, passphrase)
        if opened is None:
            raise StoreError(
                "wrong passphrase or recovery key, or the file was changed; nothing was restored."
            )
        return opened
    if not is_encrypted(sealed):
        raise StoreError("not an srs-tui encrypted backup.")
    if len(sealed) < _HEADER.size:
        raise StoreError("the encrypted backup is cut short (its header is incomplete).")
    header = sealed[: _HEADER.size]
    _, salt, n, r, p, nonce = _HEADER.unpack(header)
    key = _key(passphrase, salt, n, r, p)
    try:
        return AESGCM(key).decrypt(nonce, sealed[_HEADER.size :], header)
    except InvalidTag:
        raise StoreError(
            "wrong passphrase, or the file was changed; nothing was restored."
        ) from None
