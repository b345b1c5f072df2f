"""GET /api/v1/stats/hazards and /stats/zeroing: the summary counts answer exactly what the rows say."""

from __future__ import annotations

import datetime
from io import BytesIO

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhiben.analytics.selectors import FIGURES, hazard_stats, hazard_stats_from_rows, top_overdue_enterprises
from zhiben.common.inputs import parse
from zhiben.hazards import rules
from zhiben.hazards.inputs import HazardCancellation, HazardPlan, HazardReviewDecision, HazardSubmission
from zhiben.hazards.models import Hazard
from zhiben.hazards.services import (
    hazard_attach,
    hazard_cancel,
    hazard_plan,
    hazard_review,
    hazard_submit,
)
from zhiben.tests_support import factories, files

pytestmark = pytest.mark.django_db


def make(actor, firm, *, discovered, deadline=None, level="general", source="inspection"):
    return factories.hazard(actor, firm, discovered_on=discovered, deadline=deadline, level=level, source=source)


def close(h, actor, reviewer):
    if h.status == "open" and h.level == "major":
        hazard_plan(
            hazard_id=h.pk,
            actor=actor,
            plan=parse(
                HazardPlan,
                {
                    "responsible_person": "p",
                    "measures": "m",
                    "funds": None,
                    "deadline": h.deadline or h.discovered_on,
                    "interim_measures": "i",
                },
            ),
        )
    ids = [a.pk for a in hazard_attach(hazard_id=h.pk, actor=actor, uploads=[(BytesIO(files.png()), "a.png", None)])]
    hazard_submit(hazard_id=h.pk, actor=actor, submission=parse(HazardSubmission, {"summary": "s", "attachments": ids}))
    if h.level == "major":
        hazard_review(
            hazard_id=h.pk, actor=reviewer, review=parse(HazardReviewDecision, {"decision": "approve", "comment": ""})
        )


def as_dict(result):
    return {g["key"]: {f: g[f] for f in FIGURES} for g in result["groups"]}


def most_overdue_from_rows(region, limit=10):
    """The most overdue enterprises the naive way: every overdue hazard row of the subtree."""
    today = rules.today()
    per: dict = {}
    for h in Hazard.objects.filter(rules.q_overdue(on=today)).select_related("enterprise"):
        if region and not h.region_id.startswith(region):
            continue
        n, major, oldest, code = per.get(h.enterprise_id, (0, 0, h.deadline, h.enterprise.credit_code))
        per[h.enterprise_id] = (n + 1, major + (h.level == "major"), min(oldest, h.deadline), code)
    ranked = sorted(per.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))[:limit]
    return [(code, n, major, (today - oldest).days) for _, (n, major, oldest, code) in ranked]


def most_overdue(actor, region):
    return [
        (r["credit_code"], r["overdue"], r["major"], r["days"])
        for r in top_overdue_enterprises(actor=actor, region=region)
    ]


def test_group_by_region_groups_by_direct_children_and_the_region_itself(township, admin_user) -> None:
    county_firm = factories.enterprise(region="500241", sector="hazardous_chemicals")
    town_firm = factories.enterprise(region=township, sector="hazardous_chemicals")
    other = factories.enterprise(region="500101", sector="hazardous_chemicals")
    make(admin_user, county_firm, discovered="2025-01-01")
    make(admin_user, town_firm, discovered="2025-01-01")
    make(admin_user, town_firm, discovered="2023-01-01", deadline="2023-02-01")
    make(admin_user, other, discovered="2025-01-01")
    county = as_dict(hazard_stats(actor=admin_user, region="500241", group_by="region"))
    assert set(county) == {"500241", township}
    assert county[township]["total"] == 2 and county[township]["stock_open"] == 1 and county[township]["overdue"] == 1
    chongqing = as_dict(hazard_stats(actor=admin_user, region="50", group_by="region"))
    assert set(chongqing) == {"5001", "5002"} and chongqing["5002"]["total"] == 3
    national = hazard_stats(actor=admin_user, group_by="region")
    assert [g["key"] for g in national["groups"]] == ["50"] and national["totals"]["total"] == 4


