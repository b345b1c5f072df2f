"""Synthetic hazards in realistic proportions, for demos and the provincial-scale benchmarks."""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from typing import Any

SOURCES = ["self_check", "inspection", "tip", "other"]
SOURCE_WEIGHTS = [60, 30, 5, 5]
TITLES = {
    "major": [
        "可燃气体报警装置失效",
        "粉尘爆炸危险场所除尘系统不符合要求",
        "有限空间作业未审批",
        "液氨制冷车间未设置紧急泄压",
        "安全出口被封堵",
        "深基坑未按方案支护",
        "重大危险源未实施监控",
        "特种作业人员无证上岗",
        "燃气管道被占压",
        "脚手架搭设不符合专项方案",
    ],
    "general": [
        "灭火器过期未更换",
        "安全警示标志缺失",
        "配电箱未上锁",
        "消防通道堆放杂物",
        "劳动防护用品佩戴不规范",
        "应急照明损坏",
        "安全培训记录不全",
        "设备防护罩缺失",
        "电线私拉乱接",
        "危化品台账不全",
    ],
}
LOCATIONS = ["生产车间", "仓库", "罐区", "配电室", "办公楼", "施工现场", "装卸区", "锅炉房"]


def planned_at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=datetime.UTC)


# A citable clause with the first and last day it is in force (None: open).
Clause = tuple[str, datetime.date | None, datetime.date | None]


def hazard_rows(
    rng: random.Random,
    *,
    enterprises: list[tuple[int, str, str]],
    criteria: dict[str, list[Clause]],
    count: int,
    today: datetime.date,
    overdue_share: float,
    start: datetime.date = datetime.date(2022, 1, 1),
) -> Iterator[dict[str, Any]]:
    """Field dicts for ``count`` hazards: ~15% major, dates from ``start`` to ``today``, older ones mostly
    closed, ``overdue_share`` of them open past their deadline."""
    span = (today - start).days
    for _ in range(count):
        enterprise_id, region_id, sector_id = enterprises[rng.randrange(len(enterprises))]
        level = "major" if rng.random() < 0.15 else "general"
        discovered = start + datetime.timedelta(days=rng.randrange(span + 1))
        limit = rng.randint(30, 180) if level == "major" else rng.randint(3, 60)
        deadline = discovered + datetime.timedelta(days=limit)
        row: dict[str, Any] = {
            "enterprise_id": enterprise_id,
            "region_id": region_id,
            "sector_id": sector_id,
            "level": level,
            "source": rng.choices(SOURCES, SOURCE_WEIGHTS)[0],
            "title": rng.choice(TITLES[level]),
            "location": rng.choice(LOCATIONS),
            "discovered_on": discovered,
            "deadline": deadline,
            "criterion_id": None,
            "status": "closed",
            "closed_on": None,
        }
        if rng.random() < overdue_share:
            # open and past its deadline: push the deadline into the past if it is not already
            if deadline >= today:
                back = rng.randint(1, 200)
                discovered = max(start, today - datetime.timedelta(days=back + limit))
                row["discovered_on"] = discovered
                row["deadline"] = min(discovered + datetime.timedelta(days=limit), today - datetime.timedelta(days=1))
            row["status"] = rng.choice(["open", "rectifying", "rectifying", "pending_review"])
        elif deadline >= today and rng.random() < 0.7:
            row["status"] = rng.choice(["open", "rectifying", "rectifying", "pending_review"])
        elif rng.random() < 0.02:
            row["status"] = "cancelled"
        if row["status"] == "closed":
            late = rng.random() < 0.12
            days = rng.randint(1, 60) if late else -rng.randint(0, max(0, limit - 1))
            closed = min(row["deadline"] + datetime.timedelta(days=days), today)
            row["closed_on"] = max(closed, row["discovered_on"])
        if level == "major":
            # FACTS §2: a clause applies by the hazard's sector and discovery date (the edition then in force);
            # a sector with no clause in force that day records a general hazard instead.
            day = row["discovered_on"]
            in_force = [
                c
                for c, start, end in criteria[sector_id]
                if (start is None or start <= day) and (end is None or day <= end)
            ]
            if in_force:
                row["criterion_id"] = rng.choice(in_force)
            else:
                level = row["level"] = "general"
        if level == "general" and row["status"] == "pending_review":
            row["status"] = "rectifying"  # a general hazard closes on submission, never waits for review
        if row["status"] in ("rectifying", "pending_review", "closed") and level == "major":
            row["planned_at"] = planned_at(row["discovered_on"])
            row["responsible_person"] = "安全负责人"
            row["measures"] = "按方案整改"
            row["interim_measures"] = "停产整改，专人监护"
        if level == "major" and row["status"] in ("open", "rectifying", "pending_review") and rng.random() < 0.05:
            row["supervision_level"] = rng.choice(["county", "county", "city", "province"])
            row["listed_on"] = row["discovered_on"]
        yield row
