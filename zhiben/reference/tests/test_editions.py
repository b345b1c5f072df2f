"""Criteria editions by date (FACTS §2), the data files' counts, the fire determination (GB 35181) and local
criteria entered by an admin."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhiben.common.errors import FieldErrors
from zhiben.common.inputs import parse
from zhiben.hazards.inputs import HazardReport
from zhiben.hazards.services import hazard_create
from zhiben.reference.loader import CatalogueError, counts_under, criteria_files, read_counts, read_standards
from zhiben.reference.models import TOPIC_ONLY_LABEL, CriteriaStandard, Criterion, Sector
from zhiben.reference.selectors import criteria_in_force, criterion_applies, criterion_refusal
from zhiben.tests_support import factories

pytestmark = pytest.mark.django_db
D = datetime.date


# ----------------------------------------------------------------------------------------- the data files
def test_every_file_has_a_source_and_its_counts_match_its_clauses() -> None:
    """Issue 12: each edition's header gives its source and its item counts per article; the counts agree."""
    by_file = {doc["_file"]: doc for doc in read_standards()}
    for path in criteria_files():
        doc = by_file[path.name]
        assert doc.get("source"), f"{path.name}: no source"
        counts = read_counts(path)
        assert counts is not None, f"{path.name}: no '# counts:' line"
        per_label, total = counts
        clauses = doc.get("clause", [])
        assert total == len(clauses), f"{path.name}: total {total}, file has {len(clauses)}"
        for label, expected in per_label.items():
            assert counts_under(label, clauses) == expected, f"{path.name}: {label}"


def test_no_source_shown_to_regulators_cites_a_betting_site() -> None:
    """The catalogue page and API show each edition's `source`: a regulator defends a verdict by it, so it
    names official pages and ordinary reprints, never an advertising site for gambling (kept in the header
    comment as provenance instead)."""
    for doc in read_standards():
        source = doc["source"].lower()
        assert not any(word in source for word in ("binaryoptions", "manbetx", "kyguanwang")), doc["_file"]


def test_counting_does_not_take_a_longer_number() -> None:
    clauses = [{"article": "4.1 a)"}, {"article": "4.10 a)"}, {"article": "第十条第（一）项"}, {"article": "第十一条"}]
    assert counts_under("4.1", clauses) == 1
    assert counts_under("第十条", clauses) == 1
    assert counts_under("十", [{"article": "十"}, {"article": "十一"}]) == 1


def _write(tmp_path: Any, monkeypatch: Any, header: str, clause: str = "") -> None:
    (tmp_path / "criteria").mkdir(exist_ok=True)
    (tmp_path / "sectors.toml").write_text('[[sector]]\nkey="x"\nname="X"\nhigh_risk=false\n', encoding="utf-8")
    body = clause or 'code="A-1"\narticle="第一条"\ntext="t"\n'
    (tmp_path / "criteria" / "A.toml").write_text(
        f'key="A"\ntitle="t"\nnumber="n"\nsectors=["x"]\n{header}\n[[clause]]\n{body}', encoding="utf-8"
    )
    monkeypatch.setattr("zhiben.reference.loader.DATA_DIR", tmp_path)


@pytest.mark.parametrize(
    ("header", "clause", "named"),
    [
        ('effective="2026-13-01"', "", "A.toml key 'effective': bad date"),
        ('effective_to="yesterday"', "", "A.toml key 'effective_to': bad date"),
        ('effective="2026-07-01"\neffective_to="2026-06-30"', "", "key 'effective_to'"),
        ('sorce="typo"', "", "A.toml: unknown key 'sorce'"),
        ('supersedes="NOPE"', "", "key 'supersedes'"),
        ("", 'code="A-1"\narticle="1"\ntext="t"\ntopic="x"\n', "A.toml clause A-1: unknown key 'topic'"),
        ("", 'code="A-1"\narticle="1"\ntext="t"\neffective="01/07/2026"\n', "clause A-1 key 'effective': bad date"),
        ("", 'code="A-1"\narticle="1"\ntext="t"\ntopic_only="yes"\n', "key 'topic_only'"),
        ("", 'code="A-1"\narticle="1"\ntext="t"\nkind="direct"\n', "key 'kind'"),
    ],
)
def test_the_loader_refuses_a_bad_key_or_date_naming_file_and_key(tmp_path, monkeypatch, header, clause, named) -> None:
    _write(tmp_path, monkeypatch, header, clause)
    with pytest.raises(CatalogueError, match=named.replace("(", r"\(")):
        read_standards()


