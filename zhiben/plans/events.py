"""The plan and task registers' event catalogues."""

from __future__ import annotations

from zhiben.common import kit

PLAN_CATALOGUE = kit.EventCatalogue(
    (
        kit.EventKind(
            "created",
            "登记方案",
            fields=(
                ("title", "标题"),
                ("region", "区划"),
                ("tasks", "任务数"),
                ("units", "责任单位数"),
                ("unmatched", "未匹配单位数"),
            ),
        ),
        kit.EventKind(
            "task_added", "增加任务", fields=(("number", "序号"), ("text", "任务内容"), ("units", "责任单位数"))
        ),
    )
)

TASK_CATALOGUE = kit.EventCatalogue(
    (
        kit.EventKind(
            "progress_reported",
            "报送进展",
            fields=(
                ("period", "报送期"),
                ("percent", "进度（%）"),
                ("unit", "报送单位"),
                ("text", "进展情况"),
                ("files", "附件"),
            ),
        ),
        kit.EventKind("done", "牵头单位标记完成", fields=(("done_on", "完成日期"),)),
        kit.EventKind("accepted", "验收销号", fields=(("accepted_on", "销号日期"),)),
        kit.EventKind("rejected", "退回重办", fields=(("reason", "退回理由"),)),
    )
)
