"""The enforcement rules the register applies, in one place (FACTS.md §1; issue 14's rules).

- ``MIN_OFFICERS``: an inspection team issues documents only with at least two law-enforcement officers
  holding certificates (行政处罚法 第四十二条: 执法人员不得少于两人，并应当主动出示执法证件; 安全生产法
  第六十五条 for the on-site measures an inspection may order).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

MIN_OFFICERS = 2  # 行政处罚法 第四十二条

# The legal bases the orders and their documents cite (安全生产法 2021).
MEASURES_BASIS = "《中华人民共和国安全生产法》第六十五条第一款第（三）项、第（四）项"
RECTIFY_BASIS = "《中华人民共和国安全生产法》第六十五条第一款第（二）项、第（三）项"
DAILY_BASIS = "《中华人民共和国安全生产法》第一百一十二条"


class Member(Protocol):
    role: str
    certificate_no: str


def certified_officers(team: Iterable[Member]) -> int:
    """How many members of ``team`` are law-enforcement officers with a certificate number (experts never
    count: they advise, they do not enforce)."""
    return sum(1 for m in team if m.role in ("leader", "officer") and (m.certificate_no or "").strip())


def issue_refusal(team: Iterable[Member]) -> str | None:
    """Why ``team`` may not issue enforcement documents, or None when it may (行政处罚法 第四十二条)."""
    n = certified_officers(team)
    if n < MIN_OFFICERS:
        return f"检查组持证执法人员不足{MIN_OFFICERS}人（现有{n}人），不能出具执法文书"
    return None
