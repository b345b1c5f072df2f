"""Receipt codes: the tipster's only key to the tip (no account, no e-mail, nothing else kept).

20 characters from a 30-letter alphabet without look-alikes (no 0/O, 1/I/L, U): about 98 random bits,
far beyond guessing — and guessing is rate-limited and locked out besides. Only the SHA-256 of the code is
stored (its randomness makes a salt unnecessary); looking one up compares digests in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # 30 letters: no 0/O, 1/I/L, U
LENGTH = 20


def new_receipt() -> str:
    code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(code[i : i + 4] for i in range(0, LENGTH, 4))


def normalize(raw: str) -> str:
    """What the tipster typed, as stored: upper case, without spaces or dashes."""
    return re.sub(r"[\s\-－—_]", "", str(raw)).upper()


def digest(raw: str) -> str:
    return hashlib.sha256(normalize(raw).encode()).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
