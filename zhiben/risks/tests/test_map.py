"""The four-colour map (四色图): the layout upload and its checks (a 200-MP photo, a decompression bomb), units'
places and their bounds, scope (404) and who may write (403), the map and region pages on a phone."""

from __future__ import annotations

import io
import re
import struct
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from zhiben.audit.models import Event
from zhiben.common.errors import FieldErrors, NotFound, PermissionDenied
from zhiben.conftest import COUNTY
from zhiben.risks.models import RiskProfile, RiskUnit
from zhiben.risks.services.map import LAYOUT_MAX_PIXELS, layout_upload, unit_place, unit_unplace
from zhiben.tests_support import factories, files
from zhiben.tests_support.files import PHONE_200MP

from .factories_map import unit

pytestmark = pytest.mark.django_db


def layout_png(size: tuple[int, int] = (400, 300)) -> bytes:
    img = Image.new("RGB", size, (240, 240, 240))
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def upload(content: bytes, name: str = "layout.png", kind: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=kind)


def refusals(r) -> dict[str, str]:
    """``{field: message}`` of a 422 answer."""
    return {str(d["loc"][-1]): d["msg"] for d in r.json()["detail"]}


def client_of(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def post_layout(c: Client, code: str, content: bytes | None, name: str = "layout.png"):
    data: dict[str, Any] = {"file": upload(content, name)} if content is not None else {"note": "no file"}
    return c.post(f"/api/v1/enterprises/{code}/layout", data)


# --- the layout ---------------------------------------------------------------------------------------------------


def test_the_enterprise_uploads_its_layout_and_reads_it_back(firm, firm_user, officer) -> None:
    r = post_layout(client_of(firm_user), firm.credit_code, layout_png((400, 300)))
    assert r.status_code == 200, r.content
    assert r.json()["width"] == 400 and r.json()["height"] == 300
    profile = RiskProfile.objects.get(enterprise=firm)
    assert (profile.layout_width, profile.layout_height) == (400, 300)
    assert Event.objects.filter(
        subject_type="enterprise", subject_id=firm.credit_code, kind="risk_layout_uploaded"
    ).exists()
    # an officer in scope sees the image; it is served as an image that runs nothing
    got = client_of(officer).get(f"/api/v1/enterprises/{firm.credit_code}/layout")
    assert got.status_code == 200 and got["Content-Type"] == "image/png"
    assert got.getvalue().startswith(b"\x89PNG")
    assert "sandbox" in got["Content-Security-Policy"]


def test_a_replaced_layout_keeps_the_places(firm, firm_user) -> None:
    u = unit(firm)
    layout_upload(actor=firm_user, enterprise=firm, upload=upload(layout_png()))
    unit_place(actor=firm_user, unit_id=u.pk, x="0.25", y=0.75)
    layout_upload(actor=firm_user, enterprise=firm, upload=upload(files.jpeg((800, 600)), "new.jpg", "image/jpeg"))
    u.refresh_from_db()
    assert (str(u.map_x), str(u.map_y)) == ("0.2500", "0.7500")
    assert RiskProfile.objects.get(enterprise=firm).layout.name.endswith(".jpg")


def test_a_header_claiming_20000_by_20000_pixels_is_refused_before_decoding(firm, firm_user) -> None:
    bomb = files.png_header_only((20000, 20000))  # a few hundred bytes claiming 400 million pixels
    r = post_layout(client_of(firm_user), firm.credit_code, bomb)
    assert r.status_code == 422
    assert "像素过多" in refusals(r)["file"] and "20000×20000" in refusals(r)["file"]
    assert not RiskProfile.objects.filter(enterprise=firm).exclude(layout="").exists()


def jpeg_claiming(size: tuple[int, int]) -> bytes:
    """A small baseline JPEG whose frame header (SOF0) claims ``size``: what the layout check reads of a photo."""
    data = bytearray(files.jpeg((16, 12)))
    at = data.index(b"\xff\xc0")
    data[at + 5 : at + 9] = struct.pack(">HH", size[1], size[0])  # height, then width
    return bytes(data)


def test_a_200_megapixel_phone_photo_is_refused_cleanly(firm, firm_user) -> None:
    # The field case (cases/field-2026-11/make-200mp-photo.py): a phone's 200-MP mode, 16320×12240. Only the header
    # is read, so a JPEG whose header claims that size stands for the photo (which takes most of a gigabyte to make).
    photo = jpeg_claiming(PHONE_200MP)
    with Image.open(io.BytesIO(photo)) as probe:
        assert probe.size == PHONE_200MP
    r = post_layout(client_of(firm_user), firm.credit_code, photo, "p3-200mp-phone-photo.jpg")
    assert r.status_code == 422
    assert "16320×12240" in refusals(r)["file"] and "2.0 亿" in refusals(r)["file"]
    assert LAYOUT_MAX_PIXELS < 16320 * 12240
    assert not RiskProfile.objects.filter(enterprise=firm).exclude(layout="").exists()


@pytest.mark.parametrize(
    ("content", "name", "words"),
    [
        (files.pdf(), "plan.pdf", "平面布置图只接受 JPEG、PNG、WebP 图片"),
        (files.gif(), "plan.gif", "平面布置图只接受 JPEG、PNG、WebP 图片"),
        (b"not an image at all", "plan.png", "平面布置图只接受 JPEG、PNG、WebP 图片"),
        (b"", "empty.png", "文件为空"),
    ],
)
def test_what_is_not_a_layout_image_is_refused_naming_file(firm, firm_user, content, name, words) -> None:
    with pytest.raises(FieldErrors) as refused:
        layout_upload(actor=firm_user, enterprise=firm, upload=upload(content, name))
    assert words in refused.value.errors["file"]


def test_a_missing_file_is_refused_naming_file(firm, firm_user) -> None:
    r = post_layout(client_of(firm_user), firm.credit_code, None)
    assert r.status_code == 422 and "file" in refusals(r)
    with pytest.raises(FieldErrors) as refused:
        layout_upload(actor=firm_user, enterprise=firm, upload=None)
    assert "请选择厂区平面布置图" in refused.value.errors["file"]
    # JSON is no upload: the body's kind is refused
    r = client_of(firm_user).post(
        f"/api/v1/enterprises/{firm.credit_code}/layout", {"file": "x"}, content_type="application/json"
    )
    assert r.status_code == 415


def test_an_officer_may_not_upload_and_an_outsider_gets_404(firm, officer, outsider) -> None:
    assert post_layout(client_of(officer), firm.credit_code, layout_png()).status_code == 403
    assert post_layout(client_of(outsider), firm.credit_code, layout_png()).status_code == 404
    assert client_of(outsider).get(f"/api/v1/enterprises/{firm.credit_code}/layout").status_code == 404
    assert client_of(officer).get(f"/api/v1/enterprises/{firm.credit_code}/layout").status_code == 404  # none yet
    assert not RiskProfile.objects.filter(enterprise=firm).exclude(layout="").exists()


# --- places -------------------------------------------------------------------------------------------------------


def test_placing_and_unplacing_a_unit(firm, firm_user) -> None:
    u = unit(firm)
    c = client_of(firm_user)
    r = c.put(f"/api/v1/risk-units/{u.pk}/place", {"x": 0.5, "y": "0.125"}, content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json() == {"id": u.pk, "name": u.name, "grade": "red", "x": 0.5, "y": 0.125}
    assert c.delete(f"/api/v1/risk-units/{u.pk}/place").status_code == 204
    u.refresh_from_db()
    assert u.map_x is None and u.map_y is None
    kinds = list(Event.objects.filter(subject_type="risk_unit", subject_id=str(u.pk)).values_list("kind", flat=True))
    assert kinds == ["placed", "unplaced"]


@pytest.mark.parametrize("edge", [0, 1, "0", "1.0", 0.9999])
def test_the_edges_of_the_image_are_places(firm, firm_user, edge) -> None:
    u = unit(firm)
    unit_place(actor=firm_user, unit_id=u.pk, x=edge, y=edge)


@pytest.mark.parametrize(
    ("x", "y", "bad"),
    [
        (-0.01, 0.5, {"x"}),
        (0.5, 1.0001, {"y"}),
        (2, -1, {"x", "y"}),
        ("NaN", 0.5, {"x"}),
        ("Infinity", "abc", {"x", "y"}),
        (None, 0.5, {"x"}),
        ("", "", {"x", "y"}),
        (True, 0.5, {"x"}),
        ([0.5], {"a": 1}, {"x", "y"}),
        ("1e400", "0x1", {"x", "y"}),
        ("9" * 5000, 0.5, {"x"}),
    ],
)
def test_a_place_outside_the_image_is_refused_naming_the_field(firm, firm_user, x, y, bad) -> None:
    u = unit(firm)
    r = client_of(firm_user).put(f"/api/v1/risk-units/{u.pk}/place", {"x": x, "y": y}, content_type="application/json")
    assert r.status_code == 422, r.content
    assert set(refusals(r)) == bad
    u.refresh_from_db()
    assert u.map_x is None and u.map_y is None


def test_placing_is_the_enterprises_own_and_scoped(firm, firm_user, officer, outsider, other_firm) -> None:
    u = unit(firm)
    with pytest.raises(PermissionDenied):
        unit_place(actor=officer, unit_id=u.pk, x=0.5, y=0.5)
    with pytest.raises(NotFound):
        unit_place(actor=outsider, unit_id=u.pk, x=0.5, y=0.5)
    other_user = factories.user("other-firm-user", role="enterprise", enterprise=other_firm)
    with pytest.raises(NotFound):
        unit_unplace(actor=other_user, unit_id=u.pk)
    r = client_of(officer).delete(f"/api/v1/risk-units/{u.pk}/place")
    assert r.status_code == 403
    # a deleted unit is gone from the map
    RiskUnit.objects.filter(pk=u.pk).update(deleted=True)
    with pytest.raises(NotFound):
        unit_place(actor=firm_user, unit_id=u.pk, x=0.5, y=0.5)


def test_the_risk_map_lists_units_with_grade_colour_and_place(firm, firm_user, outsider) -> None:
    red = unit(firm, "液氯储罐区", grade="red")
    blue = unit(firm, "办公楼", grade="blue")
    ungraded = unit(firm, "新建仓库", grade=None)
    unit_place(actor=firm_user, unit_id=red.pk, x=0.2, y=0.3)
    r = client_of(firm_user).get(f"/api/v1/enterprises/{firm.credit_code}/risk-map")
    assert r.status_code == 200
    body = r.json()
    assert body["grade"] == "red" and body["layout"] is None
    units = {u["name"]: u for u in body["units"]}
    assert units["液氯储罐区"]["colour"] == "#d9363e" and units["液氯储罐区"]["x"] == 0.2
    assert units["办公楼"]["grade"] == "blue" and units["办公楼"]["x"] is None
    assert units["新建仓库"]["grade"] == "" and units["新建仓库"]["grade_name"] == "未评价"
    assert [u["id"] for u in body["units"]] == [red.pk, blue.pk, ungraded.pk]  # worst first
    assert {g["grade"]: g["count"] for g in body["legend"]} == {"red": 1, "orange": 0, "yellow": 0, "blue": 1, "": 1}
    assert client_of(outsider).get(f"/api/v1/enterprises/{firm.credit_code}/risk-map").status_code == 404


# --- pages --------------------------------------------------------------------------------------------------------

PHONE = {"user-agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"}


def test_the_map_page_draws_markers_in_percent_with_legend_and_unplaced(firm, firm_user) -> None:
    red = unit(firm, "液氯储罐区", grade="red")
    unit(firm, "办公楼", grade="blue")
    layout_upload(actor=firm_user, enterprise=firm, upload=upload(layout_png((1600, 1200))))
    unit_place(actor=firm_user, unit_id=red.pk, x=0.25, y=0.5)
    r = client_of(firm_user).get(f"/risks/enterprises/{firm.credit_code}/map/", headers=PHONE)
    assert r.status_code == 200
    html = r.content.decode()
    assert 'style="left: 25.00%; top: 50.00%; background: #d9363e"' in html
    assert "液氯储罐区 · 重大风险" in html
    assert "未标注：办公楼" in html
    assert f'href="/api/v1/risk-units/{red.pk}/four-lists.docx"' in html and html.count("four-lists.docx") == 1
    assert 'name="viewport" content="width=device-width' in html
    # the image scales to the screen: the stylesheet sets its width, no fixed width larger than a phone's
    css = (settings.BASE_DIR / "zhiben/static/zhiben/risk-map.css").read_text(encoding="utf-8")
    assert ".risk-map img { display: block; width: 100%; height: auto; }" in css
    assert not re.search(r"width:\s*(39[1-9]|[4-9]\d\d|\d{4,})px", css)
    assert 'id="place-form"' in html and "risk-map.js" in html
    assert html.count("<table") == html.count('<div class="table-wrap"><table')  # tables scroll inside their box


def test_the_page_form_places_a_unit_without_script(firm, firm_user) -> None:
    u = unit(firm)
    layout_upload(actor=firm_user, enterprise=firm, upload=upload(layout_png()))
    url = f"/risks/enterprises/{firm.credit_code}/map/"
    c = client_of(firm_user)
    r = c.post(url, {"action": "place", "unit": u.pk, "x": "0.4", "y": "0.6"})
    assert r.status_code == 302
    u.refresh_from_db()
    assert str(u.map_x) == "0.4000"
    bad = c.post(url, {"action": "place", "unit": u.pk, "x": "1.5", "y": "0.6"})
    assert bad.status_code == 422 and "横坐标 x须为 0–1 之间的数字" in bad.content.decode()
    assert c.post(url, {"action": "unplace", "unit": u.pk}).status_code == 302
    u.refresh_from_db()
    assert u.map_x is None


def test_the_page_form_uploads_the_layout_and_refuses_a_bomb(firm, firm_user) -> None:
    url = f"/risks/enterprises/{firm.credit_code}/map/"
    c = client_of(firm_user)
    bad = c.post(url, {"action": "layout", "file": upload(files.png_header_only((20000, 20000)))})
    assert bad.status_code == 422 and "像素过多" in bad.content.decode()
    ok = c.post(url, {"action": "layout", "file": upload(layout_png())})
    assert ok.status_code == 302


def test_the_map_page_is_read_only_for_officers_and_404_outside(firm, firm_user, officer, outsider, other_firm) -> None:
    u = unit(firm)
    url = f"/risks/enterprises/{firm.credit_code}/map/"
    html = client_of(officer).get(url).content.decode()
    assert "液氯储罐区" in html and 'id="place-form"' not in html and 'name="file"' not in html
    assert client_of(officer).post(url, {"action": "place", "unit": u.pk, "x": "0.1", "y": "0.1"}).status_code == 403
    assert client_of(outsider).get(url).status_code == 404
    # a unit of another enterprise posted to this map is not found here
    theirs = unit(other_firm, "他厂单元")
    admin = factories.user("risk-admin", role="admin")
    assert client_of(admin).post(url, {"action": "place", "unit": theirs.pk, "x": "0.1", "y": "0.1"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.map_x is None


@pytest.mark.parametrize(
    "data",
    [
        {"action": "place", "unit": "1 OR 1=1", "x": "0.1", "y": "0.1"},
        {"action": "place", "unit": "9" * 40, "x": "0.1", "y": "0.1"},
        {"action": "place", "unit": "\x00", "x": "\x00", "y": "<script>"},
        {"action": "unknown"},
        {"action": "layout"},
    ],
)
def test_hostile_posts_to_the_map_page_are_refused_without_a_500(firm, firm_user, data) -> None:
    unit(firm)
    r = client_of(firm_user).post(f"/risks/enterprises/{firm.credit_code}/map/", data)
    assert r.status_code in (404, 422), r.status_code
    assert "<script>" not in r.content.decode().replace("&lt;script&gt;", "")


def test_the_region_page_counts_enterprises_by_grade_per_township(firm, officer, township, firm_user) -> None:
    town_firm = factories.enterprise(region=township, sector="hazardous_chemicals", name="清溪场危化品有限公司")
    unit(town_firm, "罐区", grade="orange")
    unit(firm, "液氯储罐区", grade="red")
    factories.enterprise(region=township, name="清溪场无清单有限公司")  # no register yet: 未评价
    factories.enterprise(region=township, name="清溪场已关闭有限公司", status="closed")  # not counted
    r = client_of(officer).get("/risks/region/", headers=PHONE)
    assert r.status_code == 200
    html = r.content.decode()
    row = re.search(r"清溪场镇</a></td>(.*?)</tr>", html, re.S)
    assert row is not None
    cells = re.findall(r'<td class="num">(\d+)</td>', row.group(1))
    assert cells == ["0", "1", "0", "0", "1", "2"]  # an orange enterprise and one not graded in the township
    assert "本级直管" in html  # the county's own firm, registered above the townships
    assert html.count("<table") == html.count('<div class="table-wrap"><table') == 2
    assert f'href="/risks/enterprises/{firm.credit_code}/map/"' in html
    assert f'href="/risks/enterprises/{town_firm.credit_code}/map/"' in html
    assert html.index(firm.name) < html.index(town_firm.name)  # red before orange


def test_the_region_page_keeps_to_scope(firm, outsider, firm_user, officer) -> None:
    unit(firm, "液氯储罐区", grade="red")
    html = client_of(outsider).get("/risks/region/").content.decode()
    assert firm.name not in html
    assert client_of(outsider).get(f"/risks/region/?region={COUNTY}").status_code == 404
    assert client_of(firm_user).get("/risks/region/").status_code == 404
    assert client_of(officer).get("/risks/region/?region=abc").status_code == 422