def test_editions_carry_their_dates_source_and_predecessor() -> None:
    mem21 = CriteriaStandard.objects.get(key="MEM21")
    assert mem21.effective_from == D(2026, 7, 1) and mem21.effective_to is None
    assert mem21.supersedes_id == "MEM4" and mem21.source
    assert CriteriaStandard.objects.get(key="MEM4").effective_to == D(2026, 6, 30)
    assert CriteriaStandard.objects.get(key="GB35181").effective_to == D(2025, 10, 31)


def test_each_successor_edition_starts_the_day_after_its_predecessor_ends() -> None:
    """No gap and no overlap between editions (FACTS §2: 10号令 from 2023-05-15 replaces 129号 to 2023-05-14;
    建质规〔2024〕5号 from 2024-12-13; 工信部安全〔2024〕234号 from 2024-12-03; 第21号 from 2026-07-01; AQ 3067 from
    2026-09-30)."""
    pairs = {
        (s.supersedes_id, s.key)
        for s in CriteriaStandard.objects.exclude(supersedes=None).select_related("supersedes")
        if s.supersedes is not None
        and s.effective_from is not None
        and s.supersedes.effective_to == s.effective_from - datetime.timedelta(days=1)
    }
    assert pairs == {
        ("SAWS129", "MEM10"),
        ("JZG2022", "JZG2024"),
        ("MIIT337", "MIIT234"),
        ("MEM4", "MEM21"),
        ("SAWS121C", "AQ3067"),
    }


def test_topic_only_entries_are_labelled_and_their_warning_prefix_stripped() -> None:
    c = Criterion.objects.get(code="AQ3067-5-1-1")
    assert not c.text_available and c.label == TOPIC_ONLY_LABEL
    assert not c.text.startswith("【") and c.text == "负责人考核"
    assert Criterion.objects.filter(standard_id="MEM21", text_available=True).exists()


# ----------------------------------------------------------------------------------------- in force by date
BOUNDARIES = [
    # (old clause, new clause's standard, sector, last day of the old, first day of the new)
    ("MEM4", "MEM21", "coal_mine", D(2026, 6, 30), D(2026, 7, 1)),  # 应急管理部令第21号 第二十一条
    ("SAWS121C", "AQ3067", "hazardous_chemicals", D(2026, 9, 29), D(2026, 9, 30)),  # AQ 3067-2026 实施日
]


def _first(standard: str) -> str:
    return Criterion.objects.filter(standard_id=standard, kind="clause").order_by("position").first().code  # type: ignore[union-attr]


@pytest.mark.parametrize(("old", "new", "sector", "last", "first"), BOUNDARIES)
def test_an_edition_applies_up_to_its_last_day_and_its_successor_from_the_next(old, new, sector, last, first) -> None:
    old_code, new_code = _first(old), _first(new)
    before = last - datetime.timedelta(days=1)
    assert criterion_applies(code=old_code, sector=sector, on=before)
    assert criterion_applies(code=old_code, sector=sector, on=last)
    assert not criterion_applies(code=old_code, sector=sector, on=first)
    assert not criterion_applies(code=new_code, sector=sector, on=last)
    assert criterion_applies(code=new_code, sector=sector, on=first)
    assert criterion_applies(code=new_code, sector=sector, on=first + datetime.timedelta(days=1))
    why = criterion_refusal(old_code, sector, first)
    assert why is not None and f"自 {first.isoformat()} 起已废止" in why and f"隐患发现日期 {first.isoformat()}" in why
    number = CriteriaStandard.objects.get(key=new).number
    assert f"被 {number} 取代" in why


def test_fire_2017_applies_to_2025_10_31_only() -> None:
    # GB 35181-2017: in force 2018-07-01 → 2025-10-31 (replaced by GB 35181-2025 from 2025-11-01; text not read)
    for day, ok in [(D(2018, 6, 30), False), (D(2018, 7, 1), True), (D(2025, 10, 31), True), (D(2025, 11, 1), False)]:
        assert criterion_applies(code="GB35181-6-1", sector="education", on=day) is ok, day


