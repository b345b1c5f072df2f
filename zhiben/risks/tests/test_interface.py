"""The national dual-prevention interface (issue 15), GET and POST of
/api/v1/enterprises/{credit_code}/dual-prevention.json: round trip, incremental feed, deletions, refusals naming
table/row/field with nothing written, scope."""

from __future__ import annotations

import copy
import datetime
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from zhiben.audit.models import Event
from zhiben.risks import checks
from zhiben.risks import interface as nat
from zhiben.risks.models import CheckRecord, CheckTask, ControlMeasure, RecordStatus, RiskEvent, RiskProfile, RiskUnit
from zhiben.tests_support import factories

pytestmark = pytest.mark.django_db
TABLES = ("riskUnit", "riskEvent", "riskMeasure", "checkTask", "checkRecord", "hazard")
VOLATILE = {"id", "companyCode", "createDate", "updateDate", "riskUnitId", "riskEventId", "riskMeasureId"}


def url(firm: Any) -> str:
    return f"/api/v1/enterprises/{firm.credit_code}/dual-prevention.json"


def document() -> dict[str, Any]:
    """A small register in the interface's shape: one unit, two events (LEC and L×S), two measures, a task."""
    return {
        "riskUnit": [
            {
                "id": "U-1",
                "riskUnitName": "液氯储罐区",
                "hazardCode": "HZ5002410001",
                "hazardDep": "储运车间",
                "hazardLiablePerson": "张三",
                "deleted": "0",
                "riskUnitType": "place",
            }
        ],
        "riskEvent": [
            {
                "id": "E-1",
                "riskUnitId": "U-1",
                "riskEventName": "液氯储罐泄漏中毒",
                "consequence": "中毒和窒息",
                "evaluateMethod": "lec",
                "l": "3",
                "e": "6",
                "c": "40",
                "deleted": "0",
            },
            {
                "id": "E-2",
                "riskUnitId": "U-1",
                "riskEventName": "装卸时物体打击",
                "evaluateMethod": "ls",
                "l": "2",
                "s": "3",
                "deleted": "0",
            },
        ],
        "riskMeasure": [
            {
                "id": "M-1",
                "riskEventId": "E-1",
                "dataSrc": "2",
                "riskMeasureDesc": "储罐设液位高低报警并联锁切断进料",
                "classify1": "1",
                "classify2": "1-4",
                "classify3": "液位联锁",
                "troubleshootContent": "检查液位报警和联锁是否投用",
                "deleted": "0",
            },
            {
                "id": "M-2",
                "riskEventId": "E-1",
                "riskMeasureDesc": "配备正压式空气呼吸器",
                "classify1": "4",
                "classify2": "4-2",
                "troubleshootContent": "检查呼吸器压力",
                "deleted": "0",
            },
        ],
        "checkTask": [
            {
                "id": "T-1",
                "riskMeasureId": "M-1",
                "troubleshootContent": "检查液位报警和联锁是否投用",
                "checkCycle": 1,
                "checkCycleUnit": "天",
                "taskStartTime": "2026-11-02 00:00:00",
                "workDayType": "1",
                "workType": "0",
                "deleted": "0",
            }
        ],
        "checkRecord": [{"id": "R-1", "checkTaskId": "T-1", "checkTime": "2026-11-03 09:00:00", "checkStatus": "0"}],
    }


