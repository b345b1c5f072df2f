"""Plan documents in (issue 13): a plan (方案) uploaded as .docx or text, read into its structure.

``parse_plan(data, filename)`` finds the plan's title, document number (文号), issuer and date, its actions
(专项行动) and its numbered tasks, each with the deadline as written (完成时限), the deadline as a rule
(``DueRule``) and the responsible units split into lead (牵头) and co-operating (配合) units. Nothing is
saved: the result is a preview the user corrects (``to_preview`` gives the API shape of DESIGN.md §6).
The module is pure (no database, no Django) so that the API, the pages and the benchmark share it.

The shapes a plan takes, all read here:

* Tasks in the text, each ending with its deadline and units: ``1．…。（完成时限：2024年12月；责任单位：
  镇安监站、镇党政办）`` — also ``1.`` / ``1、``, 完成时间 / 时间节点, 牵头单位…配合单位…, the fields on lines
  of their own below the task or written inline, sub-items ``（1）`` that carry their own fields (tasks
  ``N.k``), headings ``（一）…`` that carry fields and have no numbered tasks under them (tasks themselves),
  fields on an action's heading standing for its tasks that name none, and text hard-wrapped as it comes
  out of a PDF. Numbering restarted in each action gives numbers "一.1", "二.1".
* A task list (重点任务清单) as a table: in a .docx a real table (vertically merged cells are the rows
  above's value, marked ``inherited``), in text the same table flattened to one cell per line (a cell that
  is missing is a merged one) or pasted with tabs. Its rows: action headings (``一、开展…行动``), main
  tasks (``N.title``) and the rows under them (tasks ``N.1``, ``N.2`` …). A flattened table is read one
  line per cell (a cell wrapped over two lines would read as two rows).
* Word's own list numbering (1. / 一、 / （1）) is rendered into the text it numbers. Headers, footers and
  text boxes are not read.

Chinese plans name the lead unit first (“排在第一位的为牵头单位”): where a plan lists responsible units
without saying which leads, the first is the lead unit and the rest co-operate; a plan that says its order
means nothing (“排名不分先后”) has all its units as lead units, with a warning.

Bad input raises ``PlanParseError`` with a Chinese sentence for the user: an empty or oversized file, a
file that is neither .docx nor text (judged by its content, not its name), a scanned .docx without text,
text in an encoding that cannot be read, a document without tasks. Any bytes give a plan or that error.
"""

from __future__ import annotations

import calendar
import codecs
import datetime
import functools
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

MAX_BYTES = 5 * 1024 * 1024  # the largest upload read (a 60-page plan in .docx is well under 1 MB)
_MAX_UNZIPPED = 80 * 1024 * 1024  # a .docx's parts, uncompressed: beyond this it is a zip bomb, not a plan
_MAX_MEMBERS = 5_000
_MAX_RATIO = 200  # uncompressed / compressed per part: XML compresses well, bombs far better

DUE_KINDS = ("date", "month_end", "quarter_end", "year_end", "annual", "ongoing", "unknown")
PERIODS = ("month", "quarter", "half_year", "year")
# How often an open-ended task (长期坚持) reports progress when its text names no period. A default the
# committee office may change per task in the preview; the plans app may read its own setting instead.
DEFAULT_ONGOING_PERIOD = "quarter"


# ============================================================================================== results
class PlanParseError(ValueError):
    """The upload is not a plan we can read: ``message`` says why in Chinese; ``field`` names the input."""

    def __init__(self, message: str, field: str = "file") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class ParsedUnit:
    """A responsible unit as the plan names it: a department (市应急局, 镇安监站), a lower region's
    government (各区县政府) or a collective (市安委会有关成员单位). Matching to departments is the plans app's."""

    text: str


@dataclass(frozen=True)
class DueRule:
    """A task's deadline as a rule. Dates are Beijing calendar dates.

    kind:
      ``date`` — a day (2024年9月15日前); ``month_end`` — a month's last day (2024年12月, 2024年6月底前);
      ``quarter_end`` — a quarter's last day (2024年三季度, also 上半年 → 30 June); ``year_end`` — 31 December
      of a year (2024, 2024年底前), or of each year a cell lists (2025 2026, 2025—2026年: ``years``, ``due``
      the first); ``annual`` — every year by ``month``/``day`` (每年 → 31 December, 每年6月底前 → 6/30);
      ``ongoing`` — open-ended (长期坚持, 每季度), reporting progress every ``every``; ``unknown`` — not read.
    due: the (first) concrete date, or None (annual, ongoing without a date, unknown, or a month written
      without its year when no ``reference_year`` was given).
    month, day: for ``annual`` (and for year-less text): the day in the year. "By the end of the month" is
      the month's last possible day (29 for February: ``due_in`` gives 28 in a common year).
    every: reporting period of ``ongoing`` / ``annual`` tasks: month, quarter, half_year or year.
      长期坚持 without a period gets ``DEFAULT_ONGOING_PERIOD`` (quarter), a default, not the plan's word.
    years: the years of a ``year_end`` rule, in order (one, or each year a cell lists).
    """

    kind: str
    due: datetime.date | None = None
    month: int | None = None
    day: int | None = None
    every: str | None = None
    years: tuple[int, ...] = ()

    def due_in(self, year: int) -> datetime.date | None:
        """The deadline falling in ``year``: for ``annual`` its month/day that year (a February end clamped to
        the month's length); for the other kinds ``due`` when it falls in that year, else None."""
        if self.kind == "annual":
            month = self.month or 12
            day = min(self.day or 31, calendar.monthrange(year, month)[1])
            return datetime.date(year, month, day)
        if self.kind == "year_end" and year in self.years:
            return datetime.date(year, 12, 31)
        if self.due is not None and self.due.year == year:
            return self.due
        return None


@dataclass(frozen=True)
class ParsedTask:
    """One task of the plan.

    number: the plan's own numbering ("1", "2"…); rows of a task list under main task N are "N.1", "N.2"…
      (``parent`` is then "N"). A main task that has such rows is a task too: its ``due`` is the latest of
      its rows' dates and its units the union of theirs (lead units first), its ``due_text`` empty (the
      plan writes deadlines per row).
    action / action_number: the action (专项行动) it sits under, without its numeral ("开展…行动") / the
      numeral ("一"); both empty when the plan has no actions.
    due_text: the deadline as written ("2024年12月", "长期坚持", "20246月底前"); for a merged table cell the
      text of the row above. inherited: which of "due", "units" came from a merged cell above.
    warnings: Chinese sentences for the user (no deadline found, no units …).
    """

    number: str
    action: str
    action_number: str
    text: str
    due_text: str
    due: DueRule
    lead_units: tuple[ParsedUnit, ...]
    co_units: tuple[ParsedUnit, ...]
    inherited: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    parent: str = ""


@dataclass(frozen=True)
class ParsedPlan:
    """A plan document read: ``actions`` are ``(numeral, title)`` pairs in order; ``source`` is "docx" or
    "text"; ``issued_on`` the date the plan was signed (成文日期) when it says."""

    title: str
    doc_number: str
    issuer: str
    issued_on: datetime.date | None
    actions: tuple[tuple[str, str], ...]
    tasks: tuple[ParsedTask, ...]
    warnings: tuple[str, ...]
    source: str


def to_preview(plan: ParsedPlan) -> dict[str, Any]:
    """The preview the API answers (DESIGN.md §6, ``POST /api/v1/plans/parse``): JSON-ready, dates ISO."""
    return {
        "title": plan.title,
        "doc_number": plan.doc_number,
        "issuer": plan.issuer,
        "issued_on": plan.issued_on.isoformat() if plan.issued_on else None,
        "source": plan.source,
        "actions": [{"number": n, "title": t} for n, t in plan.actions],
        "tasks": [
            {
                "number": t.number,
                "parent": t.parent,
                "action": t.action,
                "action_number": t.action_number,
                "text": t.text,
                "due_text": t.due_text,
                "due": t.due.due.isoformat() if t.due.due else None,
                "due_rule": {
                    "kind": t.due.kind,
                    "month": t.due.month,
                    "day": t.due.day,
                    "every": t.due.every,
                    "years": list(t.due.years),
                },
                "lead_units": [u.text for u in t.lead_units],
                "co_units": [u.text for u in t.co_units],
                "inherited": list(t.inherited),
                "warnings": list(t.warnings),
            }
            for t in plan.tasks
        ],
        "warnings": list(plan.warnings),
    }


# ======================================================================================== text helpers
# Full-width ASCII (（）：；，．１２) folded to ASCII for matching, one character for one so that a match's
# positions are the original text's; odd spaces become spaces; 【】 read as brackets.
_FOLD = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_FOLD.update(dict.fromkeys((0x3000, 0x00A0, 0x2002, 0x2003, 0x2009, 0x200B, 0xFEFF), 0x20))
_FOLD.update({ord("【"): ord("("), ord("】"): ord(")")})


def _fold(text: str) -> str:
    return text.translate(_FOLD)


_CN_DIGIT = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUMERAL = "[一二三四五六七八九十]{1,3}"


