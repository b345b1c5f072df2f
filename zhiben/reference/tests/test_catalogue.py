"""Sectors and the criteria catalogue (FACTS §2 and §5)."""

from __future__ import annotations

import tomllib
from collections import Counter

import pytest
from django.apps import apps

from zhiben.reference.loader import CatalogueError, load_reference, read_standards
from zhiben.reference.models import CriteriaStandard, Criterion, Sector
from zhiben.reference.selectors import criterion_applies

pytestmark = pytest.mark.django_db


def test_high_risk_sectors_follow_the_safety_law() -> None:
    # 安全生产法 Arts. 24, 27: mining, metal smelting, construction, transport, dangerous goods.
    high = set(Sector.objects.filter(high_risk=True).values_list("key", flat=True))
    assert {
        "coal_mine",
        "metal_nonmetal_mine",
        "hazardous_chemicals",
        "fireworks",
        "metallurgy",
        "nonferrous",
        "construction",
        "road_transport",
    } <= high
    assert not {"commerce", "textiles", "light_industry", "education"} & high


def test_industry_and_trade_standard_has_all_64_items() -> None:
    # 应急管理部令第10号: Arts. 3–13 itemise 64 situations; Art. 14 (failed monitoring devices) is a general rule.
    items = Criterion.objects.filter(standard_id="MEM10").exclude(article__startswith="第十四条")
    assert items.count() == 64
    per_article = Counter(c.code.split("-")[1] for c in items)
    assert per_article["A3"] == 3
    assert per_article["A11"] >= 8  # dust explosion
    assert per_article["A12"] >= 2  # ammonia refrigeration
    assert per_article["A13"] >= 2  # confined spaces
    assert Criterion.objects.filter(code="MEM10-A14-1").exists()


def test_every_required_standard_is_catalogued() -> None:
    keys = set(CriteriaStandard.objects.values_list("key", flat=True))
    assert {"MEM10", "MEM4", "KA88", "SAWS121C", "SAWS121F", "GB35181", "JZG2024", "JCG2023"} <= keys
    assert Criterion.objects.filter(standard_id="SAWS121C").count() == 20
    parts = set(Criterion.objects.filter(standard_id="KA88").values_list("part", flat=True))
    assert parts == {"地下矿山", "露天矿山", "尾矿库"}


def test_a_clause_applies_to_its_sector_and_general_clauses_to_all() -> None:
    assert criterion_applies(code="MEM10-A4-1", sector="metallurgy")
    assert not criterion_applies(code="MEM10-A4-1", sector="textiles")
    assert criterion_applies(code="MEM10-A3-1", sector="textiles")  # general management clause of 工贸
    fire = Criterion.objects.filter(standard_id="GB35181").first()
    assert fire is not None and fire.all_sectors
    assert criterion_applies(code=fire.code, sector="education")


def test_loading_twice_is_idempotent_and_keeps_admin_changes() -> None:
    Sector.objects.filter(key="machinery").update(high_risk=True)  # an admin's local rule
    before = Criterion.objects.count()
    load_reference(apps)
    assert Criterion.objects.count() == before
    assert Sector.objects.get(key="machinery").high_risk


def test_catalogue_files_are_valid(tmp_path, monkeypatch) -> None:
    standards = read_standards()
    codes = [c["code"] for s in standards for c in s["clause"]]
    assert len(codes) == len(set(codes))
    bad = tmp_path / "criteria"
    bad.mkdir()
    (tmp_path / "sectors.toml").write_text('[[sector]]\nkey="x"\nname="X"\nhigh_risk=false\n', encoding="utf-8")
    (bad / "A.toml").write_text(
        'key="A"\ntitle="t"\nnumber="n"\nsectors=["x"]\n[[clause]]\ncode="a-1"\narticle="1"\ntext="t"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr("zhiben.reference.loader.DATA_DIR", tmp_path)
    with pytest.raises(CatalogueError, match="bad code"):
        read_standards()
    (bad / "A.toml").write_text(
        'key="A"\ntitle="t"\nnumber="n"\nsectors=["nope"]\n[[clause]]\ncode="A-1"\narticle="1"\ntext="t"\n',
        encoding="utf-8",
    )
    with pytest.raises(CatalogueError, match="unknown"):
        read_standards()
    assert tomllib  # the format is TOML, read by the standard library


def test_sectors_endpoint(api_as, officer) -> None:
    r = api_as(officer).get("/api/v1/sectors")
    assert r.status_code == 200
    rows = {row["key"]: row for row in r.json()}
    assert rows["hazardous_chemicals"]["name"] == "化工和危险化学品"
    assert rows["hazardous_chemicals"]["high_risk"] is True


def test_criteria_endpoint_filters_by_sector_and_text(api_as, officer) -> None:
    r = api_as(officer).get("/api/v1/criteria", {"sector": "metallurgy", "limit": 500})
    assert r.status_code == 200
    codes = {row["code"] for row in r.json()["items"]}
    assert "MEM10-A4-1" in codes and "MEM10-A3-1" in codes
    assert not any(c.startswith("MEM4-") for c in codes)  # coal clauses are not metallurgy's
    assert r.json()["count"] == len(codes)
    first = r.json()["items"][0]
    assert {"standard", "standard_title", "article", "text", "sectors"} <= set(first)
    q = api_as(officer).get("/api/v1/criteria", {"q": "粉尘", "limit": 500}).json()
    assert q["count"] > 0 and all("粉尘" in row["text"] or "粉尘" in row["article"] for row in q["items"])


def test_criteria_for_an_unknown_sector_is_refused(api_as, officer) -> None:
    r = api_as(officer).get("/api/v1/criteria", {"sector": "nope"})
    assert r.status_code == 422
    assert "sector" in r.json()["errors"]
