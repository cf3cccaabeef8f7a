"""What a vault holds in memory beyond a plain database: the data key's wrap opened through the
OpenSSL hashlib already holds (the same AES-GCM as `cryptography`'s, without its 9 MB module
loaded for one call), and SQLite's own page cache, not sqlcipher3's larger default."""

from __future__ import annotations

import ast
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from conftest import cli_env
from srs_tui.store import engine, gcm, vault
from srs_tui.store.database import sqlite_uri
from vaultkit import PASSPHRASE

hashlib_openssl = pytest.mark.skipif(
    gcm._libcrypto() is None, reason="hashlib's OpenSSL cannot be reached here"
)


@hashlib_openssl
@pytest.mark.parametrize("length", [0, 1, 32, 1000])
def test_a_wrap_opens_as_cryptography_sealed_it(length: int) -> None:
    key, nonce, label = secrets.token_bytes(32), secrets.token_bytes(12), b"a label"
    plain = secrets.token_bytes(length)
    sealed = AESGCM(key).encrypt(nonce, plain, label)
    assert gcm.open_wrapped(key, nonce, sealed, label) == plain


@hashlib_openssl
def test_a_wrap_changed_anywhere_or_opened_with_another_key_gives_nothing() -> None:
    key, nonce, label = secrets.token_bytes(32), secrets.token_bytes(12), b"a label"
    sealed = AESGCM(key).encrypt(nonce, secrets.token_bytes(32), label)

    def flipped(data: bytes, index: int) -> bytes:
        return data[:index] + bytes([data[index] ^ 1]) + data[index + 1 :]

    assert gcm.open_wrapped(secrets.token_bytes(32), nonce, sealed, label) is None
    assert gcm.open_wrapped(key, flipped(nonce, 0), sealed, label) is None
    assert gcm.open_wrapped(key, nonce, sealed, b"another label") is None
    assert gcm.open_wrapped(key, nonce, flipped(sealed, 0), label) is None  # the text
    assert gcm.open_wrapped(key, nonce, flipped(sealed, len(sealed) - 1), label) is None  # tag
    assert gcm.open_wrapped(key, nonce, sealed[:-1], label) is None


@hashlib_openssl
def test_a_key_nonce_or_tag_of_the_wrong_size_is_refused() -> None:
    with pytest.raises(ValueError, match="AES-256-GCM needs"):
        gcm.open_wrapped(b"short", secrets.token_bytes(12), bytes(48), b"")
    with pytest.raises(ValueError, match="AES-256-GCM needs"):
        gcm.open_wrapped(secrets.token_bytes(32), b"short", bytes(48), b"")
    with pytest.raises(ValueError, match="AES-256-GCM needs"):
        gcm.open_wrapped(secrets.token_bytes(32), secrets.token_bytes(12), bytes(15), b"")


def test_either_way_of_opening_a_key_file_finds_the_same_data_key(tmp_path: Path) -> None:
    db = tmp_path / "srs-tui.db"
    vault.create_vault(db, PASSPHRASE)
    data_key = engine.key_for(db)
    keys = vault.read_key_file(db)
    kek = vault._passphrase_kek(PASSPHRASE, keys.passphrase.salt, keys.n, keys.r, keys.p)
    label = vault._PASSPHRASE_LABEL
    assert vault._open_key(kek, keys.passphrase, label) == data_key
    assert vault._open_key_with_cryptography(kek, keys.passphrase, label) == data_key
    assert vault._open_key(kek, keys.passphrase, b"another label") is None


@hashlib_openssl
def test_unlocking_a_vault_loads_no_cryptography(tmp_path: Path) -> None:
    """A start with the vault on unlocks it and reads it; cryptography's module is not loaded
    for that (a backup sealed, a recovery key: those still load it)."""
    db = tmp_path / "srs-tui.db"
    vault.create_vault(db, PASSPHRASE)
    engine.forget_keys()
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from srs_tui.store import Store, vault\n"
        f"assert vault.unlock(Path({str(db)!r}), {PASSPHRASE!r})\n"
        f"Store.open(Path({str(db)!r})).clients()\n"
        "print(sorted(sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=cli_env(tmp_path / "home"),
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    modules = ast.literal_eval(done.stdout.strip().splitlines()[-1])
    assert "sqlcipher3" in modules
    assert [name for name in modules if name.split(".")[0] == "cryptography"] == []


def test_a_vault_connection_has_sqlites_own_page_cache(tmp_path: Path) -> None:
    """sqlcipher3's build defaults to 8 MB, which the caseload's read fills; a plain database
    gets SQLite's 2 MB."""
    db = tmp_path / "srs-tui.db"
    vault.create_vault(db, PASSPHRASE)
    conn = engine.connect(db, sqlite_uri(db, mode="ro"), uri=True)
    try:
        assert conn.execute("PRAGMA cache_size").fetchone()[0] == -2000
    finally:
        conn.close()
