"""Posts (岗位) and their 两单两卡, and a major risk unit's 4张清单: the writes and their refusals (units of another
enterprise, names, who may write), scope, the phone page, and the Word documents opened and read back."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
import segno
from django.test import Client
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhiben.audit.models import Event
from zhiben.common.errors import Conflict, FieldErrors, PermissionDenied
from zhiben.risks.models import Post, RiskUnit
from zhiben.risks.services.posts import post_create, post_delete, post_update
from zhiben.tests_support import factories

from .factories_map import unit

pytestmark = pytest.mark.django_db
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def client_of(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def refusals(r) -> dict[str, str]:
    return {str(d["loc"][-1]): d["msg"] for d in r.json()["detail"]}


def docx_text(content: bytes) -> tuple[str, Any]:
    """All the words of a Word file (paragraphs and table cells) and the document."""
    doc = Document(io.BytesIO(content))
    words = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            words += [cell.text for cell in row.cells]
    return "\n".join(words), doc


def qr_png(url: str) -> bytes:
    """The QR code of ``url`` as the documents draw it: the embedded picture must be exactly this (so it opens
    ``url``)."""
    buf = io.BytesIO()
    segno.make(url).save(buf, kind="png", scale=4)
    return buf.getvalue()


@pytest.fixture
def tank(firm) -> RiskUnit:
    return unit(firm, "液氯储罐区", grade="red")


@pytest.fixture
def post(firm, firm_user, tank) -> Post:
    return post_create(
        actor=firm_user,
        data={
            "name": "液氯充装工",
            "duties": "严格执行充装操作规程\n每班检查储罐液位、压力",
            "emergency": "发现泄漏立即报告班长\n佩戴空气呼吸器后关闭紧急切断阀",
            "units": [tank.pk],
        },
    )


# --- writes -------------------------------------------------------------------------------------------------------


def test_the_enterprise_creates_a_post_with_its_units(firm, firm_user, tank) -> None:
    r = client_of(firm_user).post(
        "/api/v1/posts",
        {"name": "液氯充装工", "duties": "职责一\n\n职责二", "units": [tank.pk]},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["enterprise"] == firm.credit_code and body["duties"] == ["职责一", "职责二"]
    assert body["units"] == [{"id": tank.pk, "name": "液氯储罐区", "grade": "red"}]
    assert (
        body["cards"]["risks"][0]["grade"] == "red" and body["cards"]["tasks"][0]["content"] == "巡检储罐液位与报警联锁"
    )
    assert [m["classify1"] for m in body["cards"]["controls"]] == ["1"]
    assert [m["classify2"] for m in body["cards"]["emergency_measures"]] == ["4-2"]
    assert body["page"] == f"/risks/posts/{body['id']}/"
    assert Event.objects.filter(subject_type="post", subject_id=str(body["id"]), kind="created").exists()


def test_a_unit_of_another_enterprise_is_refused_naming_units(firm, firm_user, other_firm, tank) -> None:
    theirs = unit(other_firm, "他厂单元")
    with pytest.raises(FieldErrors) as refused:
        post_create(actor=firm_user, data={"name": "巡检工", "units": [tank.pk, theirs.pk]})
    assert str(theirs.pk) in refused.value.errors["units"]
    gone = unit(firm, "已拆除装置")
    RiskUnit.objects.filter(pk=gone.pk).update(deleted=True)
    with pytest.raises(FieldErrors) as refused:
        post_create(actor=firm_user, data={"name": "巡检工", "units": [gone.pk]})
    assert "units" in refused.value.errors
    assert not Post.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": ""}, "name"),
        ({}, "name"),
        ({"name": "x" * 61}, "name"),
        ({"name": "巡检工", "units": "1"}, "units"),
        ({"name": "巡检工", "units": [True]}, "units"),
        ({"name": "巡检工", "units": [-1]}, "units"),
        ({"name": "巡检工", "units": ["9" * 30]}, "units"),
        ({"name": "巡检工", "units": [{"id": 1}]}, "units"),
        ({"name": "巡检工", "duties": 5}, "duties"),
        ({"name": "巡检工\x00"}, "name"),
        ({"name": "巡检工", "extra": 1}, "extra"),
    ],
)
def test_bad_input_is_refused_naming_the_field(firm_user, data, field) -> None:
    r = client_of(firm_user).post("/api/v1/posts", data, content_type="application/json")
    assert r.status_code == 422, r.content
    assert field in refusals(r)
    assert not Post.objects.exists()


def test_a_name_is_unique_within_the_enterprise(firm_user, post) -> None:
    with pytest.raises(Conflict) as refused:
        post_create(actor=firm_user, data={"name": "液氯充装工"})
    assert refused.value.field == "name"
    other = post_create(actor=firm_user, data={"name": "装卸工"})
    with pytest.raises(Conflict):
        post_update(actor=firm_user, post_id=other.pk, data={"name": "液氯充装工"})


def test_update_changes_only_what_is_given_and_delete_removes(firm, firm_user, post, tank) -> None:
    second = unit(firm, "氯气缓冲罐", grade="orange")
    changed = post_update(actor=firm_user, post_id=post.pk, data={"units": [second.pk, tank.pk]})
    assert {u.pk for u in changed.units.all()} == {tank.pk, second.pk}
    assert changed.duties.startswith("严格执行")
    r = client_of(firm_user).patch(f"/api/v1/posts/{post.pk}", {"duties": "新职责"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["duties"] == ["新职责"]
    kinds = set(Event.objects.filter(subject_type="post", subject_id=str(post.pk)).values_list("kind", flat=True))
    assert kinds == {"created", "changed"}
    assert client_of(firm_user).delete(f"/api/v1/posts/{post.pk}").status_code == 204
    assert not Post.objects.filter(pk=post.pk).exists()


def test_officers_read_but_may_not_write_and_outsiders_get_404(firm, post, officer, outsider, other_firm) -> None:
    assert client_of(officer).get(f"/api/v1/posts/{post.pk}").status_code == 200
    with pytest.raises(PermissionDenied):
        post_update(actor=officer, post_id=post.pk, data={"name": "改名"})
    with pytest.raises(PermissionDenied):
        post_delete(actor=officer, post_id=post.pk)
    with pytest.raises(PermissionDenied):
        post_create(actor=officer, data={"enterprise": firm.credit_code, "name": "官员设立"})
    other_user = factories.user("other-firm-user", role="enterprise", enterprise=other_firm)
    for who in (outsider, other_user):
        c = client_of(who)
        assert c.get(f"/api/v1/posts/{post.pk}").status_code == 404
        assert c.patch(f"/api/v1/posts/{post.pk}", {"name": "x"}, content_type="application/json").status_code == 404
        assert c.delete(f"/api/v1/posts/{post.pk}").status_code == 404
        assert c.get(f"/api/v1/posts/{post.pk}/cards.docx").status_code == 404
        assert c.get("/api/v1/posts").json()["count"] == 0
        assert c.get(f"/risks/posts/{post.pk}/").status_code == 404
    # creating a post for an enterprise out of scope is refused naming the enterprise, and nothing is made
    with pytest.raises(FieldErrors) as refused:
        post_create(actor=other_user, data={"enterprise": firm.credit_code, "name": "越权岗位"})
    assert "enterprise" in refused.value.errors
    assert client_of(outsider).get(f"/api/v1/posts?enterprise={firm.credit_code}").status_code == 404
    post.refresh_from_db()
    assert post.name == "液氯充装工"


@pytest.mark.parametrize("query", ["limit=0", "limit=501", "limit=abc", "offset=-1", "offset=1e3"])
def test_bad_paging_is_refused(firm_user, query) -> None:
    assert client_of(firm_user).get(f"/api/v1/posts?{query}").status_code == 422


# --- documents ----------------------------------------------------------------------------------------------------


def test_the_cards_docx_holds_the_four_parts_and_a_qr_code(firm, firm_user, post) -> None:
    r = client_of(firm_user).get(f"/api/v1/posts/{post.pk}/cards.docx")
    assert r.status_code == 200 and r["Content-Type"] == DOCX
    text, doc = docx_text(r.content)
    for part in ("岗位风险清单", "岗位职责清单", "岗位风险管控卡", "应急处置卡"):
        assert part in text
    assert firm.name in text and "液氯充装工岗位“两单两卡”" in text
    assert "液氯储罐区泄漏中毒" in text and "重大风险" in text and "900" in text  # L 6 × E 10 × C 15
    assert "严格执行充装操作规程" in text and "巡检储罐液位与报警联锁" in text and "每天" in text
    assert "工程技术 · 安全仪表" in text and "检查液位计、压力表显示正常" in text
    assert "应急措施 · 个体防护" in text and "佩戴空气呼吸器后关闭紧急切断阀" in text
    assert f"http://testserver/risks/posts/{post.pk}/" in text
    assert len(doc.inline_shapes) == 1  # the QR code
    section = doc.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    image = doc.inline_shapes[0]._inline.graphic.graphicData.pic.blipFill.blip.embed
    assert doc.part.related_parts[image].content_type == "image/png"
    assert doc.part.related_parts[image].blob == qr_png(f"http://testserver/risks/posts/{post.pk}/")


def test_four_lists_for_a_major_risk_unit(firm, firm_user, post, tank, officer) -> None:
    firm.principal, firm.principal_phone, firm.safety_contact = "赵总", "13900001111", "钱安全"
    firm.save()
    r = client_of(officer).get(f"/api/v1/risk-units/{tank.pk}/four-lists.docx")
    assert r.status_code == 200, r.content
    text, doc = docx_text(r.content)
    for part in ("基本情况清单", "责任分工清单", "管控措施清单", "应急处置清单"):
        assert part in text
    assert "液氯储罐区" in text and "液氯储罐区泄漏中毒" in text and "重大风险" in text and "900" in text
    assert "赵总" in text and "13900001111" in text and "钱安全" in text
    assert "储运车间 · 张工" in text and "仪表班 · 李工" in text
    assert "配备正压式空气呼吸器" in text and "液氯充装工：发现泄漏立即报告班长" in text
    assert f"http://testserver/risks/enterprises/{firm.credit_code}/map/" in text
    assert len(doc.inline_shapes) == 1
    image = doc.inline_shapes[0]._inline.graphic.graphicData.pic.blipFill.blip.embed
    assert doc.part.related_parts[image].blob == qr_png(f"http://testserver/risks/enterprises/{firm.credit_code}/map/")


def test_four_lists_of_a_unit_without_a_major_risk_answer_409(firm, firm_user, outsider, tank) -> None:
    office = unit(firm, "办公楼", grade="blue")
    r = client_of(firm_user).get(f"/api/v1/risk-units/{office.pk}/four-lists.docx")
    assert r.status_code == 409 and "没有重大风险" in r.json()["detail"]
    assert client_of(outsider).get(f"/api/v1/risk-units/{tank.pk}/four-lists.docx").status_code == 404


def test_a_control_character_in_the_register_does_not_break_the_file(firm, firm_user, tank) -> None:
    RiskUnit.objects.filter(pk=tank.pk).update(name="液氯\x0b储罐区")
    made = post_create(actor=firm_user, data={"name": "巡检工", "units": [tank.pk]})
    r = client_of(firm_user).get(f"/api/v1/posts/{made.pk}/cards.docx")
    assert r.status_code == 200
    assert "液氯储罐区" in docx_text(r.content)[0]


# --- pages --------------------------------------------------------------------------------------------------------


def test_the_post_page_shows_the_four_parts_on_a_phone(firm, officer, post) -> None:
    r = client_of(officer).get(f"/risks/posts/{post.pk}/")
    assert r.status_code == 200
    html = r.content.decode()
    for part in ("一、岗位风险清单", "二、岗位职责清单", "三、岗位风险管控卡", "四、应急处置卡"):
        assert part in html
    assert "严格执行充装操作规程" in html and "佩戴空气呼吸器后关闭紧急切断阀" in html
    assert f'href="/api/v1/posts/{post.pk}/cards.docx"' in html
    assert "/four-lists.docx" in html  # the unit has a major risk
    assert 'name="viewport" content="width=device-width' in html
    assert "<table" not in html  # a phone reads lists, not wide tables
    assert "编辑</a>" not in html  # an officer reads


def test_the_enterprise_adds_and_edits_posts_on_its_pages(firm, firm_user, tank) -> None:
    c = client_of(firm_user)
    url = f"/risks/enterprises/{firm.credit_code}/posts/"
    page = c.get(url).content.decode()
    assert f'value="{tank.pk}"' in page and "设立岗位" in page
    r = c.post(url, {"name": "液氯充装工", "duties": "职责一", "units": [str(tank.pk)]})
    assert r.status_code == 302
    made = Post.objects.get(name="液氯充装工")
    assert list(made.units.all()) == [tank]
    bad = c.post(url, {"name": "", "units": [str(tank.pk)]})
    assert bad.status_code == 422 and "请填写岗位名称" in bad.content.decode()
    edit = f"/risks/enterprises/{firm.credit_code}/posts/{made.pk}/edit/"
    assert "checked" in c.get(edit).content.decode()
    assert (
        c.post(edit, {"action": "save", "name": "充装工", "duties": "", "emergency": "", "units": []}).status_code
        == 302
    )
    made.refresh_from_db()
    assert made.name == "充装工" and not made.units.exists()
    assert c.post(edit, {"action": "delete"}).status_code == 302
    assert not Post.objects.exists()


def test_the_post_pages_refuse_others(firm, officer, outsider, post, firm_user) -> None:
    edit = f"/risks/enterprises/{firm.credit_code}/posts/{post.pk}/edit/"
    assert client_of(officer).get(edit).status_code == 404
    assert client_of(officer).post(edit, {"action": "delete"}).status_code == 404
    assert client_of(outsider).get(f"/risks/enterprises/{firm.credit_code}/posts/").status_code == 404
    listing = client_of(officer).get(f"/risks/enterprises/{firm.credit_code}/posts/").content.decode()
    assert "液氯充装工" in listing and "设立岗位" not in listing
    assert client_of(officer).post(f"/risks/enterprises/{firm.credit_code}/posts/", {"name": "x"}).status_code == 403
    # an edit address naming another enterprise is not this post's
    other = factories.enterprise(name="另一企业")
    assert client_of(firm_user).get(f"/risks/enterprises/{other.credit_code}/posts/{post.pk}/edit/").status_code == 404
    assert Post.objects.count() == 1


# --- hostile requests ---------------------------------------------------------------------------------------------

VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=80),
    st.lists(st.one_of(st.integers(), st.text(max_size=5)), max_size=4),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    payload=st.one_of(
        st.dictionaries(st.sampled_from(["name", "duties", "emergency", "units", "enterprise", "x", "y"]), VALUES),
        st.lists(st.integers(), max_size=3),
        st.text(max_size=30),
    )
)
def test_no_payload_makes_a_500(payload, firm_user, tank, post) -> None:
    c = client_of(firm_user)
    body = json.dumps(payload)
    for method, url in (
        ("POST", "/api/v1/posts"),
        ("PATCH", f"/api/v1/posts/{post.pk}"),
        ("PUT", f"/api/v1/risk-units/{tank.pk}/place"),
    ):
        r = c.generic(method, url, body, content_type="application/json")
        assert r.status_code < 500, (method, url, payload, r.content)
        if r.status_code >= 400:
            assert r.json()["detail"], (method, url, payload)


def test_every_event_kind_written_reads_in_chinese(firm_user, post) -> None:
    from zhiben.common import kit
    from zhiben.risks.declarations.map import UNIT_MAP_CATALOGUE

    assert kit.get("post").get_scoped(firm_user, post.pk) == post
    for kind in ("created", "changed", "deleted"):
        assert kit.get("post").events.get(kind) is not None
    assert kit.event_view("post", "changed", {"fields": {"units": ["液氯储罐区"]}}) == (
        "修改岗位",
        "涉及的风险分析单元：液氯储罐区",
    )
    assert UNIT_MAP_CATALOGUE.text("placed", {"name": "罐区", "x": "0.5", "y": "0.25"}) == (
        "风险分析单元：罐区；横坐标：0.5；纵坐标：0.25"
    )
    assert kit.event_view("enterprise", "risk_layout_uploaded", {"width": 1200, "height": 800})[0] == (
        "上传厂区平面布置图（四色图）"
    )
