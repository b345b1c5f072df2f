"""The criteria catalogue page (判定标准): every edition with its number, dates, source and status."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from zhiben.common import dates

from .selectors import criteria_for, standard_list


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    """判定标准目录: each standard's edition number, 施行/废止 dates, source and status (现行 / 已废止 / 尚未施行)
    on the day asked (``?on=YYYY-MM-DD``, today by default); ``?standard=KEY`` lists its clauses."""
    on, error = dates.today(), ""
    raw = request.GET.get("on") or ""
    if raw:
        try:
            on = datetime.date.fromisoformat(raw)
        except ValueError:
            error = f"日期 {raw} 无法识别，请按 YYYY-MM-DD 填写；以下按今天显示"
    standards = [(s, s.status(on)) for s in standard_list().annotate(clause_count=Count("clauses"))]
    key = request.GET.get("standard") or ""
    chosen = next((s for s, _ in standards if s.key == key), None)
    clauses = list(criteria_for(standard=chosen.key)) if chosen else []
    return render(
        request,
        "reference/catalogue.html",
        {"standards": standards, "on": on, "error": error, "chosen": chosen, "clauses": clauses},
        status=422 if error else 200,
    )