def test_the_meaning_of_every_figure(admin_user, officer, firm, monkeypatch) -> None:
    monkeypatch.setattr(rules, "today", lambda: datetime.date(2025, 6, 1))
    on_time = make(officer, firm, discovered="2025-01-01", deadline="2025-12-31")
    late = make(officer, firm, discovered="2023-05-01", deadline="2023-06-01", level="major")
    overdue = make(officer, firm, discovered="2025-01-01", deadline="2025-03-01")
    cancelled = make(officer, firm, discovered="2025-01-01")
    no_deadline = make(officer, firm, discovered="2025-02-01")
    close(on_time, officer, admin_user)
    close(late, officer, admin_user)
    hazard_cancel(hazard_id=cancelled.pk, actor=officer, cancellation=parse(HazardCancellation, {"reason": "误报"}))
    totals = hazard_stats(actor=officer, group_by="source")["totals"]
    assert totals == {
        "total": 4,
        "open": 2,
        "closed": 2,
        "overdue": 1,
        "closed_on_time": 1,
        "stock_total": 1,
        "stock_open": 0,
        "increment_total": 3,
        "increment_open": 2,
        "listed": 0,
    }
    assert overdue.pk and no_deadline.pk


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    data=st.lists(
        st.tuples(
            st.integers(0, 3),
            st.dates(datetime.date(2022, 1, 1), datetime.date(2025, 5, 1)),
            st.one_of(st.none(), st.integers(0, 200)),
            st.booleans(),
            st.sampled_from(["self_check", "inspection", "tip", "other"]),
            st.sampled_from(["none", "close", "cancel"]),
        ),
        min_size=1,
        max_size=12,
    ),
    group_by=st.sampled_from(["region", "sector", "source", "cohort", "month"]),
    level=st.sampled_from([None, "major", "general"]),
)
def test_the_counts_agree_with_group_by_over_the_rows(data, group_by, level, admin_user, township) -> None:
    firms = [
        factories.enterprise(region="500241", sector="hazardous_chemicals"),
        factories.enterprise(region=township, sector="hazardous_chemicals"),
        factories.enterprise(region="500101", sector="hazardous_chemicals"),
        factories.enterprise(region="110105", sector="hazardous_chemicals"),
    ]
    for firm_index, discovered, days, major, source, fate in data:
        deadline = None if days is None else discovered + datetime.timedelta(days=days)
        h = make(
            admin_user,
            firms[firm_index],
            discovered=discovered,
            deadline=deadline,
            level="major" if major else "general",
            source=source,
        )
        if fate == "close":
            close(h, admin_user, factories.user(f"rev{h.pk}", role="admin"))
        elif fate == "cancel":
            hazard_cancel(hazard_id=h.pk, actor=admin_user, cancellation=parse(HazardCancellation, {"reason": "r"}))
    for region in (None, "50", "500241"):
        fast = as_dict(hazard_stats(actor=admin_user, region=region, level=level, group_by=group_by))
        slow = hazard_stats_from_rows(actor=admin_user, region=region, level=level, group_by=group_by)
        slow = {k: v for k, v in slow.items() if any(v.values())}
        assert fast == slow, (region, group_by, level)
        assert most_overdue(admin_user, region) == most_overdue_from_rows(region, limit=10)


def test_figures_as_of_a_past_day(officer, admin_user, firm, monkeypatch) -> None:
    day = {"d": datetime.date(2025, 3, 1)}
    monkeypatch.setattr(rules, "today", lambda: day["d"])
    h = make(officer, firm, discovered="2025-02-20", deadline="2025-03-10", level="major")
    day["d"] = datetime.date(2025, 3, 20)  # now overdue
    close(h, officer, admin_user)
    day["d"] = datetime.date(2025, 4, 1)
    now = hazard_stats(actor=officer, group_by="cohort")["totals"]
    assert now["closed"] == 1 and now["open"] == 0 and now["overdue"] == 0 and now["closed_on_time"] == 0
    then = hazard_stats(actor=officer, group_by="cohort", as_of=datetime.date(2025, 3, 15))["totals"]
    assert then["open"] == 1 and then["closed"] == 0 and then["overdue"] == 1
    before = hazard_stats(actor=officer, group_by="cohort", as_of=datetime.date(2025, 2, 28))["totals"]
    assert before["total"] == 0


def test_bad_parameters_are_named(api_as, officer) -> None:
    client = api_as(officer)
    for params, field in (
        ({"group_by": "colour"}, "group_by"),
        ({"as_of": "yesterday"}, "as_of"),
        ({"as_of": "2999-01-01"}, "as_of"),
        ({"region": "5x"}, "region"),
        ({"level": "huge"}, "level"),
    ):
        r = client.get("/api/v1/stats/hazards", params)
        assert r.status_code == 422, params
        assert field in r.json()["errors"], (params, r.json())


