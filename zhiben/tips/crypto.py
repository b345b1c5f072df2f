"""Encryption at rest of what could expose a tipster: identity (name, phone, ID number) and the free text.

Authenticated encryption (Fernet: AES-128-CBC with HMAC-SHA256, from ``cryptography``) under keys from
the environment, ``ZHIBEN_TIP_KEYS`` — comma-separated, the newest first. Older keys still decrypt, so a
key is rotated by putting a new one in front and running ``manage.py rotate_tip_keys`` (re-encrypts every
row with the newest), then dropping the old one.
"""

from __future__ import annotations

import base64
import hashlib
import json
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class TipKeyError(RuntimeError):
    """The data cannot be decrypted with the configured keys (a key was removed too early)."""


@lru_cache(maxsize=4)
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in keys])


def tip_keys() -> tuple[str, ...]:
    keys = tuple(k.strip() for k in settings.ZHIBEN["TIP_KEYS"] if k.strip())
    if keys:
        return keys
    # Development only (production refuses to start without keys): a key derived from SECRET_KEY.
    derived = base64.urlsafe_b64encode(hashlib.sha256(f"zhiben-tips:{settings.SECRET_KEY}".encode()).digest())
    return (derived.decode(),)


def cipher() -> MultiFernet:
    return _cipher(tip_keys())


def seal(value: Any) -> bytes:
    """JSON-encode and encrypt (None stays None at the caller)."""
    return cipher().encrypt(json.dumps(value, ensure_ascii=False).encode())


def unseal(token: bytes | memoryview | None) -> Any:
    if token is None:
        return None
    try:
        return json.loads(cipher().decrypt(bytes(token)))
    except InvalidToken as exc:
        raise TipKeyError("无法解密：加密密钥不匹配（是否过早删除了旧密钥？）") from exc


def reseal(token: bytes | memoryview) -> bytes:
    """The same content under the newest key."""
    try:
        return cipher().rotate(bytes(token))
    except InvalidToken as exc:
        raise TipKeyError("无法解密：加密密钥不匹配") from exc
