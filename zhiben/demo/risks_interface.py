"""The demo's dual-prevention exchange: a hazardous-chemicals enterprise of the demo county other than 清溪化工 (whose
register the register's demo keeps) is already on a provincial platform and brings its register from there — the
national interface's document (``POST …/dual-prevention.json``), imported through
``services.interface.dual_prevention_import`` by the admin: two units, three events scored by LEC, four measures and
their check tasks. Its page ``/risks/enterprises/<credit code>/exchange/`` then has data to download. Run again, it
adds nothing (the rows are found by their platform ids)."""

from __future__ import annotations

import datetime
from typing import Any

from zhiben.accounts.models import User
from zhiben.common import dates
from zhiben.enterprises.models import Enterprise
from zhiben.risks.models import RiskUnit
from zhiben.risks.services.interface import dual_prevention_import

PLATFORM = "SD-"  # the provincial platform's ids
SECTOR = "hazardous_chemicals"  # the enterprises that must feed the national interface


def _document(start: datetime.date) -> dict[str, Any]:
    since = f"{start:%Y-%m-%d} 00:00:00"
    units = [
        ("U1", "液氨储罐区", "储运车间", "周明", "place"),
        ("U2", "汽车装卸鹤位", "储运车间", "吴刚", "job"),
    ]
    events = [
        ("E1", "U1", "液氨储罐泄漏中毒", "中毒和窒息", (3, 6, 40)),  # 720: 重大
        ("E2", "U1", "储罐超压爆炸", "容器爆炸", (1, 6, 40)),  # 240: 较大
        ("E3", "U2", "装卸软管脱落泄漏", "中毒和窒息", (3, 3, 7)),  # 63: 低
    ]
    measures = [
        ("M1", "E1", "储罐设氨气浓度检测报警并与喷淋联锁", "1", "1-4", "检查氨气报警仪和喷淋联锁是否投用"),
        ("M2", "E1", "罐区配备正压式空气呼吸器和防化服", "4", "4-2", "检查呼吸器压力和防化服完好"),
        ("M3", "E2", "储罐安全阀每年校验", "1", "1-3", "检查安全阀校验标签在有效期内"),
        ("M4", "E3", "装卸前检查软管和静电接地", "3", "3-2", "检查装卸作业记录和接地报警"),
    ]
    tasks = [("T1", "M1", 1, "天", "0"), ("T2", "M2", 1, "月", "0"), ("T3", "M4", 1, "天", "1")]
    return {
        "riskUnit": [
            {"id": PLATFORM + k, "riskUnitName": n, "hazardDep": d, "hazardLiablePerson": p, "riskUnitType": t}
            for k, n, d, p, t in units
        ],
        "riskEvent": [
            {"id": PLATFORM + k, "riskUnitId": PLATFORM + u, "riskEventName": n, "consequence": c}
            | {"evaluateMethod": "lec", "l": lec[0], "e": lec[1], "c": lec[2]}
            for k, u, n, c, lec in events
        ],
        "riskMeasure": [
            {"id": PLATFORM + k, "riskEventId": PLATFORM + e, "dataSrc": "2", "riskMeasureDesc": d}
            | {"classify1": c1, "classify2": c2, "troubleshootContent": content}
            for k, e, d, c1, c2, content in measures
        ],
        "checkTask": [
            {"id": PLATFORM + k, "riskMeasureId": PLATFORM + m, "checkCycle": n, "checkCycleUnit": unit}
            | {"troubleshootContent": next(x[5] for x in measures if x[0] == m), "taskStartTime": since}
            | {"workDayType": working, "workType": "0"}
            for k, m, n, unit, working in tasks
        ],
    }


def seed_risks_interface(*, admin: User, county: str, besides: str) -> Enterprise | None:
    """Import the demo document, as ``admin``, for the first hazardous-chemicals enterprise registered in ``county``
    (by credit code) other than ``besides`` (once); answers that enterprise, or None when the county has none."""
    firm = (
        Enterprise.objects.filter(region__code__startswith=county, sector_id=SECTOR)
        .exclude(credit_code=besides)
        .order_by("credit_code")
        .first()
    )
    if firm is None:
        return None
    if not RiskUnit.objects.filter(enterprise=firm, external_id=PLATFORM + "U1").exists():
        start = dates.today().replace(day=1)
        dual_prevention_import(actor=admin, credit_code=firm.credit_code, document=_document(start))
    return firm