def _cn_int(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十一 → 21, "7" → 7; None for anything else."""
    if text.isascii() and text.isdigit():
        return int(text)
    if not text or any(c not in _CN_DIGIT and c != "十" for c in text):
        return None
    if "十" not in text:
        return _CN_DIGIT[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return None
    return (_CN_DIGIT[tens] if tens else 1) * 10 + (_CN_DIGIT[ones] if ones else 0)


def _cn_numeral(n: int) -> str:
    """1 → 一, 12 → 十二, 21 → 二十一 (1–99)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def _safe_date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


# ============================================================================================ due rules
_Y = "(?:19|20|21)[0-9]{2}"  # a year this century or the ones either side
_CNM = "(?:十[一二]?|[一二三四五六七八九])"
_M = f"(?:[0-9]{{1,2}}|{_CNM})"
_DUE_LABEL = re.compile(
    r"^(?:完成(?:时限|时间|期限|日期)|时间节点|时限要求|时间要求|截止(?:时间|日期)|时限|时间)\s*:\s*"
)
_DATE_SEP = re.compile(rf"(?<![0-9])(?P<y>{_Y})(?:年|[./-])?(?P<m>{_M})(?:月|[./-])(?P<d>[0-9]{{1,2}})(?:日|号)?")
_DATE_RUN = re.compile(rf"(?<![0-9])(?P<y>{_Y})(?P<md>[0-9]{{2,4}})(?:日|号)")  # 2024320日: 年 and 月 lost
_DATE_8 = re.compile(rf"(?<![0-9])(?P<y>{_Y})(?P<md>[0-9]{{4}})(?![0-9])")  # 20240915
_MONTH = re.compile(rf"(?<![0-9])(?P<y>{_Y})(?:年|[./-])?(?P<m>{_M})月(?P<part>上旬|中旬|下旬|初|中|底|末|份)?")
_MONTH_DOT = re.compile(rf"(?<![0-9])(?P<y>{_Y})[./-](?P<m>[0-9]{{1,2}})(?![0-9./-])")
_QUARTER = re.compile(rf"(?<![0-9])(?P<y>{_Y})(?:年|年度)?(?:第)?(?:(?P<q>[1-4一二三四])季|Q(?P<qq>[1-4]))")
_HALF = re.compile(rf"(?<![0-9])(?P<y>{_Y})(?:年|年度)?(?P<h>上半年|下半年|年中|年底|年末)")
_YEAR = re.compile(rf"(?<![0-9])(?P<y>{_Y})(?![0-9])")
_YEAR_RANGE = re.compile(rf"(?<![0-9])(?P<a>{_Y})年?\s*(?:[-—–~～至到]|－)+\s*(?P<b>{_Y})(?![0-9])")
_YEAR_PAIR = re.compile(rf"(?<![0-9])(?P<a>{_Y})(?P<b>{_Y})(?![0-9])")  # 20242026: the dash was lost
# year-less: with a reference year, or as month/day only
_NY_DATE = re.compile(rf"(?<![0-9年])(?P<m>{_M})月(?P<d>[0-9]{{1,2}})(?:日|号)")
_NY_MONTH = re.compile(rf"(?<![0-9年])(?P<m>{_M})月(?P<part>上旬|中旬|下旬|初|中|底|末|份)?")
_NY_QUARTER = re.compile(r"(?<![每按0-9])第?(?P<q>[1-4一二三四])季度")
_NY_HALF = re.compile(r"(?P<h>上半年|下半年|年中|年底|年末|年内)")
_ONGOING = re.compile(r"长期|持续|常态|经常性|日常|动态")
_ANNUAL = re.compile(r"每年|每一年|逐年|(?<![0-9])年年")  # not 2024年年底
_EVERY = (
    ("month", re.compile(r"每个?月|按月|每周|每日|每天")),
    ("quarter", re.compile(r"每个?季度?|按季")),
    ("half_year", re.compile(r"每半年|按半年")),
    ("year", re.compile(r"每年|按年|每一年|逐年|(?<![0-9])年年")),
)


def _part_day(year: int | None, month: int, part: str | None) -> tuple[str, int]:
    """(kind, day) for a month with its part: 上旬/初 → the 10th, 中旬/中 → the 20th, else the month's end."""
    if part in ("上旬", "初"):
        return "date", 10
    if part in ("中旬", "中"):
        return "date", 20
    if year is None:
        return "month_end", 29 if month == 2 else calendar.monthrange(2001, month)[1]
    return "month_end", calendar.monthrange(year, month)[1]


def _split_month_day(digits: str, year: int) -> tuple[int, int] | None:
    """ "320" → (3, 20), "1231" → (12, 31), "0915" → (9, 15); None when no split or several are dates."""
    found = []
    for i in (1, 2):
        m, d = digits[:i], digits[i:]
        if not d or len(d) > 2 or (d.startswith("0") and len(d) == 1):
            continue
        if _safe_date(year, int(m), int(d)) is not None:
            found.append((int(m), int(d)))
    return found[0] if len(found) == 1 else None


@dataclass(frozen=True)
class _Concrete:
    kind: str
    year: int | None
    month: int
    day: int


# a month that does not exist (2026年13月底前, 2026-0-15): read as nothing, so that the deadline is flagged for
# the user to correct rather than turned into the year's end (a day past a month's end stays the month's end)
_IMPOSSIBLE = _Concrete("impossible", None, 0, 0)


def _first_concrete(text: str) -> _Concrete | None:
    """The first concrete deadline written in ``text`` (spaces removed), the most specific one where several
    patterns start at the same place ("2024年6月" is a month, not the year 2024); ``_IMPOSSIBLE`` where that is
    a month that does not exist."""
    found: list[tuple[int, int, _Concrete]] = []

    def add(start: int, rank: int, c: _Concrete | None) -> None:
        if c is not None:
            found.append((start, -rank, c))

    for m in _DATE_SEP.finditer(text):
        y, mo, d = int(m["y"]), _cn_int(m["m"]), int(m["d"])
        if mo is not None and _safe_date(y, mo, d):
            add(m.start(), 5, _Concrete("date", y, mo, d))
        elif mo is None or not 1 <= mo <= 12:
            add(m.start(), 6, _IMPOSSIBLE)  # 2026-13-01: no such month (a day past a month's end is its end)
    for rx in (_DATE_RUN, _DATE_8):
        for m in rx.finditer(text):
            y = int(m["y"])
            md = _split_month_day(m["md"], y)
            if md:
                add(m.start(), 5, _Concrete("date", y, md[0], md[1]))
    for m in _MONTH.finditer(text):
        y, mo = int(m["y"]), _cn_int(m["m"])
        if mo is not None and 1 <= mo <= 12:
            kind, day = _part_day(y, mo, m["part"])
            add(m.start(), 4, _Concrete(kind, y, mo, day))
        else:
            add(m.start(), 6, _IMPOSSIBLE)  # 2026年13月底前
    for m in _MONTH_DOT.finditer(text):
        y, mo = int(m["y"]), int(m["m"])
        if 1 <= mo <= 12:
            add(m.start(), 4, _Concrete("month_end", y, mo, calendar.monthrange(y, mo)[1]))
    for m in _QUARTER.finditer(text):
        q = _cn_int(m["q"] or m["qq"])
        if q:
            add(m.start(), 3, _Concrete("quarter_end", int(m["y"]), q * 3, 31 if q in (1, 4) else 30))
    for m in _HALF.finditer(text):
        y = int(m["y"])
        if m["h"] in ("上半年", "年中"):
            add(m.start(), 3, _Concrete("quarter_end", y, 6, 30))
        else:
            add(m.start(), 2, _Concrete("year_end", y, 12, 31))
    for m in _YEAR.finditer(text):
        add(m.start(), 1, _Concrete("year_end", int(m["y"]), 12, 31))
    if found:
        return min(found, key=lambda f: (f[0], f[1]))[2]
    # no year written: the month, quarter or "year end" alone
    for m in _NY_DATE.finditer(text):
        mo, d = _cn_int(m["m"]), int(m["d"])
        if mo is not None and _safe_date(2000, mo, d):  # 2000: a leap year, so 2月29日 is a day
            add(m.start(), 5, _Concrete("date", None, mo, d))
        elif mo is None or not 1 <= mo <= 12:
            add(m.start(), 6, _IMPOSSIBLE)  # 每年13月15日前
    for m in _NY_MONTH.finditer(text):
        mo = _cn_int(m["m"])
        if mo is not None and 1 <= mo <= 12:
            kind, day = _part_day(None, mo, m["part"])
            add(m.start(), 4, _Concrete(kind, None, mo, day))
        else:
            add(m.start(), 6, _IMPOSSIBLE)  # 每年13月底前
    for m in _NY_QUARTER.finditer(text):
        q = _cn_int(m["q"]) or 0
        add(m.start(), 3, _Concrete("quarter_end", None, q * 3, 31 if q in (1, 4) else 30))
    for m in _NY_HALF.finditer(text):
        half = m["h"] in ("上半年", "年中")
        add(m.start(), 2, _Concrete("quarter_end", None, 6, 30) if half else _Concrete("year_end", None, 12, 31))
    return min(found, key=lambda f: (f[0], f[1]))[2] if found else None


def _years(text: str) -> tuple[int, ...]:
    """Every year ``text`` names, ranges expanded (2024—2026 → 2024, 2025, 2026), in order, once each."""
    years: set[int] = set()
    rest = text
    for rx in (_YEAR_RANGE, _YEAR_PAIR):
        for m in rx.finditer(rest):
            a, b = int(m["a"]), int(m["b"])
            if a < b <= a + 10:
                years.update(range(a, b + 1))
        rest = rx.sub(" ", rest)
    years.update(int(m["y"]) for m in _YEAR.finditer(rest))
    return tuple(sorted(years))


@functools.lru_cache(maxsize=4096)  # pure; a task list repeats its few deadline cells many times
def parse_due(text: str, *, reference_year: int | None = None) -> DueRule:
    """Read a deadline as plans write it into a ``DueRule`` (see there for the kinds).

    Reads: 2024年12月 / 2024.12 → 2024-12-31 (month_end); 2024年6月底前, 6月末 → the month's end;
    2024年9月15日(前) → that day; 2024年三季度 / 第三季度末 / 2024Q3 → 2024-09-30; 上半年 → 30 June;
    2024 / 2024年 / 2024年底前 → 2024-12-31 (year_end); 2025 2026, 2025—2026年, 2025、2026年 → year_end for
    each year, due the first; 每年 (→ 12-31), 每年6月底前 → annual; 长期坚持, 持续推进, 每季度, 每月 → ongoing
    (with the period written, else ``DEFAULT_ONGOING_PERIOD``). Extraction losses are read too: a year run
    into its month (20246月底前 is 2024年6月底前), a date run together (2024320日 is 2024年3月20日), two years
    run together (20242026年). "6月前" is read as by the end of June. Text without a year (6月底前, 年底前)
    takes ``reference_year``; without one the rule has month/day and no ``due``. Never raises: what it
    cannot read is ``DueRule("unknown")``.
    """
    folded = _DUE_LABEL.sub("", _fold(text).strip().strip("()[]:;,.。、 ").strip())
    compact = re.sub(r"\s+", "", folded)
    if not compact:
        return DueRule("unknown")
    every = next((period for period, rx in _EVERY if rx.search(compact)), None)
    annual = bool(_ANNUAL.search(compact))
    ongoing = bool(_ONGOING.search(compact))
    years = _years(folded)
    if annual and not ongoing:
        c = _first_concrete(_ANNUAL.sub(" ", compact).replace(" ", ""))
        if c is _IMPOSSIBLE:
            return DueRule("unknown")
        month, day = (c.month, c.day) if c else (12, 31)
        if c and c.kind == "year_end" and c.year is not None:  # 2024年起每年: from 2024, by 31 December
            month, day = 12, 31
        first = None
        if years:
            first = datetime.date(years[0], month, min(day, calendar.monthrange(years[0], month)[1]))
        return DueRule("annual", first, month, day, "year")
    concrete = _first_concrete(compact)
    if concrete is _IMPOSSIBLE:
        return DueRule("unknown")
    due = None
    if concrete is not None:
        year = concrete.year if concrete.year is not None else reference_year
        if year is not None:
            due = datetime.date(year, concrete.month, min(concrete.day, calendar.monthrange(year, concrete.month)[1]))
    if ongoing or (every is not None and every != "year"):
        return DueRule("ongoing", due, every=every or DEFAULT_ONGOING_PERIOD)
    if len(years) > 1 and (concrete is None or concrete.kind == "year_end"):
        return DueRule("year_end", datetime.date(years[0], 12, 31), years=years)
    if concrete is None:
        return DueRule("unknown")
    if concrete.kind == "year_end":
        return DueRule("year_end", due, years=(due.year,) if due else ())
    if due is None:
        return DueRule(concrete.kind, None, concrete.month, concrete.day)
    return DueRule(concrete.kind, due)


def _latest(rules: Iterable[DueRule]) -> DueRule:
    """The rule of a main task from its rows': the latest date any of them names (a year list counts its last
    year); with no dates, the first ongoing rule, else the first annual one, else unknown."""
    best: tuple[datetime.date, DueRule] | None = None
    kept = list(rules)
    for r in kept:
        last = datetime.date(r.years[-1], 12, 31) if r.kind == "year_end" and r.years else r.due
        if last is not None and (best is None or last > best[0]):
            best = (last, r)
    if best is not None:
        day, rule = best
        if rule.kind == "year_end":
            return DueRule("year_end", day, years=(day.year,))
        return DueRule(rule.kind, day)
    for kind in ("ongoing", "annual"):
        for r in kept:
            if r.kind == kind:
                return r
    return DueRule("unknown")


# ================================================================================================ units
_SEP_CLAUSE = ";,，；"
_SEP_ITEM = "、/ \t"
_OPEN, _CLOSE = "(（[【", ")）]】"
_UNIT_END = re.compile(
    r"(?:局|委|厅|办|部|府|会|队|院|所|站|中心|单位|公司|集团|处|科|室|署|行|社|联|街道|乡镇|镇|乡|村|社区|园区|台|组"
    r"|关|馆|校|企业|机构|部门|支部|办事处|指挥部)$"
)
_LEVEL_ONLY = re.compile(r"^(?:省|市|区县|县区|县|区|乡镇|镇|乡|街道|省级|市级|县级|区级|镇级|乡级)$")
_LEVEL_HEAD = re.compile(r"^(?:省|市|区县|县区|县|区|乡镇|镇|乡|街道)(?:[(（][^)）]*[)）])?(?P<rest>.+)$")
_ETC = re.compile(r"(?<=[局委厅办部府会队院所站心位司团处科室署行社联道镇乡村区台组关馆校业构门])等(?=.)")
_BARE = frozenset({"部门", "单位", "机构", "部门单位", "单位部门", "等"})
_LEAD_MARK = re.compile(r"\s*(?:[(（](?:牵头|主责|牵头单位)[)）]|牵头负责|牵头|负责|主责)$")
_CO_MARK = re.compile(r"\s*(?:[(（](?:配合|协办|参与|配合单位)[)）]|配合落实|配合|协办|参与|协助|协同)$")
_FIRST_LEAD_SAID = re.compile(r"(?:列|排)(?:在)?(?:第一|首)(?:位|个)的?(?:单位|部门)?(?:为|是)牵头")
_NO_ORDER_SAID = re.compile(r"(?:排名|排列|排序|顺序)?不分先后|无先后顺序")


def _split_outside_brackets(text: str, seps: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in text:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        if ch in seps and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip()]


def _unwrap(text: str) -> str:
    """Folded text without the brackets around it or left over from its field ("A、B)" of "(责任单位:A、B)"),
    keeping those of its units: "各乡镇(街道)" stays whole."""
    while text.endswith(")") and text.count(")") > text.count("("):
        text = text[:-1].rstrip()
    while text.startswith("(") and text.count("(") > text.count(")"):
        text = text[1:].lstrip()
    if text.startswith("(") and text.endswith(")"):
        depth = 0
        for i, ch in enumerate(text):
            depth += (ch == "(") - (ch == ")")
            if depth == 0:
                return _unwrap(text[1:-1].strip()) if i == len(text) - 1 else text
    return text


def _clean_unit(text: str) -> str:
    text = re.sub(r"^(?:由|请)(?=.{2})", "", text.strip().strip("。.;:：；，,、 "))
    return re.sub(r"等$", "", text).strip()


def _unit_items(clause: str) -> list[str]:
    """A clause's units: split at 、 / spaces, at 等 (市应急局等市安委会有关成员单位 → both), "市、区县应急局"
    expanded to 市应急局, 区县应急局; bare nouns ("等部门" → 部门) dropped."""
    items: list[str] = []
    for part in _split_outside_brackets(clause, _SEP_ITEM):
        items.extend(p for p in (_clean_unit(x) for x in _ETC.split(part)) if p and p not in _BARE)
    for i in range(len(items) - 2, -1, -1):  # right to left: 市、区县、乡镇应急局 → each level gets 应急局
        if _LEVEL_ONLY.match(items[i]) and (m := _LEVEL_HEAD.match(items[i + 1])) and not _LEVEL_ONLY.match(m["rest"]):
            items[i] = items[i] + m["rest"]
    return items


def _mark_of(text: str, *, bracketed: bool = True) -> tuple[str, str]:
    """(text without its marker, "lead" | "co" | ""). A bracketed mark (（牵头）) belongs to the unit it
    follows, so a clause (``bracketed=False``) takes only a plain one: "市应急局、市公安局牵头"."""
    for rx, mark in ((_LEAD_MARK, "lead"), (_CO_MARK, "co")):
        if (m := rx.search(text)) and m.start() > 0 and (bracketed or not m[0].strip().startswith(("(", "（"))):
            return text[: m.start()], mark
    return text, ""


def _dedupe(units: Iterable[str], without: Iterable[str] = ()) -> tuple[ParsedUnit, ...]:
    seen = set(without)
    out = []
    for u in units:
        if u and u not in seen:
            seen.add(u)
            out.append(ParsedUnit(u))
    return tuple(out)


@functools.lru_cache(maxsize=4096)  # pure; a task list repeats its few units cells many times
def _split_plain(text: str, first_is_lead: bool) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    """Units without field labels → (lead, co, whether the lead-first convention decided)."""
    marked: list[tuple[str, str]] = []
    for clause in _split_outside_brackets(_unwrap(_fold(text).strip()), _SEP_CLAUSE):
        clause, clause_mark = _mark_of(clause, bracketed=False)
        for item in _unit_items(clause):
            item, item_mark = _mark_of(item)
            item = _clean_unit(item)
            if item and item not in _BARE:
                marked.append((_restore(text, item), item_mark or clause_mark))
    if any(mark == "lead" for _, mark in marked):
        return tuple(u for u, m in marked if m == "lead"), tuple(u for u, m in marked if m != "lead"), False
    if any(mark == "co" for _, mark in marked):
        return tuple(u for u, m in marked if m != "co"), tuple(u for u, m in marked if m == "co"), False
    units = tuple(u for u, _ in marked)
    if not first_is_lead:
        return units, (), False
    return units[:1], units[1:], len(units) > 1


def _restore(original: str, folded_piece: str) -> str:
    """The piece as written: units are matched on folded text, but 各乡镇（街道） keeps its brackets."""
    start = _fold(original).find(folded_piece)
    return original[start : start + len(folded_piece)] if start >= 0 else folded_piece


def _units_from(fields: dict[str, list[str]], first_is_lead: bool) -> tuple[list[str], list[str], bool]:
    """Labelled fields → (lead, co, whether the lead-first convention decided). Units under 责任单位 beside
    labelled lead/co units co-operate (or lead, when only co units are labelled)."""
    if fields.get("lead") or fields.get("co"):
        lead = [u for t in fields.get("lead", ()) for u in _split_plain(t, False)[0]]
        co = [u for t in fields.get("co", ()) for u in _split_plain(t, False)[0]]
        both = [u for t in fields.get("units", ()) for u in _split_plain(t, False)[0]]
        return lead or [u for u in both if u not in co][:1], co + [u for u in both if u not in lead], False
    if not fields.get("units"):
        return [], [], False
    lead, co, conv = [], [], False
    for t in fields["units"]:  # one cell, or several 责任单位 fields
        lead_t, co_t, conv_t = _split_plain(t, first_is_lead)
        lead += lead_t
        co += co_t
        conv = conv or conv_t
    return lead, co, conv


def split_units(text: str, *, first_is_lead: bool = True) -> tuple[tuple[ParsedUnit, ...], tuple[ParsedUnit, ...]]:
    """Responsible units as written → (lead units, co-operating units).

    ``牵头单位：A；配合单位：B、C`` (also 牵头部门/配合部门, 责任单位（牵头）…) → lead A, co B C. Units marked in
    the list (A（牵头）、B; A牵头，B、C配合) follow their marks. A plain list — ``（责任单位：A、B）``,
    "市应急局、市司法局等市安委会有关成员单位，各区县政府" — follows the convention of Chinese plans that
    the unit listed first leads (排在第一位的为牵头单位): lead A, co the rest; with ``first_is_lead=False``
    (a plan that says its order means nothing) all are lead units. Separators: 、，,；; / and spaces
    (not inside brackets: 各乡镇（街道、园区）is one unit). "A等市安委会有关成员单位" gives A and the
    collective "市安委会有关成员单位" (kept as text); "市、区县安委会办公室" gives 市安委会办公室 and
    区县安委会办公室. Each unit once, as written.
    """
    fields = _field_values(text)
    if fields:
        lead, co, _ = _units_from(fields, first_is_lead)
    else:
        plain = _split_plain(text, first_is_lead)
        lead, co = list(plain[0]), list(plain[1])
    lead_units = _dedupe(lead)
    return lead_units, _dedupe(co, (u.text for u in lead_units))


# ============================================================================================== fields
_FIELD_KEYS: dict[str, str] = {}
for _role, _keys in (
    ("lead", "牵头单位 牵头部门 牵头责任单位 主责单位 主责部门 主办单位 主办部门 牵头"),
    ("co", "配合单位 配合部门 协办单位 协办部门 协同单位 协同部门 参与单位 参与部门 协助单位 协作单位 配合"),
    ("units", "责任单位 责任部门 责任主体 实施单位 落实单位 承办单位"),
    ("due", "完成时限 完成时间 完成期限 完成日期 时间节点 时限要求 时间要求 截止时间 截止日期 办结时限 时限 时间"),
):
    for _key in _keys.split():
        _FIELD_KEYS[_key] = _role
_KEY_RE = re.compile(
    r"(?<![^\s;,。(、])(?P<key>"
    + "|".join(sorted(_FIELD_KEYS, key=len, reverse=True))
    + r")\s*(?:\((?P<mark>牵头|配合|主责|协办)(?:单位|部门)?\))?\s*:"
)


def _field_values(text: str) -> dict[str, list[str]]:
    """Labelled fields in ``text`` (``完成时限：…；责任单位：…``) → {"due"|"lead"|"co"|"units": [values]}."""
    folded = _fold(text)
    found = list(_KEY_RE.finditer(folded))
    out: dict[str, list[str]] = {}
    for i, m in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(folded)
        value = text[m.end() : end].strip().strip("；;，,。 ")
        role = _FIELD_KEYS[m["key"]]
        if role == "units" and m["mark"]:
            role = "lead" if m["mark"] in ("牵头", "主责") else "co"
        if value:
            out.setdefault(role, []).append(value)
    return out


def _trailing_group(text: str) -> tuple[str, dict[str, list[str]]] | None:
    """A task paragraph's trailing bracket with fields: ``…水平。（完成时限：2024年12月；责任单位：镇安监站）``
    → (the task's text, its fields); None when the paragraph does not end so."""
    folded = _fold(text)
    end = len(folded.rstrip(" 。;.,"))
    if end == 0 or folded[end - 1] != ")":
        return None
    depth = 0
    for i in range(end - 1, -1, -1):
        if folded[i] == ")":
            depth += 1
        elif folded[i] == "(":
            depth -= 1
            if depth == 0:
                fields = _field_values(text[i + 1 : end - 1])
                return (text[:i].rstrip(), fields) if fields else None
    return None


def _fields_of(text: str) -> tuple[str, dict[str, list[str]]]:
    """A task paragraph → (its text, its fields), the fields read from a trailing bracket or from labels
    written inline (``…。完成时限：2024年底前。责任单位：市应急局。``)."""
    if found := _trailing_group(text):
        return found
    m = _KEY_RE.search(_fold(text))
    if m is None:
        return text, {}
    return text[: m.start()].rstrip(" ，,；;"), _field_values(text[m.start() :])


# ============================================================================================= lines
_CHAPTER = re.compile(rf"^(?P<n>{_CN_NUMERAL})\s*[、.]\s*(?P<t>.*)$")
_ACTION = re.compile(rf"^\(\s*(?P<n>{_CN_NUMERAL})\s*\)\s*(?P<t>.*)$")
_ACTION_TAIL = re.compile(r"(?:行动|专项整治|攻坚|工程)$")
_NUMBERED = re.compile(r"^(?P<n>[0-9]{1,3})\s*[.、](?![0-9])\s*(?P<t>\S.*)$")
_SUBITEM = re.compile(r"^(?:\(\s*(?P<n>[0-9]{1,2})\s*\)|(?P<c>[①-⑳]))\s*(?P<t>\S.*)$")
_FIELD_LINE = re.compile(r"^(?:" + "|".join(sorted(_FIELD_KEYS, key=len, reverse=True)) + r")\s*(?:\([^)]{1,6}\))?\s*:")
_ANNEX = re.compile(r"^附\s*件\s*[0-9一二三四五六七八九十]*\s*(?::|\s|$)\s*(?P<t>.*)$")
_PAGE_NO = re.compile(r"^(?:[-—]?\s*[0-9]{1,3}\s*[-—]?|第\s*[0-9]+\s*页.*|[0-9]+\s*/\s*[0-9]+)$")
_CHROME = re.compile(
    r"^(?:版权所有|网站标识码|主办[:：]|承办[:：]|政策推荐|热门词汇|最新政策|换一换|首页\s*>|当前位置|扫一扫|分享到"
    r"|【?打印|【?关闭|字号|ICP备|.*ICP备|.*公网安备|/\s*注册)"
)
_END = re.compile(r"^(?:抄送|抄报)\s*[:：]|^[^。,;]{0,60}?[0-9]{4}\S{0,10}印发$")
_TASK_CHAPTER = re.compile(r"任务|行动|举措|重点工作|主要工作|工作安排|工作内容|措施|清单|攻坚|专项")
_NOT_TASK_CHAPTER = re.compile(
    r"保障|总体要求|工作要求|指导思想|目标|原则|分工|组织领导|组织实施|实施步骤|步骤|工作机制"
)
_GENERIC_CHAPTER = re.compile(r"任务|清单|工作|措施|安排")
_HEADER_WORDS: dict[str, str] = {}
for _role, _words in (
    ("action", "行动名称 行动 专项行动 行动内容 类别 任务类别 重点行动 攻坚行动"),
    ("number", "序号 编号 No. NO."),
    (
        "task",
        "重点任务 主要任务 任务 工作任务 具体任务 任务内容 工作内容 工作措施 具体措施 重点工作 主要内容 具体内容"
        " 任务措施 工作事项 事项 重点任务清单",
    ),
    ("due", "完成时间 完成时限 时间节点 时限 时间 时限要求 完成期限 进度安排 时间安排 截止时间 完成时间节点"),
    ("lead", "牵头单位 牵头部门 牵头"),
    ("co", "配合单位 配合部门 配合 协办单位"),
    ("units", "责任单位 责任部门 责任主体 责任单位(部门) 牵头和配合单位"),
    ("other", "备注 分管领导 责任领导 责任人 牵头领导"),
):
    for _w in _words.split():
        _HEADER_WORDS[_w] = _role
# words of a task, not of a unit's name: a short table cell "召开推进会" is no unit
_VERBS = re.compile(r"开展|推进|建立|完善|实现|召开|落实|加强|推动|完成|制定|健全|提升|强化|深化|持续|严格|组织开展")
_TIME_CELL = re.compile(
    r"^[0-9年月日底末前内止至到—–~～、,.\-/\s第一二三四五六七八九十季度上中下旬半每长期坚持续常态化推进开展完成按要求起以后份Q]+$"
)


def _header_role(cell: str) -> str | None:
    return _HEADER_WORDS.get(re.sub(r"[\s*:：]", "", _fold(cell)))


def _roles(cells: Sequence[str | None]) -> dict[str, int] | None:
    """A table's header row → {role: column}, or None when the row is not a task list's header. A None cell
    is the one to its left again (a header cell spanning columns)."""
    roles: dict[str, int] = {}
    for i, cell in enumerate(cells):
        if cell is None or not cell.strip():
            continue
        role = _header_role(cell)
        if role is None:
            return None
        if role and role not in roles:
            roles[role] = i
    if "task" in roles and {"due", "units", "lead"} & roles.keys():
        return roles
    return None


@functools.lru_cache(maxsize=4096)
def _looks_like_units(text: str) -> bool:
    """A line of a flattened table that is a units cell: short, no sentence punctuation or figures, each
    item ending as unit names end (局, 委, 政府, 单位, 站, 所, 中心 …)."""
    folded = _fold(text).strip()
    if not folded or len(folded) > 120 or re.search(r"[0-9。!?:“”\"%]", folded):
        return False
    items = [_clean_unit(_mark_of(x)[0]) for c in _split_outside_brackets(folded, _SEP_CLAUSE) for x in _unit_items(c)]
    if not items:
        return False
    for item in items:
        core = re.sub(r"\([^)]*\)$", "", item)
        if len(item) > 30 or _VERBS.search(item) or not (_UNIT_END.search(core) or _LEVEL_ONLY.match(core)):
            return False
    return True


def _is_time_cell(text: str) -> bool:
    folded = _fold(text).strip()
    return len(folded) <= 20 and bool(_TIME_CELL.match(folded)) and parse_due(folded).kind != "unknown"


def _is_noise(line: str) -> bool:
    return bool(_PAGE_NO.match(line) or _CHROME.match(line) or line in ("续表", "（续表）", "(续表)"))


# ============================================================================================ tables
@dataclass
class _Cell:
    text: str
    merged: bool = False  # the row above's cell (a vertical merge; a missing cell of a flattened table)


@dataclass
class _Table:
    """A .docx table: its cells by grid position, which are the cell to their left (``same``), its texts."""

    grid: list[list[_Cell]]
    same: list[list[bool]]
    texts: list[str]  # every cell's text once, for a table that is no task list


@dataclass
class _Row:
    kind: str  # "action" | "main" | "row"
    text: str
    number: str = ""
    cells: dict[str, _Cell] = field(default_factory=dict)  # "due", "units", "lead", "co"


@dataclass
class _Draft:
    number: str
    action: tuple[str, str]
    text: str
    due_text: str = ""
    fields: dict[str, list[str]] = field(default_factory=dict)
    inherited: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    parent: str = ""
    children: list[_Draft] = field(default_factory=list)
    has_own: bool = False  # the main task had cells of its own
    label: str = ""  # a sub-item's marker as written (（1）), kept when it is folded back into its task's text
    heading: tuple[str, str] | None = None  # the （一） heading it was read from: a task unless tasks sit under it


class _TaskList:
    """Builds tasks from task-list rows (a .docx table, a pasted or a flattened table)."""

    def __init__(self) -> None:
        self.actions: list[tuple[str, str]] = []
        self.tasks: list[_Draft] = []
        self.action: tuple[str, str] = ("", "")
        self.main: _Draft | None = None
        self.last: dict[str, str] = {}  # role → the last cell text, which a merged cell repeats
        self.last_owner = ""
        self.warnings: list[str] = []
        self.counter = 0

    def add(self, row: _Row) -> None:
        if row.kind == "action":
            self._action(row.text)
        elif row.kind == "main":
            m = _NUMBERED.match(_fold(row.text))
            number = m["n"] if m else str(len(self.tasks) + 1)
            text = row.text[m.start("t") :] if m else row.text
            self.main = _Draft(number, self.action, text.strip())
            self.tasks.append(self.main)
            if any(c.text.strip() and not c.merged for c in row.cells.values()):
                self.main.has_own = True  # a numbered row with its own deadline or units: a task in itself
                self._cells(self.main, row)
        else:
            self._row(row)

    def _action(self, text: str) -> None:
        folded = _fold(text).strip()
        m = _CHAPTER.match(folded) or _ACTION.match(folded)
        number, title = (m["n"], text[m.start("t") :].strip()) if m else ("", text.strip())
        if (number, title) == self.action:
            return  # the heading repeated after a page break
        if number and any(n == number for n, _ in self.actions):
            self.warnings.append(f"行动编号“{number}”出现两次且名称不同，请核对")
        self.action = (number, title)
        self.actions.append(self.action)
        self.main = None

    def _row(self, row: _Row) -> None:
        if self.main is not None:
            number = f"{self.main.number}.{len(self.main.children) + 1}"
        else:
            self.counter += 1
            number = row.number.strip().rstrip(".、") or str(self.counter)
        draft = _Draft(number, self.action, row.text.strip(), parent=self.main.number if self.main else "")
        self._cells(draft, row)
        if self.main is not None:
            self.main.children.append(draft)
        else:
            self.tasks.append(draft)

    def _cells(self, draft: _Draft, row: _Row) -> None:
        owner = draft.parent or draft.number
        for role in ("due", "units", "lead", "co"):
            cell = row.cells.get(role)
            if cell is None:
                continue
            text = re.sub(r"\s*\n\s*", " ", cell.text).strip()
            if cell.merged:
                if role not in self.last:
                    continue
                text = self.last[role]
                flag = "due" if role == "due" else "units"
                if flag not in draft.inherited:
                    draft.inherited.append(flag)
                if self.last_owner != owner:
                    what = "完成时间" if role == "due" else "责任单位"
                    draft.warnings.append(f"{what}沿用上一任务的合并单元格，请核对")
            else:
                self.last[role] = text
            if not text:
                continue
            if role == "due":
                draft.due_text = text
            else:
                draft.fields.setdefault(role, []).append(text)
        self.last_owner = owner


def _flattened_rows(blocks: Sequence[str | _Table], start: int, roles: dict[str, int]) -> tuple[list[_Row], int]:
    """A table flattened to lines from ``blocks[start]`` (one non-empty line per cell, empty cells gone) →
    rows, and the index where it ends: the document's closing lines, a new annex, the web page's footer or a
    real table."""
    rows: list[_Row] = []
    pending: _Row | None = None
    last_cell = ""
    unit_roles = ["lead", "co"] if "lead" in roles and "co" in roles and "units" not in roles else ["units"]
    has_due = "due" in roles

    def flush() -> None:
        nonlocal pending
        if pending is not None:
            if pending.kind == "row":
                for role in (["due"] if has_due else []) + unit_roles:
                    pending.cells.setdefault(role, _Cell("", merged=True))
            rows.append(pending)
        pending = None

    for i in range(start, len(blocks)):
        raw = blocks[i]
        if isinstance(raw, _Table):
            flush()
            return rows, i
        line = raw.strip()
        if not line:
            continue
        folded = _fold(line)
        if _END.search(folded) or _ANNEX.match(folded) or _CHROME.match(folded):
            flush()
            return rows, i
        if _is_noise(folded) or _header_role(line):
            continue
        if _CHAPTER.match(folded) or _ACTION.match(folded):
            flush()
            rows.append(_Row("action", line))
            continue
        if _NUMBERED.match(folded):
            flush()
            pending, last_cell = _Row("main", line), "text"
            continue
        if has_due and _is_time_cell(line):
            if pending is not None and "due" not in pending.cells and not set(unit_roles) & pending.cells.keys():
                pending.cells["due"], last_cell = _Cell(line), "due"
                continue
            if pending is not None and last_cell == "due":
                pending.cells["due"].text += "\n" + line  # one cell of two lines: 2025 / 2026
                continue
        if _looks_like_units(line) and pending is not None:
            free = [r for r in unit_roles if r not in pending.cells]
            if free:
                pending.cells[free[0]], last_cell = _Cell(line), "units"
                continue
            if last_cell == "units":
                pending.cells[unit_roles[-1]].text += "，" + line
                continue
        flush()
        pending, last_cell = _Row("row", line), "text"
    flush()
    return rows, len(blocks)


def _table_rows(grid: Sequence[Sequence[_Cell]], roles: dict[str, int], same: Sequence[Sequence[bool]]) -> list[_Row]:
    """A table's rows (after its header) → rows. ``same[r][c]`` is True when cell c of row r is the cell to its
    left (a horizontal merge: a main task or action row spanning the columns)."""
    rows: list[_Row] = []
    current_action = ""
    for r, cells in enumerate(grid):

        def cell(role: str, cells: Sequence[_Cell] = cells, r: int = r) -> _Cell | None:
            c = roles.get(role)
            if c is None or c >= len(cells) or same[r][c]:
                return None
            return cells[c]

        action = cell("action")
        if action is not None and action.text.strip() and not action.merged and action.text.strip() != current_action:
            current_action = action.text.strip()
            rows.append(_Row("action", current_action))
        task_col = roles["task"]
        task = cells[task_col] if task_col < len(cells) else None
        if task is None or task.merged or not task.text.strip():
            continue
        text = re.sub(r"\s*\n\s*", "", task.text.strip())
        folded = _fold(text)
        if folded == _fold(current_action):
            continue  # an action heading spanning the row
        own = {role: c for role in ("due", "units", "lead", "co") if (c := cell(role)) is not None}
        if (_CHAPTER.match(folded) or _ACTION.match(folded)) and not any(c.text.strip() for c in own.values()):
            current_action = text
            rows.append(_Row("action", text))
            continue
        number = cell("number")
        kind = "main" if _NUMBERED.match(folded) and not (number and number.text.strip()) else "row"
        rows.append(_Row(kind, text, number.text if number else "", own))
    return rows


def _tsv_cells(line: str) -> list[str]:
    return [c.strip() for c in line.split("\t")]


# ============================================================================================ reading
def _check_size(data: bytes) -> None:
    if not data or not data.strip():
        raise PlanParseError("文件为空")
    if len(data) > MAX_BYTES:
        raise PlanParseError(f"文件过大（{len(data) / 1048576:.1f} MB），上限 {MAX_BYTES // 1048576} MB")


def _refuse_other_kinds(data: bytes) -> None:
    head = data[:16]
    if head.startswith(b"%PDF"):
        raise PlanParseError("这是 PDF 文件：请上传 .docx 或文本（.txt）格式的方案")
    images = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")
    bitmap = head.startswith(b"BM") and data[6:10] == b"\x00\x00\x00\x00"
    if head.startswith(images) or bitmap or (head.startswith(b"RIFF") and head[8:12] == b"WEBP"):
        raise PlanParseError("这是图片文件，未识别到文字：请上传可编辑的 .docx 或文本")
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise PlanParseError("这是旧版 Word 97-2003（.doc）或 WPS 文件：请另存为 .docx 后上传")
    if head.startswith((b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b")):
        raise PlanParseError("这是压缩包，不是 .docx 或文本：请上传方案文件本身")
    if head.startswith(b"{\\rtf"):
        raise PlanParseError("这是 RTF 文件：请另存为 .docx 后上传")


def _docx_blocks(data: bytes) -> list[str | _Table]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise PlanParseError("Word 文档已损坏，无法读取") from exc
    if "word/document.xml" not in {m.filename for m in members}:
        raise PlanParseError("不是 Word 文档（.docx）：文件里没有正文，请上传 .docx 或文本")
    total = sum(m.file_size for m in members)
    if len(members) > _MAX_MEMBERS or total > _MAX_UNZIPPED:
        raise PlanParseError("Word 文档结构异常（解压后过大），拒绝读取")
    if any(m.file_size > 1024 * 1024 and m.file_size > _MAX_RATIO * max(m.compress_size, 1) for m in members):
        raise PlanParseError("Word 文档压缩比异常（疑似压缩炸弹），拒绝读取")
    try:
        return _read_docx(data)
    except PlanParseError:
        raise
    except Exception as exc:  # python-docx and lxml raise many kinds for a damaged or odd package
        raise PlanParseError("Word 文档已损坏，无法读取") from exc


def _read_docx(data: bytes) -> list[str | _Table]:
    import docx
    from docx.table import Table

    document = docx.Document(io.BytesIO(data))
    numbering = _Numbering(document)
    blocks: list[str | _Table] = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            blocks.append(_docx_table(item))
        else:
            label = numbering.label(item)  # counted for empty paragraphs too, as Word numbers them
            text = item.text.replace("\n", "")
            blocks.append(label + text if text.strip() else text)
    return blocks


def _docx_table(table: Any) -> _Table:
    grid: list[list[_Cell]] = []
    same: list[list[bool]] = []
    texts: list[str] = []
    above: list[Any] = []
    for row in table.rows:
        cells = list(row.cells)
        # python-docx gives a vertically merged cell again (a new proxy of the same w:tc) in the rows it spans
        # and a horizontally merged one as the same object in each column it spans
        tcs = [c._tc for c in cells]
        grid.append([_Cell(c.text, merged=i < len(above) and tcs[i] is above[i]) for i, c in enumerate(cells)])
        same.append([i > 0 and tcs[i] is tcs[i - 1] for i in range(len(cells))])
        for i, c in enumerate(cells):
            if not (i < len(above) and tcs[i] is above[i]) and not (i > 0 and tcs[i] is tcs[i - 1]) and c.text.strip():
                texts.append(c.text.replace("\n", ""))
        above = tcs
    return _Table(grid, same, texts)


class _Numbering:
    """Word's automatic numbering (1. 2. / 一、二、 / （1）), rendered into the paragraph text it prefixes, so
    that a list numbered by Word reads like one typed by hand. Covers the list formats Chinese documents use;
    restarts by ``lvlOverride`` are not followed."""

    def __init__(self, document: Any) -> None:
        from docx.oxml.ns import qn

        self.qn = qn
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.abstract: dict[str, str] = {}
        self.counters: dict[str, list[int]] = {}
        self.by_style: dict[str, tuple[str, int] | None] = {}  # python-docx finds a style slowly: once each
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            # python-docx raises NotImplementedError for a document without a numbering part: nothing is numbered
            return
        by_abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for an in root.findall(qn("w:abstractNum")):
            levels = {}
            for lvl in an.findall(qn("w:lvl")):
                ilvl = int(lvl.get(qn("w:ilvl"), "0"))
                start = self._val(lvl, "w:start")
                levels[ilvl] = (
                    self._val(lvl, "w:numFmt") or "decimal",
                    self._val(lvl, "w:lvlText") or "",
                    int(start) if start and start.isdigit() else 1,
                )
            by_abstract[an.get(qn("w:abstractNumId"), "")] = levels
        for num in root.findall(qn("w:num")):
            abstract_id = self._val(num, "w:abstractNumId") or ""
            self.abstract[num.get(qn("w:numId"), "")] = abstract_id
            self.levels[num.get(qn("w:numId"), "")] = by_abstract.get(abstract_id, {})

    def _val(self, element: Any, tag: str) -> str | None:
        child = element.find(self.qn(tag))
        return None if child is None else child.get(self.qn("w:val"))

    def _own_num_pr(self, element: Any) -> tuple[str, int] | None:
        for num_pr in element.findall(f"{self.qn('w:pPr')}/{self.qn('w:numPr')}"):
            num_id = self._val(num_pr, "w:numId")
            ilvl = self._val(num_pr, "w:ilvl")
            if num_id is not None:
                return num_id, int(ilvl) if ilvl and ilvl.isdigit() else 0
        return None

    def _num_pr(self, paragraph: Any) -> tuple[str, int] | None:
        """The paragraph's list (numId, level): its own w:numPr, else its style's (python-docx has no public
        numbering API)."""
        found = self._own_num_pr(paragraph._p)
        if found is not None:
            return found
        style_id = paragraph._p.style or ""
        if style_id not in self.by_style:
            style = paragraph.style
            while style is not None and found is None:
                found = self._own_num_pr(style.element)
                style = style.base_style
            self.by_style[style_id] = found
        return self.by_style[style_id]

    def label(self, paragraph: Any) -> str:
        if not self.levels:
            return ""
        found = self._num_pr(paragraph)
        if found is None or found[0] not in self.levels or found[0] == "0":
            return ""
        num_id, ilvl = found
        levels = self.levels[num_id]
        if ilvl not in levels or ilvl > 8:
            return ""
        counters = self.counters.setdefault(self.abstract[num_id], [0] * 9)
        for lvl in range(ilvl):
            if counters[lvl] == 0:
                counters[lvl] = levels.get(lvl, ("decimal", "", 1))[2]
        counters[ilvl] = counters[ilvl] + 1 if counters[ilvl] else levels[ilvl][2]
        for lvl in range(ilvl + 1, 9):
            counters[lvl] = 0
        fmt, text, _ = levels[ilvl]
        if fmt in ("bullet", "none"):
            return ""

        def render(m: re.Match[str]) -> str:
            lvl = int(m[1]) - 1
            return _format_number(counters[lvl], levels.get(lvl, ("decimal", "", 1))[0])

        return re.sub(r"%([1-9])", render, text)


_LEGAL_NUMERALS = str.maketrans("一二三四五六七八九十", "壹贰叁肆伍陆柒捌玖拾")


def _format_number(n: int, fmt: str) -> str:
    if fmt.startswith(("chinese", "ideographDigital", "japaneseCounting", "taiwanese")) and 0 < n < 100:
        numeral = _cn_numeral(n)
        return numeral.translate(_LEGAL_NUMERALS) if "Legal" in fmt else numeral
    if fmt.startswith("decimalEnclosedCircle") and 0 < n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "decimalEnclosedParen" and 0 < n <= 20:
        return chr(0x2474 + n - 1)
    if fmt == "decimalFullWidth":
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if fmt == "ideographTraditional" and 0 < n <= 10:
        return "甲乙丙丁戊己庚辛壬癸"[n - 1]
    if fmt in ("lowerLetter", "upperLetter") and 0 < n <= 26:
        letter = chr(ord("a") + n - 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


def _decode(data: bytes) -> str:
    """Bytes of a text file → text: UTF-8 (with or without BOM), UTF-16 with BOM, then GB18030 (which reads
    GBK and GB2312, the encodings of Chinese Windows text), then what charset_normalizer finds."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8")
        except UnicodeDecodeError:
            pass
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return _plausible(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        pass
    if b"\x00" not in data:
        try:
            return _plausible(data.decode("gb18030"), chinese=True)
        except (UnicodeDecodeError, ValueError):
            pass
    import charset_normalizer

    best = charset_normalizer.from_bytes(data[:200_000]).best()
    if best is not None:
        try:
            return _plausible(data.decode(best.encoding), chinese=True)
        except (UnicodeDecodeError, LookupError, ValueError):
            pass
    if b"\x00" in data:
        raise PlanParseError("不是 .docx 或文本文件：请上传 .docx 或 .txt 格式的方案")
    raise PlanParseError("无法识别文件的文字编码：请另存为 UTF-8 或 GB18030（GBK）编码的文本，或上传 .docx")


def _plausible(text: str, *, chinese: bool = False) -> str:
    """``text`` when it reads as a document: few control characters and, for a guessed encoding, mostly
    Chinese characters among the non-ASCII ones and no private-use ones (Big5 read as GBK gives those)."""
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\t\n\r\f\v")
    if controls > max(2, len(text) // 100):
        raise ValueError("control characters")
    if chinese:
        wide = [c for c in text if ord(c) > 127]
        cjk = sum(1 for c in wide if "\u4e00" <= c <= "\u9fff" or "\u3000" <= c <= "\u303f" or c >= "\uff00")
        private = sum(1 for c in wide if "\ue000" <= c <= "\uf8ff")
        if not wide or private or cjk < 0.8 * len(wide):
            raise ValueError("not Chinese text")
    return text


# ============================================================================================= the plan
_DOC_NUMBER = re.compile(
    r"^(?P<p>[\u4e00-\u9fff]{1,12})\s*[〔\[［(（【]\s*(?P<y>[0-9]{4})\s*[〕\]］)）】]\s*(?P<n>[0-9]{1,4})\s*号$"
)
_DOC_NUMBER_LOST = re.compile(r"^(?P<p>[\u4e00-\u9fff]{1,12})\s*〔(?P<y>(?:19|20)[0-9]{2})(?P<n>[0-9]{1,4})$")
_META_KEY = re.compile(r"^[•·\s]*\[\s*(?P<k>[^\]]{1,10}?)\s*\]\s*$")
_INLINE_META = re.compile(r"^(?P<k>发文字号|文号|成文日期|发文日期|标题)\s*[:：]\s*(?P<v>.+)$")
_NOTICE = re.compile(r"关于印发\s*[《〈<](?P<t>.+?)[》〉>]\s*的?通知")
_TITLE_END = re.compile(r"(?:方案|计划|清单|要点|安排|意见|办法|细则)$")
_YEAR_SPAN = re.compile(r"^[(（]?\s*(?:[0-9]{4}\s*[-—–~～至]+\s*[0-9]{4}|[0-9]{8})\s*年?\s*[)）]?$")
_ISSUER_END = re.compile(r"(?:委员会|人民政府|办公室|办公厅|党委|政府|局|厅|指挥部|领导小组|办事处|委)$")
_DECIDED_BY = re.compile(r"经(?P<who>[\u4e00-\u9fff]{2,24}?(?:人民政府|政府|党委|委员会|办事处))(?:研究|同意|审议)")
_DATE_LINE = re.compile(
    r"^(?:[0-9]{4}\s*年\s*[0-9]{1,2}\s*月\s*[0-9]{1,2}\s*日|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}|[0-9]{7,8})$"
)


def _restore_dashes(title: str) -> str:
    """ "(20242026年)" → "(2024—2026年)": the dash lost in extraction, put back between two years."""

    def put(m: re.Match[str]) -> str:
        a, b = int(m["a"]), int(m["b"])
        return f"{a}—{b}" if a < b <= a + 10 else m[0]

    return _YEAR_PAIR.sub(put, title)


def _parse_date(text: str) -> datetime.date | None:
    """A written date (2024-03-20, 2024年3月20日, 2024320 with 年 月 日 lost) → the date, or None."""
    folded = re.sub(r"\s+", "", _fold(text))
    if m := re.search(r"(?<![0-9])([0-9]{4})[-年./]([0-9]{1,2})[-月./]([0-9]{1,2})", folded):
        return _safe_date(int(m[1]), int(m[2]), int(m[3]))
    if m := re.search(rf"(?<![0-9])({_Y})([0-9]{{2,4}})(?:日|$|印发)", folded):
        md = _split_month_day(m[2], int(m[1]))
        return datetime.date(int(m[1]), *md) if md else None
    return None


@dataclass
class _Meta:
    title: str = ""
    doc_number: str = ""
    issuer: str = ""
    issued_on: datetime.date | None = None
    warnings: list[str] = field(default_factory=list)


def _metadata(lines: Sequence[str], filename: str) -> _Meta:
    """Title, 文号, issuer and date from the lines before the plan's first chapter (and its closing line)."""
    meta = _Meta()
    head: list[str] = []
    for line in lines:
        if _CHAPTER.match(_fold(line)) and head:
            break
        head.append(line)
    key = ""
    for line in head:
        folded = _fold(line).strip()
        if m := _META_KEY.match(folded):
            key = m["k"]
            continue
        value = folded.lstrip("•· ").strip()
        if m := _INLINE_META.match(value):
            key, value = m["k"], m["v"]
        if key and value:
            if key in ("发文字号", "文号") and not meta.doc_number:
                meta.doc_number = _fold(value).replace(" ", "")
            elif key in ("成文日期", "发文日期") and meta.issued_on is None:
                meta.issued_on = _parse_date(value)
            elif key == "标题" and not meta.title:
                meta.title = value
            key = ""
    for line in head:
        folded = _fold(line).strip()
        if not meta.doc_number and (m := _DOC_NUMBER.match(folded) or _DOC_NUMBER_LOST.match(folded)):
            meta.doc_number = f"{m['p']}〔{m['y']}〕{m['n']}号"
    stripped = [line.strip() for line in head if line.strip()]
    for i, line in enumerate(stripped):
        # the notice's own title line, not a sentence citing another plan's notice
        if (m := _NOTICE.search(line)) and len(line) <= 120 and "。" not in line and line.endswith("通知"):
            if not meta.title:
                meta.title = m["t"]
            before = stripped[i - 1] if i else ""
            if not meta.issuer and len(before) <= 30 and _ISSUER_END.search(before) and not before.startswith("•"):
                meta.issuer = before
    if not meta.title:
        for i, line in enumerate(stripped):
            if len(line) <= 60 and _TITLE_END.search(line) and not _NOTICE.search(line):
                following = stripped[i + 1] if i + 1 < len(stripped) else ""
                meta.title = line + (_fold(following) if _YEAR_SPAN.match(_fold(following)) else "")
                meta.title = re.sub(r"(?<=[^(（])([0-9]{8}年\))$", r"(\1", meta.title)
                break
    meta.title = _restore_dashes(meta.title)
    for i, line in enumerate(stripped):
        if meta.issued_on is None and _DATE_LINE.match(re.sub(r"\s+", "", _fold(line))):
            meta.issued_on = _parse_date(line)
            before = stripped[i - 1] if i else ""
            if not meta.issuer and len(before) <= 30 and _ISSUER_END.search(before):
                meta.issuer = before
    if not meta.issuer:
        for line in lines:
            if m := _DECIDED_BY.search(line):
                meta.issuer = m["who"]
                break
    if meta.issued_on is None:
        for line in reversed(lines[-40:]):
            if _END.search(_fold(line).strip()) and "印发" in line:
                meta.issued_on = _parse_date(line)
                break
    if not meta.title:
        meta.title = PurePath(filename or "").stem.strip() or "未命名方案"
        meta.warnings.append("未识别到方案标题，已用文件名代替，请核对")
    return meta


class _Body:
    """Reads the plan's text: chapters (一、), actions (（一）), numbered tasks (1．) with their fields, and
    the task lists (flattened, pasted or .docx tables) it contains."""

    def __init__(self) -> None:
        self.chapters: list[tuple[str, str, bool]] = []  # (numeral, title, is an annex)
        self.items: list[tuple[int, _Draft]] = []  # (chapter index, task)
        self.actions: list[tuple[int, tuple[str, str]]] = []
        self.action: tuple[str, str] = ("", "")
        self.action_fields: dict[tuple[str, str], dict[str, list[str]]] = {}
        self.current: _Draft | None = None
        self.sub: _Draft | None = None
        self.open = False  # the current task may still take continuation lines
        self.table = _TaskList()
        self.table_roles: tuple[int, dict[str, int]] | None = None  # the last .docx task table's columns
        self.annex_title_pending = False
        self.heading_open = False  # the last line was an action heading "开展…" still waiting for its "…行动"
        self.items_since_heading = False

    @property
    def chapter(self) -> int:
        return len(self.chapters) - 1

    def run(self, blocks: Sequence[str | _Table]) -> None:
        i = 0
        while i < len(blocks):
            block = blocks[i]
            if isinstance(block, _Table):
                self._table(block)
                i += 1
                continue
            line = block.strip()
            folded = _fold(line)
            if not line or _is_noise(folded):
                i += 1
                continue
            if "\t" in line and (roles := _roles(_tsv_cells(line))):
                i = self._tsv(blocks, i + 1, roles)
                continue
            if (header := self._flattened_header(blocks, i)) is not None:
                count, roles = header
                rows, i = _flattened_rows(blocks, i + count, roles)
                for row in rows:
                    self.table.add(row)
                self._close()
                continue
            self._line(line, folded)
            i += 1

    def _flattened_header(self, blocks: Sequence[str | _Table], i: int) -> tuple[int, dict[str, int]] | None:
        cells: list[str] = []
        j = i
        while j < len(blocks) and len(cells) < 8:
            block = blocks[j]
            if isinstance(block, _Table):
                break
            if block.strip():
                if _header_role(block) is None:
                    break
                cells.append(block.strip())
            j += 1
        if len(cells) < 2:
            return None
        roles = _roles(cells)
        return (j - i, roles) if roles else None

    def _tsv(self, blocks: Sequence[str | _Table], i: int, roles: dict[str, int]) -> int:
        grid: list[list[_Cell]] = []
        while i < len(blocks) and isinstance(blocks[i], str):
            line = str(blocks[i])
            if not line.strip():
                i += 1
                continue
            if "\t" not in line:
                break
            # a table pasted from Word leaves a vertically merged cell empty below its first row
            grid.append([_Cell(c, merged=not c) for c in _tsv_cells(line)])
            i += 1
        width = max(roles.values()) + 1
        for cells in grid:  # an editor may have dropped the trailing tabs of a row's empty cells
            cells.extend(_Cell("", merged=True) for _ in range(width - len(cells)))
        same = [[False] * len(r) for r in grid]
        for row in _table_rows(grid, roles, same):
            self.table.add(row)
        self._close()
        return i

    def _table(self, table: _Table) -> None:
        start, roles = 0, None
        for r, row in enumerate(table.grid):
            roles = _roles([None if table.same[r][c] else cell.text for c, cell in enumerate(row)])
            if roles is not None:
                start = r + 1
                break
        if roles is not None and start < len(table.grid):  # a second header row: 责任单位 over 牵头 | 配合
            below = table.grid[start]
            if any(c.text.strip() for c in below) and all(not c.text.strip() or _header_role(c.text) for c in below):
                for c, cell in enumerate(below):
                    role = _header_role(cell.text) if cell.text.strip() and not cell.merged else None
                    if role in ("lead", "co", "units", "due", "task", "number"):
                        roles[role] = c
                start += 1
            if "lead" in roles and "co" in roles and roles.get("units") in (roles["lead"], roles["co"]):
                del roles["units"]
        width = max((len(row) for row in table.grid), default=0)
        if roles is None and self.table_roles is not None and self.table_roles[0] == width:
            roles = self.table_roles[1]  # the list goes on in a second table (split at a page break)
        if roles is None:
            for text in table.texts:  # a layout table: its text reads as lines
                self._line(text.strip(), _fold(text.strip()))
            return
        self.table_roles = (width, roles)
        for parsed in _table_rows(table.grid[start:], roles, table.same[start:]):
            self.table.add(parsed)
        self._close()

    def _extend_heading(self, line: str) -> None:
        """An action heading wrapped over two lines: the action (and the record of it) gets its whole title."""
        old = self.action
        self.action = (old[0], old[1] + line.strip())
        self.actions = [(c, self.action if a == old else a) for c, a in self.actions]
        self.heading_open = False

    def _close(self) -> None:
        self.current = self.sub = None
        self.open = False

    def _line(self, line: str, folded: str) -> None:
        if self.annex_title_pending:
            self.annex_title_pending = False
            self.chapters[-1] = ("", line, True)
        if m := _ANNEX.match(folded):
            self.chapters.append(("", line[m.start("t") :].strip(), True))
            self.annex_title_pending = not m["t"].strip()
            self.action = ("", "")
            self.heading_open = False
            self._close()
            return
        in_annex = bool(self.chapters) and self.chapters[-1][2]
        m = _CHAPTER.match(folded)
        if m and not in_annex:
            self.chapters.append((m["n"], _heading(line[m.start("t") :]), False))
            self.action = ("", "")
            self.heading_open = False
            self._close()
            return
        m = m or _ACTION.match(folded)
        if m:
            heading, fields = _fields_of(line[m.start("t") :])
            self.action = (m["n"], _heading(heading))
            title = self.action[1]
            self.heading_open = not fields and title.startswith("开展") and not _ACTION_TAIL.search(title)
            self.items_since_heading = False
            if fields:  # （一）…（牵头单位：…；完成时限：…）: fields for the tasks under it, or itself a task
                self.action_fields[self.action] = fields
                task = _Draft(m["n"], ("", ""), heading.strip(), fields=fields, heading=self.action)
                self.items.append((self.chapter, task))
            self.actions.append((self.chapter, self.action))
            self._close()
            return
        if m := _NUMBERED.match(folded):
            self.items_since_heading = True
            self.current = _Draft(m["n"], self.action, line[m.start("t") :].strip())
            self.items.append((self.chapter, self.current))
            self.sub = None
            self.open = _trailing_group(self.current.text) is None
            return
        if self.current is not None and (m := _SUBITEM.match(folded)):
            number = m["n"] or str(ord(m["c"]) - 0x2460 + 1)
            self.sub = _Draft(f"{self.current.number}.{number}", self.action, line[m.start("t") :].strip())
            self.sub.parent = self.current.number
            self.sub.label = line[: m.start("t")].strip()
            self.current.children.append(self.sub)
            self.open = _trailing_group(self.sub.text) is None
            return
        joined = self.action[1] + line
        if self.heading_open and not self.items_since_heading and _ACTION_TAIL.search(joined) and len(line) <= 30:
            self._extend_heading(line)  # "（五）开展生产经营单位从业人员安全素质能" / "力提升行动"
            return
        self.heading_open = False
        target = self.sub or self.current
        if target is None:
            return
        folded_text = _fold(target.text)
        if folded_text.count("(") > folded_text.count(")"):  # wrapped inside its fields' bracket: read on
            target.text += line
            self.open = _trailing_group(target.text) is None
            return
        if _FIELD_LINE.match(folded):
            for role, values in _field_values(line).items():
                target.fields.setdefault(role, []).extend(values)
            self.open = False
            return
        if self.open:  # a paragraph wrapped over lines; once its fields are read, what follows is no part of it
            target.text += line
            self.open = _trailing_group(target.text) is None


def _heading(text: str) -> str:
    """A heading without a sentence run on after it: "加强组织领导。镇党委…" → "加强组织领导"."""
    text = text.strip()
    head, dot, _ = text.partition("。")
    return head if dot else text


def _finish_fields(draft: _Draft) -> None:
    """Split the paragraph's trailing fields off its text (once all its lines are in)."""
    text, fields = _fields_of(draft.text)
    draft.text = text.strip()
    for role, values in fields.items():
        draft.fields.setdefault(role, []).extend(values)
    for child in draft.children:
        _finish_fields(child)


def _is_task_chapter(title: str) -> bool:
    return bool(_TASK_CHAPTER.search(title)) and not _NOT_TASK_CHAPTER.search(title)


class _Build:
    """Drafts → ParsedTasks, with their units split and rules read, and the plan's warnings."""

    def __init__(self, first_is_lead: bool, reference_year: int | None) -> None:
        self.first_is_lead = first_is_lead
        self.reference_year = reference_year
        self.convention_used = False
        self.ongoing_default = False

    def task(self, d: _Draft) -> ParsedTask:
        warnings = list(d.warnings)
        due_text = d.due_text or "；".join(d.fields.get("due", ()))
        rule = parse_due(due_text, reference_year=self.reference_year) if due_text else DueRule("unknown")
        if not due_text:
            warnings.append("未识别到完成时限")
        elif rule.kind == "unknown":
            warnings.append(f"完成时限“{due_text}”未能识别为日期，请手工填写")
        if rule.kind == "ongoing" and not any(rx.search(_fold(due_text)) for _, rx in _EVERY):
            self.ongoing_default = True
        lead, co, conv = _units_from(d.fields, self.first_is_lead)
        self.convention_used = self.convention_used or conv
        lead_units = _dedupe(lead)
        co_units = _dedupe(co, (u.text for u in lead_units))
        if not lead_units and not co_units:
            warnings.append("未识别到责任单位")
        return ParsedTask(
            number=d.number,
            action=d.action[1],
            action_number=d.action[0],
            text=d.text,
            due_text=due_text,
            due=rule,
            lead_units=lead_units,
            co_units=co_units,
            inherited=tuple(d.inherited),
            warnings=tuple(dict.fromkeys(warnings)),
            parent=d.parent,
        )

    def group(self, d: _Draft, children: Sequence[ParsedTask]) -> ParsedTask:
        """A main task with rows under it: the latest of their dates, the union of their units (its own
        deadline and units when it has them)."""
        if d.has_own or d.fields:
            return self.task(d)
        lead = _dedupe(u.text for c in children for u in c.lead_units)
        co = _dedupe((u.text for c in children for u in c.co_units), (u.text for u in lead))
        return ParsedTask(
            number=d.number,
            action=d.action[1],
            action_number=d.action[0],
            text=d.text,
            due_text="",
            due=_latest(c.due for c in children),
            lead_units=lead,
            co_units=co,
        )

    def tree(self, drafts: Sequence[_Draft]) -> list[ParsedTask]:
        out: list[ParsedTask] = []
        for d in drafts:
            if d.children:
                children = [self.task(c) for c in d.children]
                out.append(self.group(d, children))
                out.extend(children)
            else:
                out.append(self.task(d))
        return out


def _body_drafts(body: _Body, warnings: list[str]) -> tuple[list[_Draft], list[tuple[str, str]]]:
    """The numbered tasks of the body that are tasks: in the chapters about tasks (重点任务, 主要任务, …
    行动, annexes), not in 总体要求 or 保障措施; all but those when no chapter says which."""
    chapters = body.chapters
    chosen = {i for i, (_, t, annex) in enumerate(chapters) if annex or _is_task_chapter(t)}
    if not any(not annex and _is_task_chapter(t) for _, t, annex in chapters):
        chosen |= {i for i, (_, t, _) in enumerate(chapters) if not _NOT_TASK_CHAPTER.search(t)}
        if not chapters or not any(not annex for _, _, annex in chapters):
            chosen.add(-1)
    drafts: list[_Draft] = []
    headings = {d.action for _, d in body.items if d.heading is None}  # those with numbered tasks under them
    as_tasks = set()
    for chapter, d in body.items:
        if chapter not in chosen or d.heading in headings:
            continue
        if d.heading is not None:
            as_tasks.add(d.heading)
        if not d.action[0] and chapter >= 0 and not chapters[chapter][2]:
            numeral, title, _ = chapters[chapter]
            if "行动" in title or not _GENERIC_CHAPTER.search(title):  # the chapter is itself the action
                d.action = (numeral, title)
        _finish_fields(d)
        _fold_subitems(d)
        if d.heading is None:
            _action_fields(d, body.action_fields.get(d.action, {}))
        drafts.append(d)
    actions: list[tuple[str, str]] = []
    for chapter, action in body.actions:
        if chapter in chosen and action not in actions and action not in as_tasks:
            actions.append(action)
    for d in drafts:
        if d.action[0] and d.action not in actions:
            actions.append(d.action)
    _renumber(drafts, warnings)
    return drafts, actions


def _action_fields(d: _Draft, fields: dict[str, list[str]]) -> None:
    """An action's own fields (（一）…行动（牵头单位：…；完成时限：…）) stand for those its tasks lack."""
    for c in [d, *d.children]:
        if fields.get("due") and not c.fields.get("due"):
            c.fields["due"] = list(fields["due"])
            c.inherited.append("due")
            c.warnings.append("完成时限沿用所属行动的完成时限")
        unit_roles = ("lead", "co", "units")
        if any(fields.get(r) for r in unit_roles) and not any(c.fields.get(r) for r in unit_roles):
            for r in unit_roles:
                if fields.get(r):
                    c.fields[r] = list(fields[r])
            c.inherited.append("units")
            c.warnings.append("责任单位沿用所属行动的责任单位")


def _fold_subitems(d: _Draft) -> None:
    """Sub-items (（1）…) are tasks of their own when they carry fields (other than the last alone, whose
    fields then end the whole task); otherwise they are part of the task's text."""
    with_fields = [i for i, c in enumerate(d.children) if c.fields]
    if not d.children or (with_fields and with_fields != [len(d.children) - 1]):
        return
    if with_fields:
        for role, values in d.children[-1].fields.items():
            d.fields.setdefault(role, []).extend(values)
    d.text = d.text + "".join(c.label + c.text for c in d.children)
    d.children = []


def _renumber(drafts: list[_Draft], warnings: list[str]) -> None:
    """Plans that number tasks afresh in each action (（一）1. 2. （二）1. …) get numbers "一.1", "二.1"."""
    numbers = [d.number for d in drafts]
    if len(set(numbers)) == len(numbers):
        return
    if all(d.action[0] for d in drafts):
        for d in drafts:
            old = d.number
            d.number = f"{d.action[0]}.{old}"
            for c in d.children:
                c.number = d.number + c.number[len(old) :]
                c.parent = d.number
        if len({d.number for d in drafts}) == len(drafts):
            return
    warnings.append("任务编号有重复，请核对")


def parse_plan(data: bytes, filename: str) -> ParsedPlan:
    """Read an uploaded plan (.docx or text, judged by content) into a ``ParsedPlan``; nothing is saved.

    Tasks come from the plan's task list (重点任务清单, a table or its flattened text) when it has one —
    each row a task, numbered "N.k" under main task N, main tasks included — and from the numbered
    paragraphs of its task chapters otherwise (a body task missing from the list is kept, with a warning).
    Raises ``PlanParseError`` (field "file", a Chinese message) for an empty file, one over ``MAX_BYTES``,
    one that is not .docx or text (PDF, image, .doc, archive), a .docx without text (a scan), text that no
    encoding reads, and a document in which no task is found.
    """
    _check_size(data)
    _refuse_other_kinds(data)
    source = "docx" if data.startswith(b"PK\x03\x04") else "text"
    blocks: list[str | _Table]
    if source == "docx":
        blocks = _docx_blocks(data)
        if not any((b.texts if isinstance(b, _Table) else b.strip()) for b in blocks):
            raise PlanParseError("未识别到文字，可能是扫描件，请上传可编辑的 .docx 或文本")
    else:
        blocks = list(_decode(data).splitlines())
    lines = [line for b in blocks for line in (b.texts if isinstance(b, _Table) else [b])]
    full = "\n".join(lines)
    warnings: list[str] = []
    first_is_lead = True
    if _NO_ORDER_SAID.search(full) and not _FIRST_LEAD_SAID.search(full):
        first_is_lead = False
        warnings.append("方案注明责任单位排名不分先后：未区分牵头与配合单位，均列为牵头单位，请逐项核对")
    meta = _metadata(lines, filename)
    warnings += meta.warnings
    span = _years(meta.title)
    reference_year = span[0] if span else (meta.issued_on.year if meta.issued_on else None)

    body = _Body()
    body.run(blocks)
    build = _Build(first_is_lead, reference_year)
    body_drafts, body_actions = _body_drafts(body, warnings)
    table = body.table
    warnings += table.warnings
    if table.tasks:
        listed = {d.number for d in table.tasks}
        missing = [d for d in body_drafts if d.number not in listed and d.parent == ""]
        if missing and any(d.children for d in table.tasks):
            numbers = "、".join(d.number for d in missing)
            warnings.append(f"正文第{numbers}项任务在任务清单中没有对应行，已按正文列出，请核对")
        tasks = build.tree(table.tasks) + build.tree(missing)
        actions = list(table.actions) + [a for a in body_actions if a not in table.actions and a[0]]
        actions = [a for a in actions if a[0] or a[1]]
    else:
        tasks = build.tree(body_drafts)
        actions = body_actions
    if not tasks or not (
        any(t.due.kind != "unknown" or t.lead_units for t in tasks)
        or actions
        or any(_is_task_chapter(t) for _, t, _ in body.chapters)
    ):
        raise PlanParseError(
            "未识别到任务：没有找到编号的任务（如“1．…（完成时限：…；责任单位：…）”）或重点任务清单表格，"
            "请确认上传的是方案文件"
        )
    if build.convention_used and first_is_lead:
        warnings.append("未注明牵头与配合的责任单位，按惯例以排在第一位的为牵头单位、其余为配合单位，请核对")
    if build.ongoing_default:
        warnings.append("“长期坚持”等未写报告周期的任务，默认每季度报告一次进展，可在保存前修改")
    warnings += _numbering_gaps(actions)
    if len({t.number for t in tasks}) < len(tasks):
        warnings.append("任务编号有重复，请核对")
    return ParsedPlan(
        title=meta.title,
        doc_number=meta.doc_number,
        issuer=meta.issuer,
        issued_on=meta.issued_on,
        actions=tuple(actions),
        tasks=tuple(tasks),
        warnings=tuple(dict.fromkeys(warnings)),
        source=source,
    )


def _numbering_gaps(actions: Sequence[tuple[str, str]]) -> list[str]:
    numbers = [n for n in (_cn_int(a[0]) for a in actions) if n]
    if not numbers:
        return []
    gaps = sorted(set(range(1, max(numbers) + 1)) - set(numbers))
    if not gaps:
        return []
    return [f"行动编号不连续：未见（{'）（'.join(_cn_numeral(g) for g in gaps)}），请核对是否漏项"]
