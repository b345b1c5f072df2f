"""The filing register's event catalogue."""

from __future__ import annotations

from zhiben.common import kit

CATALOGUE = kit.EventCatalogue(
    (
        kit.EventKind(
            "filed",
            "报送隐患排查治理统计分析表",
            fields=(
                ("period", "统计期"),
                ("filed_on", "报送日期"),
                ("due_on", "报送期限"),
                ("late", "逾期报送"),
                ("scan", "扫描件"),
            ),
        ),
    )
)