@settings(max_examples=40, deadline=None)
@given(day=st.dates(min_value=D(2015, 1, 1), max_value=D(2030, 12, 31)))
def test_coal_has_exactly_one_edition_in_force_on_any_day_from_2021(day) -> None:
    """FACTS §2: 第4号 2021-01-01 → 2026-06-30, 第21号 2026-07-01 →; never both, never neither."""
    standards = set(criteria_in_force("coal_mine", day).filter(all_sectors=False).values_list("standard_id", flat=True))
    if day < D(2021, 1, 1):
        assert "MEM21" not in standards and "MEM4" not in standards
    elif day <= D(2026, 6, 30):
        assert standards >= {"MEM4"} and "MEM21" not in standards
    else:
        assert standards >= {"MEM21"} and "MEM4" not in standards


# ----------------------------------------------------------------------------------------- the API
def test_the_api_lists_what_is_in_force_on_the_day_asked(api_as, officer) -> None:
    c = api_as(officer)
    old = c.get("/api/v1/criteria", {"sector": "coal_mine", "on": "2026-06-30", "limit": 500}).json()
    codes = {row["code"] for row in old["items"]}
    assert any(code.startswith("MEM4-") for code in codes) and not any(code.startswith("MEM21-") for code in codes)
    row = next(r for r in old["items"] if r["code"].startswith("MEM4-"))
    assert row["effective_from"] == "2021-01-01" and row["effective_to"] == "2026-06-30"
    assert row["edition"]["number"] == "应急管理部令第4号" and row["edition"]["source"]
    assert row["edition"]["status"] == "现行" and row["text_available"] is True
    new = c.get("/api/v1/criteria", {"sector": "coal_mine", "on": "2026-07-01", "limit": 500}).json()
    assert not any(r["code"].startswith("MEM4-") for r in new["items"])
    topic = c.get("/api/v1/criteria", {"sector": "hazardous_chemicals", "on": "2026-09-30", "limit": 500}).json()
    aq = next(r for r in topic["items"] if r["code"] == "AQ3067-5-1-1")
    assert aq["text_available"] is False and aq["label"] == TOPIC_ONLY_LABEL


def test_a_bad_date_is_refused_naming_on(api_as, officer) -> None:
    r = api_as(officer).get("/api/v1/criteria", {"on": "2026-02-30"})
    assert r.status_code == 422 and "on" in r.json()["errors"]


def test_the_standards_and_coverage_endpoints(api_as, officer) -> None:
    c = api_as(officer)
    rows = {s["key"]: s for s in c.get("/api/v1/criteria/standards", {"on": "2026-08-01"}).json()}
    assert rows["MEM4"]["status"] == "已废止" and rows["MEM21"]["status"] == "现行"
    assert rows["AQ3067"]["status"] == "尚未施行" and rows["AQ3067"]["supersedes"] == "SAWS121C"
    cover = c.get("/api/v1/criteria/coverage", {"sector": "education", "on": "2025-11-01"}).json()
    assert cover["national"] is False and cover["fire"] is False
    assert any("消防条款不能代替" in n for n in cover["notices"])


# ----------------------------------------------------------------------------------------- hazards
def _report(firm: Any, **over: Any) -> HazardReport:
    data = {
        "enterprise": firm.credit_code,
        "title": "t",
        "level": "major",
        "source": "inspection",
        "discovered_on": "2023-06-01",
        "criterion": "SAWS121C-1",
    }
    data.update(over)
    return parse(HazardReport, data)


def test_a_2023_stock_hazard_is_judged_by_the_2023_edition(officer, firm) -> None:
    h = hazard_create(actor=officer, report=_report(firm))
    assert h.criterion_id == "SAWS121C-1"


