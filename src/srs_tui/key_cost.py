"""What turning a passphrase into a key costs: scrypt, its parameters and the limits on them.

Encrypted backups and the idle lock's hash both use it. We write at OWASP's minimum for scrypt
(N=2^17, r=8, p=1: about 128 MiB and half a second here). A file we read (a backup's header, the
lock's hash file) names its own parameters; they are checked against the same limits scrypt is
then called with, so a crafted file gets a clear refusal, never an error from inside OpenSSL, a
memory error or a minute-long freeze.
"""

from __future__ import annotations

N, R, P = 2**17, 8, 1
# One limit for everything: room for our own cost (128 MiB and 3 KiB) and a little stronger,
# not for a file that asks for gigabytes. hashlib.scrypt refuses a maxmem above 2 GiB anyway.
MAX_MEMORY = 256 * 1024 * 1024
# A file may ask for at most four times our own work (n * r * p): about two seconds here.
MAX_WORK = 4 * N * R * P
MIN_PASSPHRASE = 8  # characters, for every new passphrase: the lock's and an encrypted backup's


def memory_needed(n: int, r: int, p: int) -> int:
    """Bytes scrypt allocates for these parameters (OpenSSL's own sum, checked against maxmem)."""
    return 128 * r * (n + 2) + 128 * r * p


def cost_problem(n: int, r: int, p: int, *, max_memory: int = MAX_MEMORY) -> str | None:
    """Why scrypt cannot or should not run with these parameters; None if it can."""
    if n < 2 or n & (n - 1):
        return f"n={n} is not a power of two above 1"
    if r < 1 or p < 1:
        return f"r={r} and p={p} must both be at least 1"
    if r < 4 and n >= 1 << (16 * r):
        # scrypt's own rule (RFC 7914): N below 2^(128 r / 8); OpenSSL refuses anything else.
        return f"n={n} is too large for r={r}"
    if memory_needed(n, r, p) > max_memory:
        return f"n={n}, r={r} needs more than {max_memory // 2**20} MiB of memory"
    if n * r * p > MAX_WORK:
        return f"n={n}, r={r}, p={p} asks for too much work"
    return None


def derive(secret: str, salt: bytes, n: int, r: int, p: int, *, length: int) -> bytes:
    """scrypt of secret; call cost_problem first. ValueError or MemoryError if it cannot run."""
    # Imported here: the app imports this module as it starts and needs hashlib only for a key.
    import hashlib

    return hashlib.scrypt(
        secret.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=MAX_MEMORY, dklen=length
    )
