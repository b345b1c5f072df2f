"""The register kit: every register is declared, and every event kind its services write has a label."""

from __future__ import annotations

import inspect
import re

import pytest

from zhiben.common import kit


def test_every_register_is_declared_with_its_path() -> None:
    names = {spec.name: spec.path for spec in kit.registers()}
    assert names == {"enterprise": "enterprises", "hazard": "hazards", "tip": "tips", "accident": "accidents"}
    assert kit.by_path("hazards") is kit.get("hazard")


@pytest.mark.parametrize("name", ["hazard", "tip", "accident", "enterprise"])
def test_every_event_kind_a_service_writes_has_a_chinese_label(name: str) -> None:
    spec = kit.get(name)
    module = __import__(f"zhiben.{spec.app_label}.services", fromlist=["services"])
    source = inspect.getsource(module)
    # the kind argument of each ``_log(actor, subject, <kind>, …)`` (a literal or a conditional of literals)
    kinds = re.findall(r"_log\(\s*\w+,\s*\w+,\s*([^,{]+),", source)
    written = {word for arg in kinds for word in re.findall(r'(?<!== )"(\w+)"', arg)}
    written |= set(re.findall(r'kind="(\w+)"', source))
    assert written, f"no event kinds found in {spec.app_label}.services"
    missing = {kind for kind in written if spec.events.get(kind) is None}
    assert not missing, f"{name}: kinds without a label {missing}"


def test_an_unknown_kind_is_named_not_shown_raw() -> None:
    assert kit.event_view("tip", "no_such_kind", {}) == ("其他记录", "")
    assert kit.event_view("nobody", "created", {}) == ("其他记录", "")


def test_a_tip_timeline_reads_in_chinese() -> None:
    label, text = kit.event_view("tip", "received", {"category": "major_hazard", "region": "500241", "files": 2})
    assert label == "收到举报" and "重大事故隐患" in text and "照片 2 张" in text
    assert kit.event_view("tip", "reporter_read", {"real_name": True}) == ("查看举报人身份", "实名举报")


def test_documents_issued_read_the_same_on_every_register() -> None:
    for name in ("hazard", "tip"):
        assert kit.event_view(name, "document_issued", {"label": "答复书", "number": "X〔2026〕1号"}) == (
            "出具文书",
            "文书：答复书；文号：X〔2026〕1号",
        )
