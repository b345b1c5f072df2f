"""The 双随机 draw algorithm ``zhiben-draw-sha256``, version ``1``: pure Python (hashlib and json only, no
Django), so that anyone can read it, run it and write it again in another language. docs/draws.md is the same
specification with a worked example and a 15-line reference script.

Inputs
    ``seed``
        1–128 characters of ``[0-9A-Za-z_-]`` (a server-made seed is ``secrets.token_hex(16)``: 32 hex digits).
    ``enterprises`` (the enterprise pool)
        distinct, non-empty strings: the 统一社会信用代码 of the enterprises that may be drawn.
    ``inspectors`` (the inspector pool)
        distinct, non-empty strings: the 执法证号 of the law-enforcement officers who may be drawn.
    ``count`` (N)
        how many enterprises to pick: 1 ≤ N ≤ len(enterprises). From a ratio r (percent of the pool):
        N = ⌈pool × r / 100⌉, and at least 1 when the pool is not empty (:func:`count_from_ratio`).
    ``team_size`` (M)
        inspectors per picked enterprise: 2 ≤ M ≤ len(inspectors) (行政处罚法 第四十二条: 执法人员不得少于两人).

Steps
    1. Order. Both pools are sorted ascending by Unicode code point — the same order as their UTF-8 bytes and
       as Python's ``sorted`` (not UTF-16 code units, which differ only beyond U+FFFF). The order in which
       the pools were given does not matter.
    2. Pool digest. ``SHA-256(canonical_json({"enterprises": [...], "inspectors": [...]}))`` as 64 lower-case
       hex digits, over the sorted pools.
    3. Enterprises. Each enterprise ``c`` gets the key ``SHA-256(UTF-8("{seed}|E|{c}"))`` (32 bytes). The N
       enterprises with the smallest keys, compared as bytes (equivalently as lower-case hex text), are
       picked, in ascending order of key; equal keys (a SHA-256 collision: never seen) fall back to the code.
    4. Teams. For each picked enterprise ``c`` (in pick order), start from a copy ``T`` of the sorted
       inspector pool (P entries) and, for j = 0 … M−1, let ``r = j + (int(SHA-256(UTF-8("{seed}|I|{c}|{j}")))
       mod (P − j))``, the digest read as a big-endian unsigned 256-bit integer and ``j`` written in decimal,
       then swap ``T[j]`` and ``T[r]``. The team is ``T[0 … M−1]`` in that order (a partial Fisher–Yates
       shuffle: M distinct inspectors; the modulo's bias is below P / 2²⁵⁶). Teams are drawn independently
       for each enterprise, so who inspects with whom is as random as who inspects whom.
    5. Picks. ``[{"enterprise": c, "inspectors": [team]}, …]`` in pick order; the picks' digest is
       ``SHA-256(canonical_json(picks))``.

Canonical JSON
    ``json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))`` encoded as UTF-8: no
    spaces, object keys in code-point order, non-ASCII characters as themselves, ``"`` and ``\\`` escaped
    with a backslash, control characters below U+0020 as ``\\b \\f \\n \\r \\t`` or ``\\u00xx`` (lower-case
    hex). For these documents (text, whole numbers, lists and objects with ASCII keys) it is the same text as
    RFC 8785 (JCS).

The published document (:func:`run`) — the same inputs always give the same bytes::

    {"algorithm": {"name": "zhiben-draw-sha256", "version": "1"}, "enterprises": N, "inspectors": M,
     "picks": [...], "picks_digest": "…", "pool": {"digest": "…", "enterprises": [...],
     "inspectors": [...], "order": "…"}, "seed": "…"}

Why these choices: a key per enterprise makes the pick independent of the pool's size and position (adding an
unrelated enterprise to the pool changes no key); the seed is fixed before anyone sees a key, and the pool
digest is recorded with it, so a draw cannot be steered after the fact without a new seed — and every draw,
discarded ones too, is an event (services/draws.py). A server-made seed cannot prove that the server did not
try several: use a seed published in advance by someone else (for example a lottery result of a named day)
when that matters.
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
import json
import math
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

NAME = "zhiben-draw-sha256"
VERSION = "1"
ORDER = "ascending by Unicode code point (UTF-8 byte order)"
SEED_MAX = 128
SEED_PATTERN = re.compile(r"[0-9A-Za-z_-]{1,128}")
MIN_TEAM = 2  # 行政处罚法 第四十二条: 执法人员不得少于两人


class DrawError(ValueError):
    """Input the algorithm cannot take: ``field`` names it (``seed``, ``pool.enterprises`` …), ``message`` says
    why in Chinese."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def new_seed() -> str:
    """A fresh seed: 16 random bytes from the operating system as 32 lower-case hex digits."""
    return secrets.token_hex(16)


