from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zhiben.common.inputs import parse
from zhiben.hazards.inputs import HazardPlan, HazardReport
from zhiben.hazards.models import Hazard
from zhiben.hazards.services import hazard_attach, hazard_create, hazard_plan
from zhiben.tests_support import files
from zhiben.tests_support.factories import chemicals_criterion


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def new_hazard(actor, firm, **over) -> Hazard:
    data = {
        "enterprise": firm.credit_code,
        "title": "反应釜区域可燃气体报警器失效",
        "level": "major",
        "source": "self_check",
        "discovered_on": "2025-03-01",
    }
    data.update(over)
    data.setdefault("criterion", chemicals_criterion(data["discovered_on"]) if data["level"] == "major" else "")
    return hazard_create(actor=actor, report=parse(HazardReport, data))


def planned(actor, hazard: Hazard) -> Hazard:
    return hazard_plan(
        hazard_id=hazard.pk,
        actor=actor,
        plan=parse(
            HazardPlan,
            {
                "responsible_person": "陈建国",
                "measures": "更换报警器并联锁",
                "funds": "12000",
                "deadline": "2025-06-30",
                "interim_measures": "停用该区域，专人值守",
            },
        ),
    )


def evidence(actor, hazard: Hazard) -> int:
    upload = SimpleUploadedFile("after.jpg", files.jpeg(), content_type="image/jpeg")
    return hazard_attach(hazard_id=hazard.pk, actor=actor, uploads=[(upload, "after.jpg", upload.size)])[0].pk
