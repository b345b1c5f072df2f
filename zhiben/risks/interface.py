"""The national dual-prevention data interface (危险化学品企业双重预防机制数字化建设 数据交换), as data (issue 15).

The six tables the interface exchanges, each a list of ``Field``: the national field name (camelCase), what of
ours fills it (a model attribute, or a function of the row written in words), its Chinese meaning and its code
list (a dict, code → meaning). ``zhiben/risks/selectors/interface.py`` writes the tables from these lists and
``zhiben/risks/services/interface.py`` reads them back; ``docs/dual-prevention-interface.md`` shows them.

Where the names come from: the spec itself (19 pp., 2023) could not be read beyond its opening; the field names
and codes below are those every implementation found agrees on (entity classes, upload DTOs and API dumps of
provincial and park platforms; /work/wt/research15.md lists the sources). ``confirmed=False`` marks what only one
source gives or what the sources disagree on; ``extension=True`` marks zhiben's own fields, which the national
tables do not have but a round trip needs (the risk factors, the unit's kind): a national platform ignores them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from . import rules

# Dates and times as the interface writes them (Beijing wall time). The chemical-park variant writes
# yyyyMMddHHmmss; imports read both, and ISO 8601 with an offset.
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
DATE_PATTERN = "yyyy-MM-dd HH:mm:ss"

TABLES: tuple[str, ...] = ("riskUnit", "riskEvent", "riskMeasure", "checkTask", "checkRecord", "hazard")
TABLE_NAMES: dict[str, str] = {
    "riskUnit": "风险分析单元",
    "riskEvent": "风险事件",
    "riskMeasure": "风险管控措施",
    "checkTask": "隐患排查任务",
    "checkRecord": "隐患排查记录",
    "hazard": "隐患信息",
}
# The tables an import writes; check records and hazards are given by the enterprise's checks in zhiben.
IMPORTED: tuple[str, ...] = ("riskUnit", "riskEvent", "riskMeasure", "checkTask")

# --- code lists (code → meaning) --------------------------------------------------------------------------------

DELETED: dict[str, str] = {"0": "正常", "1": "已删除"}
DATA_SRC: dict[str, str] = {"1": "自动化监控", "2": "隐患排查"}
CLASSIFY1: dict[str, str] = dict(rules.CLASSIFY1)
CLASSIFY2: dict[str, str] = {code: name for sub in rules.CLASSIFY2.values() for code, name in sub.items()}
# 排查周期单位: the interface writes the Chinese words themselves, not codes
CHECK_CYCLE_UNIT: dict[str, str] = {"小时": "hour", "天": "day", "月": "month", "年": "year"}
WORK_DAY_TYPE: dict[str, str] = {"0": "每天", "1": "法定工作日", "2": "非法定工作日"}  # one source (unconfirmed)
WORK_TYPE: dict[str, str] = {  # one source (unconfirmed)
    "0": "日常任务",
    "1": "主要负责人任务",
    "2": "技术负责人任务",
    "3": "操作负责人任务",
}
CHECK_STATUS: dict[str, str] = {"0": "正常", "1": "存在隐患", "2": "未排查", "3": "其他"}  # one source
IS_DEFEND: dict[str, str] = {"1": "是", "0": "否"}  # 是否包保责任人任务: the 0/1 values unconfirmed
DANGER_LEVEL: dict[str, str] = {"0": "一般隐患", "1": "重大隐患"}
DANGER_SRC: dict[str, str] = {
    "1": "日常排查",
    "2": "综合性排查",
    "3": "专业性排查",
    "4": "季节性排查",
    "5": "重点时段及节假日前排查",
    "6": "事故类比排查",
    "7": "复产复工前排查",
    "8": "外聘专家诊断式排查",
    "9": "管控措施失效",
    "10": "其他",
}
DANGER_MANAGE_TYPE: dict[str, str] = {"0": "即查即改", "1": "限期整改"}
HAZARD_DANGER_TYPE: dict[str, str] = {
    "1": "安全",
    "2": "工艺",
    "3": "电气",
    "4": "仪表",
    "5": "消防",
    "6": "总图",
    "7": "设备",
    "8": "其他",
}
HAZARD_CATEGORY: dict[str, str] = {  # one source
    "0": "其他隐患",
    "1": "主要负责人登记隐患",
    "2": "技术负责人登记隐患",
    "3": "操作负责人登记隐患",
}
DANGER_STATE: dict[str, str] = {"0": "整改中", "1": "待验收", "9": "已验收"}
# 风险等级: not confirmed as a national field (one DTO has it commented out as 0 重大 … 3 低, another platform
# writes 1 重大 … 4 低); zhiben writes the first on its risk units and events as an extension.
RISK_LEVEL: dict[str, str] = {"0": "重大风险", "1": "较大风险", "2": "一般风险", "3": "低风险"}
RISK_LEVEL_GRADE: dict[str, str] = {"0": "red", "1": "orange", "2": "yellow", "3": "blue"}
GRADE_RISK_LEVEL: dict[str, str] = {grade: code for code, grade in RISK_LEVEL_GRADE.items()}

# Our values → the interface's codes (and back, for the import)
CYCLE_UNIT_WORD: dict[str, str] = {ours: word for word, ours in CHECK_CYCLE_UNIT.items()}
HAZARD_LEVEL_CODE: dict[str, str] = {"general": "0", "major": "1"}
HAZARD_STATE_CODE: dict[str, str] = {  # hazard status → dangerState (a cancelled hazard is sent deleted=1)
    "open": "0",
    "rectifying": "0",
    "pending_review": "1",
    "closed": "9",
    "cancelled": "0",
}
RECORD_STATUS_CODE: dict[str, str] = {"pass": "0", "fail": "1", "missed": "2"}


@dataclass(frozen=True)
class Field:
    """One field of a national table: ``name`` as the interface spells it, ``ours`` what fills it (the model
    attribute, or how it is worked out, in words), ``meaning`` in Chinese, ``codes`` its code list, if any."""

    name: str
    ours: str
    meaning: str
    codes: dict[str, str] | None = None
    confirmed: bool = True
    extension: bool = False


AUDIT: tuple[Field, ...] = (
    Field("deleted", "deleted", "删除状态", DELETED),
    Field("createDate", "created_at", "创建时间（yyyy-MM-dd HH:mm:ss，北京时间）"),
    Field("createBy", "（不记录，留空）", "创建人"),
    Field("updateDate", "updated_at", "最后修改时间（增量交换依据）"),
    Field("updateBy", "（不记录，留空）", "最后修改人"),
)

FIELDS: dict[str, tuple[Field, ...]] = {
    "riskUnit": (
        Field("id", "external_id，或本系统编号", "主键"),
        Field("companyCode", "企业统一社会信用代码", "企业编码（规范为危化品登记系统的9位企业编码）", confirmed=False),
        Field("riskUnitName", "name", "风险分析单元名称"),
        Field("hazardCode", "hazard_source_code", "风险分析对象编码（危险源编码）"),
        Field("hazardDep", "department", "责任部门"),
        Field("hazardLiablePerson", "responsible", "责任人"),
        *AUDIT,
        Field(
            "riskUnitType",
            "kind",
            "单元类型（本系统扩展）",
            {"device": "设备设施", "installation": "生产装置/单元", "place": "场所区域", "job": "作业活动"},
            extension=True,
        ),
        Field(
            "riskLevel",
            "grade（由风险事件得出）",
            "风险等级（本系统扩展）",
            RISK_LEVEL,
            confirmed=False,
            extension=True,
        ),
    ),
    "riskEvent": (
        Field("id", "external_id，或本系统编号", "主键"),
        Field("companyCode", "企业统一社会信用代码", "企业编码", confirmed=False),
        Field("riskUnitId", "unit 的 id", "风险分析单元 ID"),
        Field("riskEventName", "name", "风险事件名称"),
        *AUDIT,
        Field("consequence", "consequence", "可能导致的事故类型（本系统扩展）", extension=True),
        Field(
            "evaluateMethod",
            "method",
            "风险评价方法（本系统扩展）",
            {"lec": "作业条件危险性分析法（LEC）", "ls": "风险矩阵法（L×S）"},
            extension=True,
        ),
        Field("l", "l 或 likelihood", "L：事故发生的可能性（本系统扩展）", extension=True),
        Field("e", "e", "E：暴露于危险环境的频繁程度（LEC，本系统扩展）", extension=True),
        Field("c", "c", "C：发生事故产生的后果（LEC，本系统扩展）", extension=True),
        Field("s", "severity", "S：严重性（L×S，本系统扩展）", extension=True),
        Field("riskValue", "score", "风险值 D=L×E×C 或 R=L×S（本系统扩展）", extension=True),
        Field("riskLevel", "grade", "风险等级（本系统扩展）", RISK_LEVEL, confirmed=False, extension=True),
    ),
    "riskMeasure": (
        Field("id", "external_id，或本系统编号", "主键"),
        Field("companyCode", "企业统一社会信用代码", "企业编码", confirmed=False),
        Field("riskEventId", "event 的 id", "风险事件 ID"),
        Field("dataSrc", "恒为 2（本系统的措施均由隐患排查管控）", "管控方式", DATA_SRC),
        Field("riskMeasureDesc", "description", "管控措施描述"),
        Field("classify1", "classify1", "管控措施分类1", CLASSIFY1),
        Field("classify2", "classify2", "管控措施分类2", CLASSIFY2),
        Field("classify3", "classify3", "管控措施分类3（企业自定义）"),
        Field("troubleshootContent", "content", "隐患排查内容"),
        *AUDIT,
        Field("measureDep", "department", "措施责任部门（本系统扩展）", extension=True),
        Field("measureLiablePerson", "responsible", "措施责任人（本系统扩展）", extension=True),
    ),
    "checkTask": (
        Field("id", "external_id，或本系统编号", "主键"),
        Field("companyCode", "企业统一社会信用代码", "企业编码", confirmed=False),
        Field("riskMeasureId", "measure 的 id（日周月等节奏检查无措施，为空）", "管控措施 ID"),
        Field("troubleshootContent", "content", "隐患排查内容"),
        Field("checkCycle", "cycle_value", "排查周期（大于 0 的整数）"),
        Field("checkCycleUnit", "cycle_unit", "排查周期单位（填汉字）", CHECK_CYCLE_UNIT),
        Field("taskStartTime", "starts_on 的 00:00:00", "任务开始时间", confirmed=False),
        Field("workStartTime", "（不记录，留空）", "工作开始时间（周期单位为小时时填写，如 8:00:00）"),
        Field("workEndTime", "（不记录，留空）", "工作结束时间"),
        Field(
            "workDayType", "working_days_only：否 0、是 1", "工作日类型（不支持 2 非法定工作日）", WORK_DAY_TYPE, False
        ),
        Field("workType", "kind：主要负责人带队检查 1，其余 0", "任务类型", WORK_TYPE, confirmed=False),
        Field("taskNum", "（不记录，留空）", "包保任务对应项", confirmed=False),
        *AUDIT,
        Field(
            "taskKind",
            "kind",
            "任务类型（本系统扩展）",
            {
                "measure": "管控措施排查",
                "team_daily": "班组日检",
                "dept_weekly": "车间（部门）周检",
                "plant_monthly": "厂级月检",
                "principal": "主要负责人带队检查",
            },
            extension=True,
        ),
    ),
    "checkRecord": (
        Field("id", "external_id，或本系统编号", "主键"),
        Field("companyCode", "企业统一社会信用代码", "企业编码", confirmed=False),
        Field("checkTaskId", "task 的 id", "隐患排查任务 ID"),
        Field("checkTime", "done_at（漏检的为周期截止时间）", "排查时间"),
        Field("mobileMe", "（不记录，留空）", "IMEI 码"),
        Field("isDefend", "任务为主要负责人带队检查时 1", "是否包保责任人任务", IS_DEFEND, confirmed=False),
        Field("checkStatus", "result：正常 0、发现隐患 1；漏检 2", "排查结果", CHECK_STATUS, confirmed=False),
        Field("deleted", "恒为 0", "删除状态", DELETED),
        Field("createDate", "received_at（漏检的为周期截止时间）", "创建时间"),
        Field("createBy", "done_by", "创建人"),
        Field("createByMobile", "（不记录，留空）", "创建人手机号"),
        Field("updateDate", "updated_at", "最后修改时间（增量交换依据）"),
        Field("updateBy", "done_by", "最后修改人"),
        Field("updateByMobile", "（不记录，留空）", "最后修改人手机号"),
        Field(
            "recordStatus",
            "status",
            "排查状态（本系统扩展）",
            {"done": "按时排查", "late": "按时排查（逾期上传）", "missed": "未排查（漏检）"},
            extension=True,
        ),
    ),
    "hazard": (
        Field("id", "hazard 的编号", "主键"),
        Field("companyCode", "企业统一社会信用代码", "企业编码", confirmed=False),
        Field("hazardCode", "排查记录所属风险分析单元的 hazard_source_code", "风险分析对象编码"),
        Field("riskMeasureId", "排查记录（CheckRecord.hazard）所属任务的措施 id", "管控措施 ID"),
        Field("checkRecordId", "引用该隐患的排查记录的 id", "隐患排查记录 ID"),
        Field("dangerName", "title", "隐患名称"),
        Field("dangerLevel", "level：一般 0、重大 1", "隐患等级", DANGER_LEVEL),
        Field("registTime", "created_at", "登记时间"),
        Field("registrant", "created_by 的姓名", "登记人姓名"),
        Field("dangerSrc", "恒为 1 日常排查（企业自查）", "隐患来源", DANGER_SRC),
        Field("dangerManageType", "有整改期限为 1，否则 0", "隐患治理类型", DANGER_MANAGE_TYPE),
        Field("hazardDangerType", "恒为 8 其他（本系统不分此类）", "隐患类型", HAZARD_DANGER_TYPE),
        Field("hazardCategory", "主要负责人带队检查发现的为 1，否则 0", "隐患类别", HAZARD_CATEGORY, confirmed=False),
        Field("dangerDesc", "description（为空时用 title）", "隐患描述"),
        Field("dangerReason", "（不记录，留空）", "原因分析"),
        Field("controlMeasures", "interim_measures", "控制措施"),
        Field("cost", "funds 折合万元", "整改资金（万元）", confirmed=False),
        Field("dangerManageDeadline", "deadline 的 23:59:59", "隐患治理期限"),
        Field("liablePerson", "responsible_person", "整改责任人"),
        Field("checkAcceptPerson", "（不记录，留空）", "验收人姓名"),
        Field("checkAcceptTime", "closed_on 的 00:00:00", "验收时间"),
        Field("checkAcceptComment", "（不记录，留空）", "验收情况"),
        Field("dangerState", "status：整改中 0、待验收 1、已销号 9", "隐患状态", DANGER_STATE),
        Field("deleted", "已撤销（误报）的隐患为 1", "删除标志", DELETED),
        Field("createDate", "created_at", "创建时间"),
        Field("createBy", "created_by 的姓名", "创建人"),
        Field("updateDate", "updated_at", "最后修改时间（增量交换依据）"),
        Field("updateBy", "（不记录，留空）", "最后修改人"),
    ),
}


def field_names(table: str) -> list[str]:
    """The field names of one table, in the order the export writes them."""
    return [f.name for f in FIELDS[table]]


def stamp(value: datetime.datetime | None) -> str:
    """An instant as the interface writes it: Beijing wall time ``yyyy-MM-dd HH:mm:ss`` ("" for none)."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    # four-digit years whatever the platform's strftime does with years before 1000
    return f"{local.year:04d}-{local:%m-%d %H:%M:%S}"


def day_stamp(value: datetime.date | None, end: bool = False) -> str:
    """A Beijing day as an interface time: its start (``00:00:00``) or, with ``end``, its last second."""
    if value is None:
        return ""
    return f"{value.year:04d}-{value:%m-%d} {'23:59:59' if end else '00:00:00'}"
