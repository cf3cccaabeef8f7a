"""AES-256-GCM opening of a vault's wrapped data key through the OpenSSL hashlib already loaded.

At every start with the vault on, AES-GCM is needed once: to open the 48 bytes that wrap the
data key. The `cryptography` package would do it, but importing it maps its Rust module, about
9 MB held for the rest of the session, for that one call. The process already holds an OpenSSL:
the libcrypto hashlib is linked to, which has just run scrypt. Its EVP interface opens the wrap
at no cost in memory: the same AES-GCM, the same result, nothing else loaded.

It is reached through `_hashlib`'s own handle (dlsym searches a library's dependencies), so it
is always the very libcrypto hashlib uses, never another one found by name. Where that does not
work (OpenSSL linked into `_hashlib` statically with its symbols hidden, or Windows, where a
handle does not search its dependencies), `Unavailable` is raised and the caller uses
`cryptography`, as before.
"""

from __future__ import annotations

import functools
from typing import Any

TAG_BYTES = 16
KEY_BYTES = 32
NONCE_BYTES = 12
# From OpenSSL's evp.h: the same values in OpenSSL 1.1 and 3.
_EVP_CTRL_GCM_SET_IVLEN = 0x9
_EVP_CTRL_GCM_SET_TAG = 0x11


class Unavailable(Exception):
    """hashlib's libcrypto cannot be used here: open the wrap another way."""


@functools.cache
def _libcrypto() -> Any:
    """hashlib's libcrypto with the EVP functions typed, or None if it cannot be reached."""
    try:
        # Imported here: a Python built without ctypes opens the wrap the other way.
        import _hashlib
        import ctypes

        lib = ctypes.CDLL(_hashlib.__file__)  # already loaded: the same handle, nothing mapped
        signatures: dict[str, tuple[Any, list[Any]]] = {
            "EVP_CIPHER_CTX_new": (ctypes.c_void_p, []),
            "EVP_CIPHER_CTX_free": (None, [ctypes.c_void_p]),
            "EVP_aes_256_gcm": (ctypes.c_void_p, []),
            "EVP_DecryptInit_ex": (
                ctypes.c_int,
                [
                    ctypes.c_void_p,
                    ctypes.c_void_p,
                    ctypes.c_void_p,
                    ctypes.c_char_p,
                    ctypes.c_char_p,
                ],
            ),
            "EVP_CIPHER_CTX_ctrl": (
                ctypes.c_int,
                [ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_void_p],
            ),
            "EVP_DecryptUpdate": (
                ctypes.c_int,
                [
                    ctypes.c_void_p,
                    ctypes.c_void_p,
                    ctypes.POINTER(ctypes.c_int),
                    ctypes.c_char_p,
                    ctypes.c_int,
                ],
            ),
            "EVP_DecryptFinal_ex": (
                ctypes.c_int,
                [ctypes.c_void_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_int)],
            ),
            "ERR_clear_error": (None, []),
        }
        for name, (result, arguments) in signatures.items():
            function = getattr(lib, name)
            function.restype = result
            function.argtypes = arguments
    except (ImportError, OSError, AttributeError, TypeError):
        return None
    return lib


def open_wrapped(key: bytes, nonce: bytes, sealed: bytes, label: bytes) -> bytes | None:
    """The plaintext of sealed (ciphertext then its 16-byte tag) under AES-256-GCM with key,
    nonce and label as associated data; None if the tag does not match (a wrong key, or
    anything changed). Unavailable if hashlib's libcrypto cannot be used here."""
    lib = _libcrypto()
    if lib is None:
        raise Unavailable
    import ctypes  # loaded by _libcrypto already

    if len(key) != KEY_BYTES or len(nonce) != NONCE_BYTES or len(sealed) < TAG_BYTES:
        raise ValueError("AES-256-GCM needs a 32-byte key, a 12-byte nonce and a 16-byte tag")
    text, tag = sealed[:-TAG_BYTES], sealed[-TAG_BYTES:]
    context = lib.EVP_CIPHER_CTX_new()
    if not context:
        raise Unavailable
    out = ctypes.create_string_buffer(len(text) + TAG_BYTES)  # + a block's room for Final
    written = ctypes.c_int(0)
    try:
        if not (
            lib.EVP_DecryptInit_ex(context, lib.EVP_aes_256_gcm(), None, None, None)
            and lib.EVP_CIPHER_CTX_ctrl(context, _EVP_CTRL_GCM_SET_IVLEN, len(nonce), None)
            and lib.EVP_DecryptInit_ex(context, None, None, key, nonce)
            and lib.EVP_DecryptUpdate(context, None, ctypes.byref(written), label, len(label))
            and lib.EVP_DecryptUpdate(context, out, ctypes.byref(written), text, len(text))
            and lib.EVP_CIPHER_CTX_ctrl(context, _EVP_CTRL_GCM_SET_TAG, TAG_BYTES, tag)
        ):
            lib.ERR_clear_error()  # nothing of ours left for hashlib's next error to report
            raise Unavailable
        length = written.value
        if lib.EVP_DecryptFinal_ex(context, ctypes.byref(out, length), ctypes.byref(written)) != 1:
            lib.ERR_clear_error()
            return None  # the tag does not match: what was decrypted is wiped below, unused
        return ctypes.string_at(out, length + written.value)  # one copy: the key kept
    finally:
        lib.EVP_CIPHER_CTX_free(context)  # OpenSSL wipes the key schedule as it frees it
        ctypes.memset(out, 0, len(out))