def test_a_clause_not_in_force_on_discovery_is_refused_naming_criterion(officer, firm) -> None:
    with pytest.raises(FieldErrors) as exc:
        hazard_create(actor=officer, report=_report(firm, discovered_on="2026-09-30"))
    assert "自 2026-09-30 起已废止（被 AQ 3067-2026 取代），隐患发现日期 2026-09-30" in exc.value.errors["criterion"]
    with pytest.raises(FieldErrors) as exc:
        hazard_create(actor=officer, report=_report(firm, criterion="AQ3067-5-1-1", discovered_on="2026-09-29"))
    assert "自 2026-09-30 起施行" in exc.value.errors["criterion"]


def test_the_api_refuses_an_out_of_force_clause_with_422(api_as, officer, firm) -> None:
    body = {
        "enterprise": firm.credit_code,
        "title": "t",
        "level": "major",
        "source": "inspection",
        "discovered_on": "2026-10-08",
        "criterion": "SAWS121C-1",
    }
    r = api_as(officer).post("/api/v1/hazards", body)
    assert r.status_code in (400, 422) and "已废止" in r.json()["errors"]["criterion"]


# ----------------------------------------------------------------------------------------- fire determination
COMPOSITES = [f"GB35181-7-1-{n}" for n in (1, 2, 3, 4)] + [f"GB35181-7-2-{n}" for n in (1, 2, 3)]


def _fire(firm: Any, elements: list[str], place: str, **over: Any) -> HazardReport:
    return _report(firm, criterion="GB35181-D", elements=elements, place_type=place, **over)


def test_a_composite_element_alone_is_refused(officer, firm) -> None:
    # GB 35181-2017 第7章: a composite element is never a major fire hazard by itself
    with pytest.raises(FieldErrors) as exc:
        hazard_create(actor=officer, report=_report(firm, criterion="GB35181-7-1-1"))
    assert "综合判定要素" in exc.value.errors["criterion"]


def test_a_direct_element_stands_alone(officer, firm) -> None:
    # GB 35181-2017 第6章 直接判定要素
    assert hazard_create(actor=officer, report=_report(firm, criterion="GB35181-6-1")).criterion_id == "GB35181-6-1"


@pytest.mark.parametrize(("place", "threshold"), [("crowded", 3), ("flammable", 3), ("important", 4), ("other", 6)])
def test_the_determination_holds_at_its_threshold_and_not_under(officer, firm, place, threshold) -> None:
    # thresholds per FACTS.md §2 (text not read): 人员密集 3, 易燃易爆 3, 重要场所 4, other 6 ("以上" inclusive)
    with pytest.raises(FieldErrors) as exc:
        hazard_create(actor=officer, report=_fire(firm, COMPOSITES[: threshold - 1], place))
    assert f"{threshold}条以上" in exc.value.errors["elements"]
    h = hazard_create(actor=officer, report=_fire(firm, COMPOSITES[:threshold], place))
    assert h.criterion_id == "GB35181-D" and h.criterion_elements == COMPOSITES[:threshold] and h.place_type == place


def test_a_determination_needs_a_place_and_real_elements(officer, firm) -> None:
    with pytest.raises(FieldErrors) as exc:
        hazard_create(actor=officer, report=_fire(firm, COMPOSITES[:3], ""))
    assert "place_type" in exc.value.errors
    with pytest.raises(FieldErrors) as exc:
        hazard_create(actor=officer, report=_fire(firm, ["GB35181-6-1", *COMPOSITES[:2]], "crowded"))
    assert "GB35181-6-1" in exc.value.errors["elements"]
    with pytest.raises(FieldErrors) as exc:
        hazard_create(actor=officer, report=_fire(firm, [COMPOSITES[0]] * 3, "crowded"))
    assert "重复" in exc.value.errors["elements"]
    with pytest.raises(FieldErrors) as exc:  # elements without a determination
        hazard_create(actor=officer, report=_report(firm, elements=COMPOSITES[:3]))
    assert "elements" in exc.value.errors
    with pytest.raises(FieldErrors) as exc:  # after the 2017 edition's end, no determination in force
        hazard_create(actor=officer, report=_fire(firm, COMPOSITES[:3], "crowded", discovered_on="2025-11-01"))
    assert "已废止" in exc.value.errors["criterion"]


