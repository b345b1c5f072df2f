"""The demo's risk register (风险分级管控清单) at 秀山县清溪化工有限公司, the hazardous-chemicals enterprise of the
demo enterprise user: five risk analysis units (液氯储罐区, 合成反应装置, 装卸站台, 危化品仓库, 动火作业), two or three
risk events each scored by LEC so that one is 重大 (red) and the others 较大/一般/低, and two or three control
measures per event across the four national classes (工程技术 · 维护保养 · 操作行为 · 应急措施).

Written through the register's services by the enterprise's own user (its safety manager), so the grades, their
reason and the event log follow as for real data. Run again, it adds nothing (the enterprise's register exists)."""

from __future__ import annotations

from typing import Any

from zhiben.accounts.models import Role, User
from zhiben.enterprises.models import Enterprise
from zhiben.risks.models import RiskUnit
from zhiben.risks.services import register as services

# (unit, kind, 重大危险源编码, department, responsible,
#  [(event, consequence, L, E, C, [(classify2, measure, content)])])
REGISTER: list[tuple[str, str, str, str, str, list[tuple[str, str, str, str, str, list[tuple[str, str, str]]]]]] = [
    (
        "液氯储罐区",
        "place",
        "500241-WHY-001",
        "储运车间",
        "王强",
        [
            (
                "液氯储罐泄漏中毒",
                "中毒和窒息",
                "3",
                "6",
                "40",  # 720: 重大
                [
                    ("1-4", "储罐区设有毒气体检测报警仪，与紧急切断阀联锁", "报警仪显示正常、联锁投用，检定在有效期内"),
                    ("2-2", "储罐、管线每年定期检验，安全阀每年校验", "检验、校验报告在有效期内，无跑冒滴漏"),
                    ("4-1", "设置事故氯吸收装置（碱液喷淋），配备应急堵漏器材", "碱液浓度、液位符合要求，堵漏器材齐全"),
                ],
            ),
            (
                "储罐超压物理爆炸",
                "容器爆炸",
                "1",
                "6",
                "40",  # 240: 较大
                [
                    ("1-3", "储罐设压力表、安全阀和液位计，压力高限报警", "压力、液位在控制范围内，安全附件完好"),
                    ("3-2", "每两小时巡检记录储罐压力、温度和液位", "巡检记录完整，异常已处置"),
                ],
            ),
        ],
    ),
    (
        "合成反应装置",
        "installation",
        "500241-WHY-002",
        "生产车间",
        "李明",
        [
            (
                "反应失控超温超压",
                "火灾、爆炸",
                "1",
                "6",
                "40",  # 240: 较大
                [
                    ("1-1", "反应温度、压力自动控制，与进料、冷却系统联锁", "控制参数在工艺卡片范围内，联锁投用"),
                    ("1-4", "装设安全仪表系统（SIS），紧急停车按钮有效", "SIS 投用，旁路有审批"),
                    ("3-1", "操作人员持危险化工工艺作业证上岗", "当班人员证件在有效期内"),
                ],
            ),
            (
                "物料泄漏引发火灾",
                "火灾",
                "1",
                "6",
                "15",  # 90: 一般
                [
                    ("2-1", "进料泵、搅拌电机按计划维护保养", "设备运转正常，密封无泄漏"),
                    ("4-3", "装置区配置灭火器和消防水炮", "消防器材完好、在有效期内"),
                ],
            ),
            (
                "高温管线烫伤",
                "灼烫",
                "3",
                "6",
                "3",  # 54: 低
                [
                    ("1-5", "高温管线设保温层和警示标识", "保温层完好，标识清晰"),
                    ("4-2", "作业人员佩戴隔热手套", "防护用品配备到位"),
                ],
            ),
        ],
    ),
    (
        "装卸站台",
        "place",
        "",
        "储运车间",
        "赵刚",
        [
            (
                "槽车装卸泄漏",
                "中毒和窒息、火灾",
                "3",
                "3",
                "15",  # 135: 一般
                [
                    ("1-2", "装卸鹤管设紧急切断阀和拉断阀", "阀门动作可靠"),
                    ("3-3", "装卸作业执行交接和监护制度", "交接记录、监护人签字齐全"),
                    ("4-4", "编制装卸泄漏现场处置方案并每半年演练", "方案有效，演练记录完整"),
                ],
            ),
            (
                "静电火花引发火灾",
                "火灾、爆炸",
                "1",
                "3",
                "40",  # 120: 一般
                [
                    ("1-3", "设静电接地报警器，接地不良禁止装卸", "接地报警器工作正常"),
                    ("2-3", "防雷防静电设施每年检测", "检测报告在有效期内"),
                ],
            ),
        ],
    ),
    (
        "危化品仓库",
        "place",
        "",
        "仓储部",
        "孙丽",
        [
            (
                "禁忌物料混存反应",
                "火灾、中毒",
                "1",
                "6",
                "15",  # 90: 一般
                [
                    ("3-2", "按禁忌物配存表分区存放，出入库登记", "分区存放，台账与实物一致"),
                    ("1-5", "仓库设可燃气体检测和机械通风", "检测、通风设施运行正常"),
                ],
            ),
            (
                "叉车作业碰撞",
                "车辆伤害",
                "3",
                "2",
                "7",  # 42: 低
                [
                    ("3-1", "叉车司机持特种设备作业证", "证件在有效期内"),
                    ("2-1", "叉车每日点检、定期保养", "点检记录齐全"),
                ],
            ),
        ],
    ),
    (
        "动火作业",
        "job",
        "",
        "安全环保部",
        "陈工",
        [
            (
                "动火作业引发火灾爆炸",
                "火灾、爆炸",
                "3",
                "2",
                "40",  # 240: 较大
                [
                    ("3-2", "执行动火作业票证制度，动火前气体分析合格", "票证审批、分析记录齐全"),
                    ("4-3", "动火点配备灭火器并设专人监护", "监护人在岗，灭火器到位"),
                ],
            ),
            (
                "高处动火坠落",
                "高处坠落",
                "1",
                "2",
                "15",  # 30: 低
                [
                    ("4-2", "高处作业系挂安全带", "安全带完好、高挂低用"),
                    ("3-4", "作业前安全交底", "交底记录签字齐全"),
                ],
            ),
        ],
    ),
]


