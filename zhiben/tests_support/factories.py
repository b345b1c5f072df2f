"""Test factories (factory_boy) for users, tokens, regions and enterprises."""

from __future__ import annotations

import datetime
import random
from typing import Any

import factory
from django.utils import timezone

from zhiben.accounts.models import ApiToken, User
from zhiben.demo.generator import make_credit_code
from zhiben.enterprises.models import Enterprise
from zhiben.reference.models import Sector
from zhiben.regions.codes import Level
from zhiben.regions.models import Region

_rng = random.Random(7)


def credit_code(county: str = "500241") -> str:
    return make_credit_code(_rng, county)


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
