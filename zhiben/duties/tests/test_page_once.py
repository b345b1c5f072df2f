"""A duty page's form sent twice (a double tap on a slow phone, a resend after a lost answer) makes one record:
the second copy of the same form token is sent where the first went (``common.idempotency.once_per_form``)."""

from __future__ import annotations

import pytest

from zhiben.duties.models import DutyEntry, DutyItem, DutyList, Pressure

from .conftest import TOWNSHIP, Duties, item, leader_list

pytestmark = pytest.mark.django_db
TOKEN = "same-form-token-0123456789"


def twice(duties: Duties, who: str, url: str, form: dict[str, str]) -> None:
    cl = duties.client(who)
    first = cl.post(url, {**form, "form_token": TOKEN})
    again = cl.post(url, {**form, "form_token": TOKEN})
    assert first.status_code in (302, 303), first.content.decode()[:300]
    assert again.status_code == 303 and again["Location"] == first["Location"]


def test_the_form_token_is_on_the_pages_forms(duties: Duties) -> None:
    mine = leader_list(duties)
    item(duties, mine)
    for url in ("/duty-lists/", f"/duty-lists/{mine.pk}/", "/pressures/"):
        assert 'name="form_token"' in duties.client("office").get(url).content.decode(), url


def test_a_ledger_entry_sent_twice_is_kept_once(duties: Duties) -> None:
    mine = leader_list(duties)
    one = item(duties, mine)
    form = {"action": "entry", "item": str(one.pk), "done_on": "2026-06-01", "text": "召开会议专题研究"}
    twice(duties, "leader", f"/duty-lists/{mine.pk}/", form)
    assert DutyEntry.objects.filter(item=one).count() == 1


def test_an_item_sent_twice_is_added_once(duties: Duties) -> None:
    mine = leader_list(duties)
    form = {"action": "item", "number": "1", "text": "专题研究安全生产", "due_text": "长期坚持", "period": "quarter"}
    twice(duties, "office", f"/duty-lists/{mine.pk}/", form)
    assert DutyItem.objects.filter(duty_list=mine).count() == 1


def test_a_list_sent_twice_is_registered_once(duties: Duties) -> None:
    form = {"kind": "duty", "year": "2026", "owner": "leader", "leader_post": "县长", "leader_name": "王五"}
    twice(duties, "office", "/duty-lists/", form)
    assert DutyList.objects.count() == 1


def test_a_pressure_sent_twice_is_recorded_once(duties: Duties) -> None:
    form = {
        "kind": "interview",
        "target": f"region:{TOWNSHIP}",
        "reason": "隐患整改滞后",
        "on": "2026-03-02",
        "follow_up_due": "2026-03-31",
    }
    twice(duties, "office", "/pressures/", form)
    assert Pressure.objects.count() == 1