def test_a_place_type_without_a_determination_is_refused_naming_place_type(officer, firm) -> None:
    with pytest.raises(FieldErrors) as exc:  # a place type is only read by a determination (GB 35181 第8章)
        hazard_create(actor=officer, report=_report(firm, place_type="crowded"))
    assert set(exc.value.errors) == {"place_type"}
    with pytest.raises(FieldErrors) as exc:
        hazard_create(actor=officer, report=_report(firm, criterion="", level="general", place_type="crowded"))
    assert set(exc.value.errors) == {"place_type"}


@pytest.mark.parametrize(
    ("field", "value"), [("criterion", ["SAWS121C-1"]), ("criterion", {"code": "x"}), ("elements", [None, "A"])]
)
def test_a_citation_that_is_not_text_is_refused_without_python_words(firm, field, value) -> None:
    with pytest.raises(FieldErrors) as exc:
        _report(firm, **{field: value})
    message = exc.value.errors[field]
    assert "[" not in message and "{" not in message and "None" not in message, message


# ----------------------------------------------------------------------------------------- local criteria
def test_a_local_standard_is_citable_for_its_sector_only_in_its_dates(officer) -> None:
    std = CriteriaStandard.objects.create(
        key="CQ2024",
        title="某省某行业重大事故隐患判定标准",
        number="某应急〔2024〕1号",
        effective_from=D(2024, 1, 1),
        effective_to=D(2025, 12, 31),
        source="某省应急管理厅（测试）",
        local=True,
    )
    c = Criterion.objects.create(code="CQ2024-1", standard=std, article="第一条", text="测试条款")
    c.sectors.set([Sector.objects.get(key="education")])
    school = factories.enterprise(sector="education")
    ok = _report(school, criterion="CQ2024-1", discovered_on="2025-12-31")
    assert hazard_create(actor=officer, report=ok).criterion_id == "CQ2024-1"
    with pytest.raises(FieldErrors):
        hazard_create(actor=officer, report=_report(school, criterion="CQ2024-1", discovered_on="2026-01-01"))
    assert not criterion_applies(code="CQ2024-1", sector="machinery", on=D(2025, 1, 1))


def test_the_admin_enters_a_local_standard_with_its_source(admin_user, client) -> None:
    client.force_login(admin_user)
    base = "/admin/reference/criteriastandard/add/"
    form: dict[str, Any] = {
        "key": "HB2025",
        "title": "湖北省某行业重大事故隐患判定标准",
        "number": "鄂应急〔2025〕9号",
        "effective_from": "2025-01-01",
        "effective_to": "",
        "source": "",
        "note": "",
        "clauses-TOTAL_FORMS": "1",
        "clauses-INITIAL_FORMS": "0",
        "clauses-MIN_NUM_FORMS": "0",
        "clauses-MAX_NUM_FORMS": "1000",
        "clauses-0-code": "HB2025-1",
        "clauses-0-article": "第三条",
        "clauses-0-part": "",
        "clauses-0-text": "未设置安全出口。",
        "clauses-0-sectors": ["education"],
        "clauses-0-position": "0",
    }
    r = client.post(base, form)
    assert r.status_code == 200 and not CriteriaStandard.objects.filter(key="HB2025").exists()  # no source
    form["source"] = "湖北省应急管理厅"
    form["clauses-0-code"] = "X-1"
    r = client.post(base, form)
    assert r.status_code == 200 and not CriteriaStandard.objects.filter(key="HB2025").exists()  # bad code
    form["clauses-0-code"] = "HB2025-1"
    r = client.post(base, form)
    assert r.status_code == 302, r.content.decode()[-1500:]
    std = CriteriaStandard.objects.get(key="HB2025")
    assert std.local and std.clauses.get().sectors.get().key == "education"
    assert criterion_applies(code="HB2025-1", sector="education", on=D(2025, 6, 1))


def test_the_catalogue_page_shows_editions_dates_source_and_status(officer, client) -> None:
    client.force_login(officer)
    page = client.get("/criteria/", {"on": "2026-08-01"}).content.decode()
    assert "应急管理部令第4号" in page and "2026-06-30" in page and "已废止" in page and "尚未施行" in page
    page = client.get("/criteria/", {"standard": "AQ3067"}).content.decode()
    assert "仅条目主题，正文见标准原文" in page
    assert client.get("/criteria/", {"on": "nope"}).status_code == 422