def comparable(doc: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {t: [{k: v for k, v in row.items() if k not in VOLATILE} for row in doc[t]] for t in TABLES}


@pytest.fixture
def writer(firm_user: Any, api_as: Any) -> Any:
    return api_as(firm_user)


def test_import_creates_the_register_and_grades_it(writer, firm) -> None:
    r = writer.post(url(firm), document())
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["tables"]["riskUnit"] == {"created": 1, "updated": 0, "deleted": 0, "skipped": 0}
    assert body["tables"]["riskMeasure"]["created"] == 2
    assert body["tables"]["checkRecord"]["not_imported"] == 1
    assert body["tables"]["hazard"]["not_imported"] == 0
    assert body["grade"] == "red"  # 3 × 6 × 40 = 720 > 320
    unit = RiskUnit.objects.get(enterprise=firm, external_id="U-1")
    assert (unit.region_id, unit.sector_id, unit.grade, unit.kind) == (firm.region_id, firm.sector_id, "red", "place")
    ls = RiskEvent.objects.get(external_id="E-2")
    assert (ls.method, ls.likelihood, ls.severity, ls.score, ls.grade) == ("ls", 2, 3, 6, "blue")
    task = CheckTask.objects.get(external_id="T-1")
    assert task.measure is not None and task.measure.external_id == "M-1"
    assert (task.cycle_value, task.cycle_unit, task.working_days_only) == (1, "day", True)
    assert task.starts_on == datetime.date(2026, 11, 2)
    assert (task.phase, task.anchor_day) == checks.phase_of("day", 1, task.starts_on)
    assert (task.region_id, task.sector_id) == (firm.region_id, firm.sector_id)
    assert RiskProfile.objects.get(enterprise=firm).grade == "red"
    assert Event.objects.filter(subject_type="risk_unit", subject_id=str(unit.pk)).exists()
    assert Event.objects.filter(subject_type="risk_exchange", subject_id=str(firm.pk), kind="imported").exists()


def test_import_again_changes_nothing_and_updates_by_id(writer, firm) -> None:
    writer.post(url(firm), document())
    again = writer.post(url(firm), document()).json()["tables"]
    assert again["riskEvent"] == {"created": 0, "updated": 0, "deleted": 0, "skipped": 2}
    changed = document()
    changed["riskEvent"][0]["c"] = "7"  # 3 × 6 × 7 = 126: yellow
    body = writer.post(url(firm), changed).json()
    assert body["tables"]["riskEvent"]["updated"] == 1
    assert body["grade"] == "yellow"
    assert RiskEvent.objects.filter(enterprise=firm).count() == 2


def test_round_trip_into_another_enterprise_gives_the_same_rows(writer, firm, api_as) -> None:
    writer.post(url(firm), document())
    first = writer.get(url(firm)).json()
    assert first["companyCode"] == firm.credit_code
    assert [r["id"] for r in first["riskUnit"]] == ["U-1"]  # imported rows keep their source id
    assert first["riskEvent"][0]["riskLevel"] == "0" and first["riskEvent"][0]["riskValue"] == "720"
    assert first["checkTask"][0]["checkCycleUnit"] == "天"
    assert first["checkTask"][0]["taskStartTime"] == "2026-11-02 00:00:00"
    assert set(first["riskUnit"][0]) == set(nat.field_names("riskUnit"))
    assert set((first["hazard"] and first["hazard"][0]) or nat.field_names("hazard")) == set(nat.field_names("hazard"))
    second = factories.enterprise(region="500241", sector="hazardous_chemicals", name="秀山县第二化工有限公司")
    other = api_as(factories.user("firm2", role="enterprise", enterprise=second))
    r = other.post(url(second), {**first, "companyCode": second.credit_code})
    assert r.status_code == 200, r.content
    assert r.json()["tables"]["riskMeasure"]["created"] == 2
    again = other.get(url(second)).json()
    assert comparable(again) == comparable(first)


def test_own_rows_exported_and_imported_again_are_found_by_their_ids(writer, firm) -> None:
    """Rows made in zhiben carry our ids in the feed; importing the feed back updates them, never duplicates."""
    writer.post(url(firm), document())
    RiskUnit.objects.filter(enterprise=firm).update(external_id="")
    RiskEvent.objects.filter(enterprise=firm).update(external_id="")
    exported = writer.get(url(firm)).json()
    unit = RiskUnit.objects.get(enterprise=firm)
    assert exported["riskUnit"][0]["id"] == str(unit.pk)
    body = writer.post(url(firm), exported).json()
    assert body["tables"]["riskUnit"] == {"created": 0, "updated": 0, "deleted": 0, "skipped": 1}
    assert RiskUnit.objects.filter(enterprise=firm).count() == 1


def test_since_gives_only_rows_updated_after_it_and_deletions(writer, firm) -> None:
    writer.post(url(firm), document())
    later = timezone.now() + datetime.timedelta(seconds=1)
    RiskUnit.objects.filter(enterprise=firm).update(updated_at=later - datetime.timedelta(hours=1))
    RiskEvent.objects.filter(enterprise=firm).update(updated_at=later - datetime.timedelta(hours=1))
    ControlMeasure.objects.filter(enterprise=firm).update(updated_at=later - datetime.timedelta(hours=1))
    CheckTask.objects.filter(enterprise=firm).update(updated_at=later - datetime.timedelta(hours=1))
    since = timezone.localtime(later - datetime.timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M:%S")
    empty = writer.get(url(firm), {"since": since}).json()
    assert empty["since"] == since
    assert all(empty[t] == [] for t in TABLES)
    deletion = {"riskMeasure": [{"id": "M-2", "deleted": "1"}]}
    body = writer.post(url(firm), deletion).json()
    assert body["tables"]["riskMeasure"] == {"created": 0, "updated": 0, "deleted": 1, "skipped": 0}
    feed = writer.get(url(firm), {"since": since}).json()
    assert [(r["id"], r["deleted"]) for r in feed["riskMeasure"]] == [("M-2", "1")]
    assert feed["riskUnit"] == [] and feed["riskEvent"] == []
    assert ControlMeasure.objects.get(external_id="M-2").deleted  # soft: the row stays for the feed
    iso = writer.get(url(firm), {"since": (later - datetime.timedelta(minutes=1)).isoformat()}).json()
    assert [r["id"] for r in iso["riskMeasure"]] == ["M-2"]
    r = writer.get(url(firm), {"since": "昨天"})
    assert r.status_code == 422 and "since" in r.json()["errors"]


def test_deleting_a_unit_takes_its_events_measures_and_tasks_and_an_unknown_deletion_is_skipped(writer, firm) -> None:
    writer.post(url(firm), document())
    gone = {"riskUnit": [{"id": "U-1", "deleted": "1"}, {"id": "nowhere", "deleted": 1}]}
    gone["riskMeasure"] = [{"id": "M-1", "deleted": "1"}]  # as a feed gives it: the children deleted too
    body = writer.post(url(firm), gone).json()
    assert body["tables"]["riskUnit"] == {"created": 0, "updated": 0, "deleted": 1, "skipped": 1}
    assert body["tables"]["riskEvent"]["deleted"] == 2
    assert body["tables"]["riskMeasure"] == {"created": 0, "updated": 0, "deleted": 2, "skipped": 1}
    assert body["tables"]["checkTask"]["deleted"] == 1
    assert body["grade"] == ""
    task = CheckTask.objects.get(external_id="T-1")
    assert task.deleted and not task.active  # no more checks of a risk that is gone
    feed = writer.get(url(firm)).json()
    assert [(r["id"], r["deleted"]) for r in feed["riskUnit"]] == [("U-1", "1")]
    assert {r["deleted"] for t in ("riskEvent", "riskMeasure", "checkTask") for r in feed[t]} == {"1"}
    back = document()
    back["riskEvent"], back["riskMeasure"], back["checkTask"] = [], [], []
    assert writer.post(url(firm), back).json()["tables"]["riskUnit"]["updated"] == 1  # "0" brings a row back
    assert not RiskUnit.objects.get(external_id="U-1").deleted


@pytest.mark.parametrize(
    ("change", "key", "words"),
    [
        (lambda d: d["riskMeasure"][1].update(classify2="1-4"), "riskMeasure[1].classify2", "应急措施"),
        (lambda d: d["riskMeasure"][0].update(classify1="9"), "riskMeasure[0].classify1", "管控方式"),
        (lambda d: d["riskEvent"][0].update(l="4"), "riskEvent[0].l", "L"),
        (lambda d: d["riskEvent"][1].update(s="6"), "riskEvent[1].s", "S"),
        (
            lambda d: [d["riskEvent"][0].pop(k) for k in ("l", "e", "c", "evaluateMethod")],
            "riskEvent[0].l",
            "风险评价因子",
        ),
        (lambda d: d["riskEvent"][0].update(riskLevel="3"), "riskEvent[0].riskLevel", "重大风险"),
        (lambda d: d["riskEvent"][1].update(riskUnitId="U-9"), "riskEvent[1].riskUnitId", "找不到风险分析单元"),
        (lambda d: d["checkTask"][0].update(checkCycle=0), "checkTask[0].checkCycle", "正整数"),
        (lambda d: d["checkTask"][0].update(checkCycle=5, checkCycleUnit="小时"), "checkTask[0].checkCycle", "整除"),
        (lambda d: d["checkTask"][0].update(checkCycleUnit="周"), "checkTask[0].checkCycleUnit", "小时"),
        (lambda d: d["checkTask"][0].update(workDayType="2"), "checkTask[0].workDayType", "非法定工作日"),
        (lambda d: d["checkTask"][0].pop("riskMeasureId"), "checkTask[0].riskMeasureId", "请填写所属风险管控措施"),
        (lambda d: d["checkTask"][0].update(riskMeasureId="M-9"), "checkTask[0].riskMeasureId", "找不到"),
        (lambda d: d["checkTask"][0].update(taskStartTime="明天"), "checkTask[0].taskStartTime", "时间"),
        # instants the calendar cannot hold, and starts the cycles cannot reach (never a 500)
        (
            lambda d: d["checkTask"][0].update(taskStartTime="9999-12-31T23:59:59-23:59"),
            "checkTask[0].taskStartTime",
            "范围",
        ),
        (
            lambda d: d["checkTask"][0].update(taskStartTime="0001-01-01T00:00:00+23:59"),
            "checkTask[0].taskStartTime",
            "范围",
        ),
        (lambda d: d["checkTask"][0].update(taskStartTime="0001-01-01 00:00:00"), "checkTask[0].taskStartTime", "1900"),
        (lambda d: d["checkTask"][0].update(taskStartTime="1950-01-01 00:00:00"), "checkTask[0].taskStartTime", "2000"),
        (lambda d: d["riskUnit"][0].update(hazardDep=""), "riskUnit[0].hazardDep", "责任部门"),
        (lambda d: d["riskUnit"][0].update(deleted="x"), "riskUnit[0].deleted", "删除状态"),
        (lambda d: d["riskMeasure"].append(dict(d["riskMeasure"][0])), "riskMeasure[2].id", "重复"),
    ],
)
def test_a_bad_row_is_refused_naming_table_row_and_field_and_nothing_is_written(writer, firm, change, key, words):
    bad = copy.deepcopy(document())
    change(bad)
    r = writer.post(url(firm), bad)
    assert r.status_code == 422, r.content
    errors = r.json()["errors"]
    assert key in errors, errors
    assert words in errors[key]
    assert not RiskUnit.objects.filter(enterprise=firm).exists()
    assert not CheckTask.objects.filter(enterprise=firm).exists()
    assert not Event.objects.filter(subject_type="risk_exchange").exists()


def test_a_body_that_is_not_a_document_is_refused(writer, firm) -> None:
    assert writer.post(url(firm), raw="[1]").status_code == 422
    r = writer.post(url(firm), {"riskUnit": {"id": "U-1"}})
    assert r.status_code == 422 and "riskUnit" in r.json()["errors"]
    r = writer.post(url(firm), {"companyCode": "91110105MA00000000", "riskUnit": []})
    assert r.status_code == 422 and "companyCode" in r.json()["errors"]


def test_scope_out_of_scope_404_other_enterprise_404_officer_reads_but_may_not_import(
    writer, firm, officer, outsider, other_firm, api_as
) -> None:
    writer.post(url(firm), document())
    other_user = factories.user("firm-other", role="enterprise", enterprise=other_firm)
    for stranger in (outsider, other_user):
        assert api_as(stranger).get(url(firm)).status_code == 404
        assert api_as(stranger).post(url(firm), document()).status_code == 404
    assert api_as(officer).get(url(firm)).status_code == 200
    r = api_as(officer).post(url(firm), {"riskUnit": [{"id": "U-1", "deleted": "1"}]})
    assert r.status_code == 403
    assert not RiskUnit.objects.get(external_id="U-1").deleted
    assert api_as(officer).get("/api/v1/enterprises/91110105MA00000000/dual-prevention.json").status_code == 404


def test_check_records_and_hazards_are_exported(writer, firm, firm_user) -> None:
    writer.post(url(firm), document())
    task = CheckTask.objects.get(external_id="T-1")
    hazard = factories.hazard(firm_user, firm, discovered_on="2026-11-03", source="self_check", title="液位计失灵")
    opens = timezone.make_aware(datetime.datetime(2026, 11, 3))
    CheckRecord.objects.create(
        task=task,
        enterprise=firm,
        region_id=firm.region_id,
        sector_id=firm.sector_id,
        day=datetime.date(2026, 11, 3),
        opens_at=opens,
        due_at=opens + datetime.timedelta(days=1),
        status=RecordStatus.DONE,
        result="fail",
        done_at=opens + datetime.timedelta(hours=9),
        done_by=firm_user,
        received_at=opens + datetime.timedelta(hours=9),
        hazard=hazard,
    )
    CheckRecord.objects.create(
        task=task,
        enterprise=firm,
        region_id=firm.region_id,
        sector_id=firm.sector_id,
        day=datetime.date(2026, 11, 4),
        opens_at=opens + datetime.timedelta(days=1),
        due_at=opens + datetime.timedelta(days=2),
    )  # planned: not a record yet
    feed = writer.get(url(firm)).json()
    [record] = feed["checkRecord"]
    assert (record["checkTaskId"], record["checkStatus"], record["checkTime"]) == ("T-1", "1", "2026-11-03 09:00:00")
    [found] = feed["hazard"]
    assert found["checkRecordId"] == record["id"]
    assert (found["riskMeasureId"], found["hazardCode"], found["dangerLevel"]) == ("M-1", "HZ5002410001", "0")
    assert found["dangerName"] == "液位计失灵" and found["dangerState"] == "0" and found["deleted"] == "0"


def test_a_monthly_task_starting_at_a_utc_instant_takes_its_beijing_day_and_phase(writer, firm) -> None:
    doc = document()
    doc["checkTask"][0].update(checkCycle="3", checkCycleUnit="月", taskStartTime="2026-11-19T16:00:00.000Z")
    assert writer.post(url(firm), doc).status_code == 200
    task = CheckTask.objects.get(external_id="T-1")
    assert task.starts_on == datetime.date(2026, 11, 20)  # 16:00 UTC is midnight in Beijing
    assert (task.cycle_unit, task.cycle_value) == ("month", 3)
    assert (task.phase, task.anchor_day) == ((2026 * 12 + 10) % 3, 20)
    doc["checkTask"][0].update(taskStartTime="20261201000000")  # the park variant's compact form
    assert writer.post(url(firm), doc).json()["tables"]["checkTask"]["updated"] == 1
    task.refresh_from_db()
    assert (task.starts_on, task.anchor_day) == (datetime.date(2026, 12, 1), 1)


def test_the_docs_show_every_field_and_code_of_the_mapping() -> None:
    from pathlib import Path

    from django.conf import settings

    text = (Path(settings.BASE_DIR) / "docs" / "dual-prevention-interface.md").read_text(encoding="utf-8")
    for table, fields in nat.FIELDS.items():
        assert f"### {table}（{nat.TABLE_NAMES[table]}）" in text
        for f in fields:
            assert f"| `{f.name}` | {f.meaning} |" in text, (table, f.name)
    for code, name in nat.CLASSIFY2.items():
        assert f"{code} {name}" in text


def test_the_demo_document_imports_once_for_another_chemicals_firm_of_the_county(firm, admin_user) -> None:
    from zhiben.demo.risks_interface import seed_risks_interface

    other = factories.enterprise(region=firm.region_id, sector="machinery")
    assert seed_risks_interface(admin=admin_user, county=firm.region_id, besides=firm.credit_code) is None
    assert seed_risks_interface(admin=admin_user, county=firm.region_id, besides=other.credit_code) == firm
    seed_risks_interface(admin=admin_user, county=firm.region_id, besides=other.credit_code)
    assert RiskUnit.objects.filter(enterprise=firm).count() == 2
    assert CheckTask.objects.filter(enterprise=firm).count() == 3
    assert RiskProfile.objects.get(enterprise=firm).grade == "red"


def test_the_same_ids_created_at_the_same_moment_answer_409_not_500(writer, firm, monkeypatch) -> None:
    """Two imports of one document at once: the second's inserts meet the first's rows (the unique external id)."""
    from zhiben.risks.services import interface as service

    real = service._existing
    monkeypatch.setattr(service, "_existing", lambda qs, keys: {})  # as if read before the other import wrote
    writer.post(url(firm), document())
    r = writer.post(url(firm), document())
    monkeypatch.setattr(service, "_existing", real)
    assert r.status_code == 409, r.content
    assert RiskUnit.objects.filter(enterprise=firm).count() == 1


def _grown(doc: dict[str, Any], n: int) -> dict[str, Any]:
    """``doc`` with ``n`` copies of its rows under other ids."""
    out = copy.deepcopy(doc)
    for i in range(1, n):
        for table, parent in (("riskUnit", None), ("riskEvent", "riskUnitId"), ("riskMeasure", "riskEventId")):
            for row in doc[table]:
                made = {**row, "id": f"{row['id']}-{i}"}
                if parent:
                    made[parent] = f"{row[parent]}-{i}"
                out[table].append(made)
        out["checkTask"].append({**doc["checkTask"][0], "id": f"T-1-{i}", "riskMeasureId": f"M-1-{i}"})
    return out


def test_the_feed_reads_in_the_same_number_of_queries_whatever_its_size(writer, firm, firm_user) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as seen:
            assert writer.get(url(firm)).status_code == 200
        return len(seen)

    def checked(task: CheckTask, day: int, hazard: Any = None) -> None:
        opens = timezone.make_aware(datetime.datetime(2026, 11, day))
        CheckRecord.objects.create(
            task=task,
            enterprise=firm,
            region_id=firm.region_id,
            sector_id=firm.sector_id,
            day=opens.date(),
            opens_at=opens,
            due_at=opens + datetime.timedelta(days=1),
            status=RecordStatus.DONE,
            result="fail" if hazard else "pass",
            done_at=opens + datetime.timedelta(hours=9),
            done_by=firm_user,
            hazard=hazard,
        )

    writer.post(url(firm), document())
    first = factories.hazard(firm_user, firm, discovered_on="2026-11-03", source="self_check")
    checked(CheckTask.objects.get(external_id="T-1"), 3, first)
    writer.get(url(firm))  # warm-up (the token's user, the session)
    small = queries()
    writer.post(url(firm), _grown(document(), 8))
    for i, task in enumerate(CheckTask.objects.filter(enterprise=firm).exclude(external_id="T-1"), start=4):
        checked(task, i, factories.hazard(firm_user, firm, discovered_on="2026-11-03", source="self_check"))
    assert len(writer.get(url(firm)).json()["hazard"]) == 8  # one and seven more
    assert queries() == small


def test_the_events_of_an_import_read_in_chinese(writer, firm) -> None:
    from zhiben.common import kit
    from zhiben.risks.declarations.interface import UNIT_EVENT_KINDS

    writer.post(url(firm), document())
    event = Event.objects.get(subject_type="risk_exchange", kind="imported")
    label, text = kit.event_view("risk_exchange", "imported", event.payload)
    assert label == "导入双重预防数据"
    assert "风险分析单元：新增 1" in text and "隐患排查记录：未导入 1" in text
    unit_event = Event.objects.get(subject_type="risk_unit", kind="exchange_imported")
    [kind] = UNIT_EVENT_KINDS
    label, text = kit.event_view("risk_unit", "exchange_imported", unit_event.payload)
    assert label == kind.label and "风险事件新增 2" in text


@given(data=st.data())
@hyp_settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_scored_event_goes_out_and_back_with_its_value_and_grade(firm, firm_user, data) -> None:
    from django.conf import settings

    from zhiben.risks import rules
    from zhiben.risks.selectors.interface import dual_prevention_tables
    from zhiben.risks.services.interface import dual_prevention_import

    methods = settings.ZHIBEN["RISK_METHODS"]
    method = data.draw(st.sampled_from(["lec", "ls"]))
    if method == "lec":
        factors = {k: str(data.draw(st.sampled_from(v["values"]))) for k, v in methods["lec"]["factors"].items()}
        fields = factors
    else:
        spec = methods["ls"]["factors"]
        factors = {k: str(data.draw(st.integers(v["min"], v["max"]))) for k, v in spec.items()}
        fields = {"l": factors["likelihood"], "s": factors["severity"]}
    key = data.draw(st.uuids()).hex
    doc = copy.deepcopy(document())
    base = {k: v for k, v in doc["riskEvent"][0].items() if k not in ("l", "e", "c", "s")}
    doc["riskEvent"] = [{**base, "id": key, "evaluateMethod": method, **fields}]
    doc["riskMeasure"], doc["checkTask"] = [], []
    dual_prevention_import(actor=firm_user, credit_code=firm.credit_code, document=doc)
    _, value = rules.score(method, factors)
    [row] = [
        r for r in dual_prevention_tables(actor=firm_user, credit_code=firm.credit_code)["riskEvent"] if r["id"] == key
    ]
    assert row["riskValue"] == rules.value_text(value)
    assert nat.RISK_LEVEL_GRADE[row["riskLevel"]] == rules.grade_for(method, value)
    back = dual_prevention_import(actor=firm_user, credit_code=firm.credit_code, document={"riskEvent": [row]})
    assert back["tables"]["riskEvent"]["skipped"] == 1  # what went out comes back unchanged


def test_a_rhythm_task_needs_no_measure_and_workType_1_is_the_principals(writer, firm) -> None:
    doc = document()
    daily = {**doc["checkTask"][0], "id": "T-2", "riskMeasureId": "", "taskKind": "team_daily"}
    principal = {**doc["checkTask"][0], "id": "T-3", "riskMeasureId": "", "workType": "1", "checkCycleUnit": "月"}
    doc["checkTask"] += [daily, principal]
    r = writer.post(url(firm), doc)
    assert r.status_code == 200, r.content
    assert CheckTask.objects.get(external_id="T-2").kind == "team_daily"
    made = CheckTask.objects.get(external_id="T-3")
    assert (made.kind, made.measure) == ("principal", None)
    feed = {row["id"]: row for row in writer.get(url(firm)).json()["checkTask"]}
    assert (feed["T-3"]["workType"], feed["T-3"]["riskMeasureId"]) == ("1", "")
    assert (feed["T-2"]["workType"], feed["T-2"]["taskKind"]) == ("0", "team_daily")