def check_seed(seed: Any) -> str:
    """``seed`` if it is 1–128 characters of ``[0-9A-Za-z_-]``; DrawError naming ``seed`` otherwise."""
    if not isinstance(seed, str) or not SEED_PATTERN.fullmatch(seed):
        raise DrawError("seed", f"随机种子应为 1–{SEED_MAX} 位字母、数字、“-”或“_”")
    return seed


def canonical_json(value: Any) -> bytes:
    """The canonical JSON of ``value`` as UTF-8 bytes (see the module's docstring)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sha256_hex(data: bytes | str) -> str:
    """SHA-256 of ``data`` (text as UTF-8) as 64 lower-case hex digits."""
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def ordered(items: Iterable[Any], *, field: str) -> list[str]:
    """``items`` sorted ascending by code point; DrawError naming ``field`` when one is not a non-empty string or
    appears twice."""
    out = list(items)
    if not all(isinstance(item, str) and item for item in out):  # one pass in C; the loop only to name it
        i = next(i for i, item in enumerate(out) if not isinstance(item, str) or not item)
        raise DrawError(f"{field}[{i}]", "应为非空文本")
    out.sort()
    if len(set(out)) != len(out):
        twice = next(a for a, b in itertools.pairwise(out) if a == b)
        raise DrawError(field, f"名录库中“{twice}”重复")
    return out


def pool_digest(enterprises: Sequence[str], inspectors: Sequence[str]) -> str:
    """The pool's digest over the pools *as given* (callers pass them sorted: :func:`ordered`)."""
    return sha256_hex(canonical_json({"enterprises": list(enterprises), "inspectors": list(inspectors)}))


def picks_digest(picks: Sequence[Mapping[str, Any]]) -> str:
    """The digest of the picks ``[{"enterprise", "inspectors"}, …]``."""
    return sha256_hex(canonical_json([dict(p) for p in picks]))


def count_from_ratio(pool_size: int, ratio: Decimal | int | str) -> int:
    """How many of ``pool_size`` enterprises a ratio of ``ratio`` percent picks: rounded up, and at least 1 when
    the pool is not empty (0 for an empty pool). ``ratio``: 0 < ratio ≤ 100 (DrawError naming ``ratio``)."""
    value = Decimal(str(ratio))
    if not value.is_finite() or not Decimal(0) < value <= Decimal(100):
        raise DrawError("ratio", "抽取比例应大于 0、不超过 100（%）")
    if pool_size <= 0:
        return 0
    return max(1, math.ceil(Decimal(pool_size) * value / Decimal(100)))


def pick_enterprises(seed: str, enterprises: Sequence[str], count: int) -> list[str]:
    """Step 3: the ``count`` enterprises of the (sorted) pool with the smallest keys, in ascending order of key."""
    base = hashlib.sha256(f"{seed}|E|".encode())  # the shared prefix hashed once: the same digests
    keyed = []
    for code in enterprises:
        text = code.encode("utf-8")
        h = base.copy()
        h.update(text)
        # 32 bytes of key then the code: bytes order = (key, code) order, compared in C
        keyed.append(h.digest() + text)
    smallest = heapq.nsmallest(count, keyed) if count * 8 < len(keyed) else sorted(keyed)[:count]
    return [k[32:].decode("utf-8") for k in smallest]


def pick_team(seed: str, enterprise: str, inspectors: Sequence[str], size: int) -> list[str]:
    """Step 4: the team of ``size`` inspectors of the (sorted) pool for ``enterprise``, in draw order."""
    team = list(inspectors)
    pool = len(team)
    for j in range(size):
        digest = hashlib.sha256(f"{seed}|I|{enterprise}|{j}".encode()).digest()
        r = j + int.from_bytes(digest, "big") % (pool - j)
        team[j], team[r] = team[r], team[j]
    return team[:size]


def _check_counts(count: Any, team_size: Any, enterprises: int, inspectors: int) -> None:
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise DrawError("enterprises", "抽取企业数应为不小于 1 的整数")
    if count > enterprises:
        raise DrawError("enterprises", f"抽取企业数（{count}）超过名录库中的企业数（{enterprises}）")
    if isinstance(team_size, bool) or not isinstance(team_size, int) or team_size < MIN_TEAM:
        raise DrawError("inspectors", f"每组执法人员不得少于 {MIN_TEAM} 人（行政处罚法 第四十二条）")
    if team_size > inspectors:
        raise DrawError("inspectors", f"每组执法人员数（{team_size}）超过执法人员名录库人数（{inspectors}）")


def run(*, seed: str, enterprises: Iterable[str], inspectors: Iterable[str], count: int, team_size: int) -> dict:
    """The draw: the published document (see the module's docstring) for these inputs. The pools may come in
    any order. Raises DrawError naming the field: ``seed``, ``pool.enterprises``, ``pool.inspectors``,
    ``enterprises`` (N out of range), ``inspectors`` (team size out of range)."""
    seed = check_seed(seed)
    firms = ordered(enterprises, field="pool.enterprises")
    people = ordered(inspectors, field="pool.inspectors")
    if not firms:
        raise DrawError("pool.enterprises", "企业名录库为空")
    _check_counts(count, team_size, len(firms), len(people))
    picks = [
        {"enterprise": code, "inspectors": pick_team(seed, code, people, team_size)}
        for code in pick_enterprises(seed, firms, count)
    ]
    return {
        "algorithm": {"name": NAME, "version": VERSION},
        "seed": seed,
        "enterprises": count,
        "inspectors": team_size,
        "pool": {"enterprises": firms, "inspectors": people, "order": ORDER, "digest": pool_digest(firms, people)},
        "picks": picks,
        "picks_digest": picks_digest(picks),
    }