def test_the_api_answers_the_contract(api_as, officer, firm) -> None:
    make(officer, firm, discovered="2025-01-01")
    r = api_as(officer).get("/api/v1/stats/hazards", {"group_by": "sector"})
    assert r.status_code == 200
    body = r.json()
    assert set(body["totals"]) == set(FIGURES)
    assert body["groups"][0]["key"] == "hazardous_chemicals" and set(body["groups"][0]) == {"key", *FIGURES}


def test_enterprise_users_get_figures_for_their_own_firm(api_as, firm_user, officer, other_firm) -> None:
    make(officer, firm_user.enterprise, discovered="2025-01-01")
    make(factories.user("root", role="admin"), other_firm, discovered="2025-01-01")
    r = api_as(firm_user).get("/api/v1/stats/hazards", {"group_by": "source"})
    assert r.status_code == 200 and r.json()["totals"]["total"] == 1
    assert api_as(firm_user).get("/api/v1/stats/hazards", {"as_of": "2025-01-01"}).status_code == 422


def test_sector_limited_officers_see_their_sectors_only(chem_officer, officer, firm) -> None:
    machinery = factories.enterprise(region="500241", sector="machinery")
    make(officer, firm, discovered="2025-01-01")
    make(officer, machinery, discovered="2025-01-01")
    for group_by in ("region", "month", "sector"):
        assert hazard_stats(actor=chem_officer, group_by=group_by)["totals"]["total"] == 1
        assert hazard_stats(actor=officer, group_by=group_by)["totals"]["total"] == 2


def test_zeroing(officer, admin_user, firm, monkeypatch, settings) -> None:
    day = {"d": datetime.date(2024, 6, 1)}
    monkeypatch.setattr(rules, "today", lambda: day["d"])
    settings.ZHIBEN = {**settings.ZHIBEN, "STOCK_DEADLINE": "2024-12-31"}
    stock = make(officer, firm, discovered="2023-03-01", deadline="2023-06-01", level="major")
    make(officer, firm, discovered="2024-03-01", deadline="2024-04-01", level="major")
    day["d"] = datetime.date(2024, 11, 1)
    close(stock, officer, admin_user)
    day["d"] = datetime.date(2025, 2, 1)
    z = hazard_stats(actor=officer, group_by="cohort", level="major")
    assert z["totals"]["overdue"] == 1
    from zhiben.analytics.selectors import zeroing

    result = zeroing(actor=officer)
    assert result["stock"] == {
        **result["stock"],
        "total": 1,
        "closed": 1,
        "remaining": 0,
        "remaining_at_deadline": 0,
        "cleared_by_deadline": True,
    }
    assert result["increment"] == [{"year": "2024", "total": 1, "closed": 0, "open": 1, "overdue": 1}]
    assert result["open_overdue_major"] == 1


def test_check_summaries_after_a_day_of_work(officer, admin_user, firm) -> None:
    h = make(officer, firm, discovered="2025-01-01", deadline="2025-02-01", level="major")
    close(h, officer, admin_user)
    call_command("check_summaries")


def test_folding_past_deadlines_keeps_every_figure(officer, admin_user, firm, monkeypatch) -> None:
    from zhiben.analytics.models import ActiveDeadline
    from zhiben.analytics.tallies import fold_past_deadlines, tally_drift

    day = {"d": datetime.date(2025, 2, 1)}  # recorded before their deadlines passed
    monkeypatch.setattr(rules, "today", lambda: day["d"])
    for d in ("2025-03-01", "2025-04-01", "2025-05-01", "2025-07-01"):
        make(officer, firm, discovered="2025-01-01", deadline=d)
    day["d"] = datetime.date(2025, 6, 1)
    before = hazard_stats(actor=officer, group_by="region")
    rows_before = ActiveDeadline.objects.filter(day="0001-01-01").count()
    assert fold_past_deadlines(today=datetime.date(2025, 6, 1)) > 0
    assert ActiveDeadline.objects.filter(day="0001-01-01").count() < rows_before
    assert hazard_stats(actor=officer, group_by="region") == before
    assert before["totals"]["overdue"] == 3
    assert most_overdue(officer, None) == most_overdue_from_rows("500241") == [(firm.credit_code, 3, 0, 92)]
    assert tally_drift() == []
    assert hazard_stats(actor=officer, group_by="region", as_of=datetime.date(2025, 4, 15))["totals"]["overdue"] == 2
