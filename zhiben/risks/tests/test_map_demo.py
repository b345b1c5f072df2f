"""The demo's four-colour map and posts (zhiben/demo/risks_map.py): the layout drawn once, the register's units placed
by their names and none created, the posts made once; run again, nothing changes."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from zhiben.audit.models import Event
from zhiben.demo.risks_map import AREAS, layout_png, seed_risks_map
from zhiben.risks.models import Post, RiskProfile, RiskUnit
from zhiben.tests_support import factories

from .factories_map import unit

pytestmark = pytest.mark.django_db


def test_the_layout_is_a_png_of_labelled_areas() -> None:
    with Image.open(io.BytesIO(layout_png())) as img:
        assert img.format == "PNG" and img.size == (1200, 800)
        # an area's fill, inside the tank farm's box
        assert img.convert("RGB").getpixel((int(0.2 * 1200), int(0.35 * 800))) == (226, 232, 240)


def test_the_demo_places_the_registers_units_and_makes_posts_once(firm) -> None:
    factories.user("firm-demo", role="enterprise", enterprise=firm)
    tank = unit(firm, "液氯储罐区", grade="red")
    store = unit(firm, "危险品仓库", grade="yellow")
    other = unit(firm, "循环水站", grade="blue")
    seed_risks_map(enterprise=firm.credit_code)
    profile = RiskProfile.objects.get(enterprise=firm)
    assert profile.layout and (profile.layout_width, profile.layout_height) == (1200, 800)
    placed = {u.name: (float(u.map_x or -1), float(u.map_y or -1)) for u in RiskUnit.objects.filter(enterprise=firm)}
    left, top, right, bottom = AREAS[0][2]
    assert left < placed[tank.name][0] < right and top < placed[tank.name][1] < bottom  # in the tank farm
    left, top, right, bottom = AREAS[2][2]
    assert left < placed[store.name][0] < right and top < placed[store.name][1] < bottom  # in the warehouse
    assert other.name in placed
    posts = {p.name: {u.name for u in p.units.all()} for p in Post.objects.filter(enterprise=firm)}
    assert posts == {"液氯充装工": {tank.name}, "反应釜操作工": set(), "仓库保管员": {store.name}}
    assert RiskUnit.objects.filter(enterprise=firm).count() == 3  # it creates no unit
    events = Event.objects.count()
    layout_name = profile.layout.name
    seed_risks_map(enterprise=firm.credit_code)
    assert Event.objects.count() == events
    assert RiskProfile.objects.get(enterprise=firm).layout.name == layout_name
    assert Post.objects.filter(enterprise=firm).count() == 3


def test_the_demo_does_nothing_without_the_enterprise_or_its_user(firm) -> None:
    seed_risks_map(enterprise="91500241MA5U0DEM30")
    seed_risks_map(enterprise=firm.credit_code)  # the firm has no staff user here
    assert not RiskProfile.objects.exists() and not Post.objects.exists()