def _list(value: Any, field: str) -> list[Any]:
    if not isinstance(value, list):
        raise DrawError(field, "应为列表")
    return value


def _picks(raw: Any) -> list[dict[str, Any]]:
    """The document's picks as given, checked for shape (DrawError naming ``picks[i]…``)."""
    out = []
    for i, item in enumerate(_list(raw, "picks")):
        if not isinstance(item, dict):
            raise DrawError(f"picks[{i}]", "应为 JSON 对象（enterprise、inspectors）")
        enterprise = item.get("enterprise")
        if not isinstance(enterprise, str):
            raise DrawError(f"picks[{i}].enterprise", "应为文本")
        team = _list(item.get("inspectors"), f"picks[{i}].inspectors")
        if not all(isinstance(p, str) for p in team):
            raise DrawError(f"picks[{i}].inspectors", "应为文本列表")
        out.append({"enterprise": enterprise, "inspectors": list(team)})
    return out


def _whole(value: Any, field: str, default: int) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise DrawError(field, "应为整数")
    return value


def verify(document: Mapping[str, Any]) -> dict[str, Any]:
    """Recompute a published document (``{"algorithm", "seed", "enterprises"?, "inspectors"?, "pool", "picks",
    …}``; other keys are ignored) and compare.

    Answers ``{"verified": bool, "picks": recomputed, "pool_digest": recomputed, "picks_digest": recomputed,
    "differences": [{"field", "message", "published", "recomputed"}, …]}``; ``verified`` is true when there is
    no difference. N and M default to those of the published picks when the document does not state them.
    Raises DrawError (naming the field) for a document that cannot be recomputed: an unknown algorithm, a bad
    seed, pools that are not lists of distinct texts, N or M out of range."""
    algorithm = document.get("algorithm")
    if not isinstance(algorithm, Mapping) or (algorithm.get("name"), algorithm.get("version")) != (NAME, VERSION):
        raise DrawError("algorithm", f"只能核验算法 {NAME} 版本 {VERSION}")
    seed = check_seed(document.get("seed"))
    pool = document.get("pool")
    if not isinstance(pool, Mapping):
        raise DrawError("pool", "应为 JSON 对象（enterprises、inspectors）")
    given_firms = _list(pool.get("enterprises"), "pool.enterprises")
    given_people = _list(pool.get("inspectors"), "pool.inspectors")
    published = _picks(document.get("picks"))
    count = _whole(document.get("enterprises"), "enterprises", len(published))
    team_size = _whole(
        document.get("inspectors"), "inspectors", len(published[0]["inspectors"]) if published else MIN_TEAM
    )
    result = run(seed=seed, enterprises=given_firms, inspectors=given_people, count=count, team_size=team_size)
    differences: list[dict[str, Any]] = []

    def differ(field: str, message: str, given: Any, recomputed: Any) -> None:
        differences.append({"field": field, "message": message, "published": given, "recomputed": recomputed})

    for name, given in (("enterprises", given_firms), ("inspectors", given_people)):
        if given != result["pool"][name]:
            differ(f"pool.{name}", "名录库未按规定顺序（码位升序）排列", None, None)
    digest = pool.get("digest")
    if digest is not None and digest != result["pool"]["digest"]:
        differ("pool.digest", "名录库摘要与名录库内容不符", digest, result["pool"]["digest"])
    recomputed = result["picks"]
    if len(published) != len(recomputed):
        differ("picks", "抽取结果条数不符", len(published), len(recomputed))
    for i, (mine, theirs) in enumerate(zip(published, recomputed, strict=False)):
        if mine["enterprise"] != theirs["enterprise"]:
            differ(f"picks[{i}].enterprise", "抽中企业不符", mine["enterprise"], theirs["enterprise"])
        if mine["inspectors"] != theirs["inspectors"]:
            differ(f"picks[{i}].inspectors", "执法人员不符", mine["inspectors"], theirs["inspectors"])
    stated = document.get("picks_digest")
    # the stated digest must be that of the recomputed picks and of the document's own picks
    if stated is not None and (stated != result["picks_digest"] or stated != picks_digest(published)):
        differ("picks_digest", "抽取结果摘要不符", stated, result["picks_digest"])
    return {
        "verified": not differences,
        "picks": recomputed,
        "pool_digest": result["pool"]["digest"],
        "picks_digest": result["picks_digest"],
        "differences": differences,
    }
