"""Receipt codes: the tipster's only key to the tip (no account, no e-mail, nothing else kept).

20 characters from a 30-letter alphabet without look-alikes (no 0/O, 1/I/L, U): about 98 random bits,
far beyond guessing — and guessing is rate-limited and locked out besides. Only the SHA-256 of the code is
stored (its randomness makes a salt unnecessary); looking one up compares digests in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from zhiben.common.names import code_key

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # 30 letters: no 0/O, 1/I/L, U
LENGTH = 20


def new_receipt() -> str:
    code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(code[i : i + 4] for i in range(0, LENGTH, 4))


MALFORMED = "回执码应为20位字母和数字（每4位一组，用短横线分隔），请核对后重新输入"


def normalize(raw: object) -> str:
    """What the tipster typed or pasted, as hashed: ``code_key`` (full-width letters and digits to ASCII;
    spaces of every kind, invisible format characters such as a zero-width space, and dashes of every
    kind removed; upper case), and the underscores some people put between the groups."""
    return code_key(raw).replace("_", "")


def well_formed(raw: object) -> bool:
    """Whether the text could be a receipt at all: 20 letters of ``ALPHABET`` once normalised. Text that
    could not be one is refused without counting toward the lockout (it guesses nothing)."""
    code = normalize(raw)
    return len(code) == LENGTH and all(c in ALPHABET for c in code)


def digest(raw: str) -> str:
    return hashlib.sha256(normalize(raw).encode()).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