def seed_risk_register(*, enterprise: str) -> int:
    """Record the demo register of the enterprise with credit code ``enterprise`` through the services, by its
    first active enterprise user (made its safety manager); answers how many units were added (0 when the
    enterprise, its user or its register is already there — idempotent)."""
    firm = Enterprise.objects.filter(credit_code=enterprise).first()
    if firm is None or RiskUnit.objects.filter(enterprise=firm).exists():
        return 0
    staff = User.objects.filter(enterprise=firm, role=Role.ENTERPRISE, is_active=True).order_by("pk").first()
    if staff is None:
        return 0
    services.profile_set(actor=staff, enterprise=firm, method="lec", safety_manager=staff.username)
    for name, kind, source, department, responsible, events in REGISTER:
        unit = services.unit_create(
            actor=staff,
            enterprise=firm,
            data={
                "name": name,
                "kind": kind,
                "hazard_source_code": source,
                "department": department,
                "responsible": responsible,
            },
        )
        for event_name, consequence, l, e, c, measures in events:  # noqa: E741
            event = services.event_create(
                actor=staff,
                unit_id=unit.pk,
                data={"name": event_name, "consequence": consequence, "l": l, "e": e, "c": c},
            )
            for classify2, description, content in measures:
                data: dict[str, Any] = {
                    "event": event.pk,
                    "unit": unit.pk,
                    "description": description,
                    "classify1": classify2.split("-")[0],
                    "classify2": classify2,
                    "content": content,
                    "department": department,
                    "responsible": responsible,
                }
                services.measure_create(actor=staff, data=data)
    return len(REGISTER)
