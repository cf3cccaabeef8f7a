"""Encrypted backups: AES-256-GCM, the key from the passphrase by scrypt.

Authenticated: a wrong passphrase and a file with even one byte changed both fail to open, and
nothing is restored from them.
"""

from __future__ import annotations

import hashlib
import secrets
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from srs_tui.store.errors import StoreError

MAGIC = b"SRSTENC1"
N, R, P = 2**15, 8, 1
SALT_BYTES = 16
NONCE_BYTES = 12
_HEADER = struct.Struct(f">8s{SALT_BYTES}sIII{NONCE_BYTES}s")


def _key(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        passphrase.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=128 * 1024 * 1024, dklen=32
    )


def is_encrypted(data: bytes) -> bool:
    """Whether data is an srs-tui encrypted backup."""
    return data.startswith(MAGIC)


def encrypt(data: bytes, passphrase: str) -> bytes:
    """The data sealed with a key from the passphrase; the header is authenticated too."""
    if not passphrase:
        raise StoreError("The passphrase for an encrypted backup cannot be empty.")
    salt = secrets.token_bytes(SALT_BYTES)
    nonce = secrets.token_bytes(NONCE_BYTES)
    header = _HEADER.pack(MAGIC, salt, N, R, P, nonce)
    return header + AESGCM(_key(passphrase, salt, N, R, P)).encrypt(nonce, data, header)


def decrypt(sealed: bytes, passphrase: str) -> bytes:
    """The data, or StoreError for a wrong passphrase or a changed file."""
    if len(sealed) < _HEADER.size or not is_encrypted(sealed):
        raise StoreError("not an srs-tui encrypted backup.")
    header = sealed[: _HEADER.size]
    _, salt, n, r, p, nonce = _HEADER.unpack(header)
    if n > 2**20 or r > 32 or p > 16:
        raise StoreError("the backup asks for an unreasonable key cost; it was not opened.")
    try:
        return AESGCM(_key(passphrase, salt, n, r, p)).decrypt(
            nonce, sealed[_HEADER.size :], header
        )
    except InvalidTag:
        raise StoreError(
            "wrong passphrase, or the file was changed; nothing was restored."
        ) from None
