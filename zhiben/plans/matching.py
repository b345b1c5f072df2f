"""Matching a plan's unit text (市应急局, 各区县政府, 清溪场镇人民政府) to what it names in the plan's region: a
member unit (departments.selectors.department_match), a lower region (a township government as a unit), or
every lower region of a level (generic). Nothing is dropped: a text that matches nothing is kept, flagged."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from zhiben.departments.models import Department
from zhiben.departments.selectors import department_match
from zhiben.regions.models import Region

from .models import Generic, UnitFlag

# "各区县（自治县）政府", "各区县", "各乡镇（街道）", "各镇街", "各乡镇人民政府" …: every lower region of a level.
# "区县应急局", "有关区县政府": the units of every (or the concerned) county — kept generic, at the county level.
_GENERIC = (
    (re.compile(r"^(各|有关|相关)?(区县|区、县|县区|区（县）|区\(县\))"), Generic.COUNTY),
    (re.compile(r"^(各|有关|相关)(乡镇|镇街|镇（街道）|乡镇（街道）|乡镇\(街道\)|街道|镇)"), Generic.TOWNSHIP),
    (re.compile(r"^(乡镇|镇街)"), Generic.TOWNSHIP),
)
_GOVERNMENT_WORDS = re.compile(r"(党委|人民政府|政府|党工委|办事处)+$")


@dataclass
class UnitMatch:
    """What a unit text names: ``department`` (one unit), ``region`` (a lower region), ``generic`` (a level),
    ``candidates`` (the units it may mean when several do) and ``flag`` ("" matched, "unmatched", "ambiguous",
    "generic")."""

    text: str
    department: Department | None = None
    region: Region | None = None
    generic: str = ""
    candidates: list[Department] = field(default_factory=list)
    flag: str = UnitFlag.UNMATCHED

    def as_dict(self) -> dict[str, object]:
        """``{text, department: id|null, region: code|null, generic, candidates: [{id, name}], flag}``."""
        return {
            "text": self.text,
            "department": self.department.pk if self.department else None,
            "region": self.region.pk if self.region else None,
            "generic": self.generic,
            "candidates": [{"id": d.pk, "name": d.name} for d in self.candidates],
            "flag": self.flag,
        }


def generic_level(text: str) -> str:
    """``Generic.COUNTY`` for 各区县…, ``Generic.TOWNSHIP`` for 各乡镇（街道）…, "" otherwise."""
    bare = re.sub(r"\s", "", text)
    for pattern, level in _GENERIC:
        if pattern.match(bare):
            return level
    return ""


def lower_region(region_code: str, text: str) -> Region | None:
    """The region under ``region_code`` whose government ``text`` names (清溪场镇人民政府 → 清溪场镇), if one."""
    bare = _GOVERNMENT_WORDS.sub("", re.sub(r"\s", "", text))
    if not bare:
        return None
    found = list(Region.objects.filter(code__startswith=region_code, name=bare).exclude(code=region_code)[:2])
    return found[0] if len(found) == 1 else None


class Matcher:
    """Matches many texts of one region, remembering each answer (a plan names the same units again and again)."""

    def __init__(self, region_code: str) -> None:
        self.region_code = region_code
        self._seen: dict[str, UnitMatch] = {}

    def match(self, text: str) -> UnitMatch:
        """See the module docstring."""
        key = text.strip()
        if key not in self._seen:
            self._seen[key] = _match(self.region_code, key)
        held = self._seen[key]
        return UnitMatch(text, held.department, held.region, held.generic, list(held.candidates), held.flag)


def _match(region_code: str, text: str) -> UnitMatch:
    level = generic_level(text)
    if level:
        return UnitMatch(text, generic=level, flag=UnitFlag.GENERIC)
    units = department_match(region_code=region_code, text=text)
    if len(units) == 1:
        return UnitMatch(text, department=units[0], candidates=units, flag=UnitFlag.MATCHED)
    if len(units) > 1:
        return UnitMatch(text, candidates=units, flag=UnitFlag.AMBIGUOUS)
    below = lower_region(region_code, text)
    if below is not None:
        return UnitMatch(text, region=below, flag=UnitFlag.MATCHED)
    return UnitMatch(text, flag=UnitFlag.UNMATCHED)
