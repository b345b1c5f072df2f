"""Test factories (factory_boy) for users, tokens, regions and enterprises, and hazards through their service."""

from __future__ import annotations

import datetime
import random
from typing import Any

import factory
from django.utils import timezone
from stdnum.cn import uscc

from zhiben.accounts.models import ApiToken, User
from zhiben.common.inputs import parse
from zhiben.enterprises.models import Enterprise
from zhiben.hazards.inputs import HazardReport
from zhiben.hazards.models import Hazard
from zhiben.hazards.services import hazard_create
from zhiben.reference.models import Kind, Sector
from zhiben.reference.selectors import criteria_in_force
from zhiben.regions.codes import Level
from zhiben.regions.models import Region

_rng = random.Random(7)


_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def credit_code(county: str = "500241") -> str:
    """A valid 统一社会信用代码 registered in ``county``: 9 (market regulation) 1 (enterprise), the county,
    an 8-digit organisation code with its GB 11714 check character, then the national check character.

    Test support keeps its own generator: it imports no demo code (the layers point the other way).
    """
    body = "".join(_rng.choice("0123456789") for _ in range(8))
    total = sum(_ORG_ALPHABET.index(c) * w for c, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
    check = {10: "X", 11: "0"}.get(11 - total % 11, str(11 - total % 11))
    first17 = "91" + county.ljust(6, "0")[:6] + body + check
    return first17 + uscc.calc_check_digit(first17)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    credit_code = factory.LazyFunction(credit_code)
    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    region_id = "500241"
    sector_id = "machinery"
    status = "operating"


def enterprise(*, region: str = "500241", sector: str = "machinery", **fields: Any) -> Enterprise:
    code = fields.pop("credit_code", None) or credit_code(region[:6])
    return EnterpriseFactory.create(region_id=region, sector_id=sector, credit_code=code, **fields)


def hazard(
    actor: User,
    firm: Enterprise,
    *,
    discovered_on: str | datetime.date,
    deadline: str | datetime.date | None = None,
    level: str = "general",
    source: str = "inspection",
    **fields: Any,
) -> Hazard:
    """A hazard recorded through ``hazard_create`` (its events and counts with it): a major one cites a
    hazardous-chemicals clause unless ``criterion`` says otherwise."""
    report = {
        "enterprise": firm.credit_code,
        "title": fields.pop("title", "t"),
        "level": level,
        "source": source,
        "discovered_on": discovered_on,
        "deadline": deadline,
        "criterion": fields.pop("criterion", chemicals_criterion(discovered_on) if level == "major" else ""),
        **fields,
    }
    return hazard_create(actor=actor, report=parse(HazardReport, report))


def chemicals_criterion(on: Any) -> str:
    """A hazardous-chemicals clause in force on ``on`` (FACTS §2): 安监总管三〔2017〕121号 （一） to 2026-09-29,
    AQ 3067-2026 5.2.1 (topic-only, citable) from 2026-09-30."""
    day = on if isinstance(on, datetime.date) else datetime.date.fromisoformat(str(on))
    return "SAWS121C-1" if day <= datetime.date(2026, 9, 29) else "AQ3067-5-2-1"


def criterion_for(sector: str, on: Any) -> str:
    """The first clause a major hazard of ``sector`` found on ``on`` may cite by itself (FACTS §2: by sector and
    discovery date; never a fire determination, which needs its elements). Raises LookupError if none is in force."""
    day = on if isinstance(on, datetime.date) else datetime.date.fromisoformat(str(on))
    found = criteria_in_force(sector, day).exclude(kind=Kind.DETERMINATION).exclude(all_sectors=True).first()
    if found is None:
        raise LookupError(f"no clause of {sector} in force on {day}")
    return found.code


def user(
    username: str,
    *,
    role: str,
    region: str | None = None,
    sectors: list[str] | None = None,
    enterprise: Enterprise | None = None,
    password: str = "pw-for-tests-123",
) -> User:
    u = User(
        username=username,
        role=role,
        region_id=region,
        enterprise=enterprise,
        is_staff=role == "admin",
        is_superuser=role == "admin",
    )
    u.set_password(password)
    u.save()
    if sectors:
        u.sectors.set(Sector.objects.filter(key__in=sectors))
    return u


def token_for(u: User) -> str:
    raw = ApiToken.new_raw()
    ApiToken.objects.create(
        user=u, digest=ApiToken.digest_of(raw), expires_at=timezone.now() + datetime.timedelta(days=1)
    )
    return raw


def township(code: str, name: str, parent: str) -> Region:
    region, _ = Region.objects.get_or_create(
        code=code, defaults={"name": name, "parent_id": parent, "level": Level.TOWNSHIP, "full_name": name}
    )
    return region
