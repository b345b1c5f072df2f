"""The event catalogues of duty lists and pressures."""

from __future__ import annotations

from zhiben.common import kit

LISTS = kit.EventCatalogue(
    (
        kit.EventKind("created", "登记履职清单", fields=(("title", "标题"), ("year", "年度"), ("region", "区划"))),
        kit.EventKind("item_added", "增加清单事项", fields=(("number", "序号"), ("text", "内容"), ("due", "完成时限"))),
        kit.EventKind(
            "entry_added",
            "记录履职台账",
            fields=(("number", "事项序号"), ("done_on", "履职日期"), ("text", "履职情况"), ("files", "附件")),
        ),
    )
)

PRESSURES = kit.EventCatalogue(
    (
        kit.EventKind(
            "created",
            "登记督促问责措施",
            fields=(("kind", "措施"), ("target", "对象"), ("on", "日期"), ("follow_up_due", "反馈期限")),
        ),
        kit.EventKind(
            "followed_up", "登记整改反馈", fields=(("done_on", "反馈日期"), ("late", "逾期反馈"), ("result", "情况"))
        ),
    )
)
