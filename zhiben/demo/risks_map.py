"""The demo's four-colour map and posts (issue 15) at 秀山县清溪化工有限公司 (the demo enterprise, a hazardous-chemicals
firm; its staff user is ``firm``): a plant layout drawn with Pillow (labelled areas: 罐区, 生产车间, 仓库, 办公楼,
装卸站), its risk units placed on it, and three posts (岗位) for 两单两卡.

The units are the register demo's (``risks_register``): this module creates none, it places those it finds — by
their names (罐 → the tank farm, 仓库 → the warehouse …), the others spread over the production area — and posts
name the units their names match. Everything is written through the services, as the enterprise's user. Run again,
it adds nothing: the layout is drawn once, a placed unit keeps its place, a post that exists is left as it is.
"""

from __future__ import annotations

import io
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFont

from zhiben.accounts.models import Role, User
from zhiben.enterprises.models import Enterprise
from zhiben.risks.models import Post, RiskProfile, RiskUnit
from zhiben.risks.services.map import layout_upload, unit_place
from zhiben.risks.services.posts import post_create

SIZE = (1200, 800)
# (label, English label for a machine without a Chinese font, box as fractions (left, top, right, bottom), keywords)
AREAS: tuple[tuple[str, str, tuple[float, float, float, float], tuple[str, ...]], ...] = (
    ("罐区", "TANK FARM", (0.05, 0.08, 0.40, 0.45), ("罐", "储", "氯", "槽")),
    ("生产车间", "PRODUCTION", (0.45, 0.08, 0.95, 0.45), ("车间", "装置", "反应", "釜", "合成", "精馏", "工艺")),
    ("仓库", "WAREHOUSE", (0.05, 0.55, 0.35, 0.92), ("仓库", "库房", "危险品库", "存储")),
    ("装卸站", "LOADING", (0.40, 0.55, 0.65, 0.92), ("装卸", "充装", "鹤管", "槽车")),
    ("办公楼", "OFFICE", (0.70, 0.55, 0.95, 0.92), ("办公", "中控", "控制室", "配电")),
)
PRODUCTION = 1  # units whose names match no area are spread over the production area
POSTS: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    (
        "液氯充装工",
        ("罐", "氯", "充装", "装卸"),
        "严格执行液氯充装操作规程，充装前核对槽车资质和检验有效期\n每班巡检储罐液位、压力、温度及紧急切断阀状态\n"
        "按时完成隐患排查任务并如实记录",
        "发现泄漏立即报告班长并启动紧急切断\n佩戴正压式空气呼吸器从上风向处置，疏散无关人员\n拨打企业应急电话和 119",
    ),
    (
        "反应釜操作工",
        ("车间", "装置", "反应", "釜"),
        "按工艺卡片控制反应温度、压力和投料速度\n确认安全联锁、报警处于投用状态，不得擅自摘除\n交接班时交清设备运行和异常情况",
        "超温超压时立即停止投料、开启冷却，必要时紧急泄放\n火灾时使用就近灭火器和消防水炮，报告中控室",
    ),
    (
        "仓库保管员",
        ("仓库", "库房", "存储"),
        "危险化学品分类分区存放，核对出入库数量\n每日检查库房通风、温湿度和防静电设施",
        "发现包装破损泄漏时隔离现场，用吸附材料收集\n人员中毒时移至空气新鲜处并送医",
    ),
)
FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)


def _font() -> ImageFont.FreeTypeFont | None:
    for name in FONT_FILES:
        if Path(name).exists():
            return ImageFont.truetype(name, 36)
    return None


def layout_png() -> bytes:
    """The demo plant's layout: the areas as labelled rectangles on a site plan (Chinese labels when a Chinese font
    is installed, English ones otherwise)."""
    img = Image.new("RGB", SIZE, (246, 246, 240))
    draw = ImageDraw.Draw(img)
    font = _font()
    width, height = SIZE
    draw.rectangle((10, 10, width - 10, height - 10), outline=(90, 90, 90), width=4)  # the fence
    draw.line((20, height * 0.5, width - 20, height * 0.5), fill=(200, 200, 190), width=24)  # the plant road
    for label, english, (left, top, right, bottom), _ in AREAS:
        box = (left * width, top * height, right * width, bottom * height)
        draw.rectangle(box, fill=(226, 232, 240), outline=(60, 70, 90), width=3)
        text = label if font is not None else english
        draw.text((box[0] + 16, box[1] + 12), text, fill=(30, 40, 60), font=font or ImageFont.load_default())
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def _area_of(name: str) -> int:
    for index, (_, _, _, words) in enumerate(AREAS):
        if any(word in name for word in words):
            return index
    return PRODUCTION


def _place(index: int, nth: int) -> tuple[str, str]:
    """The ``nth`` unit's place in area ``index``: a grid of up to 4 × 3 inside its box, clear of the label."""
    left, top, right, bottom = AREAS[index][2]
    column, row = nth % 4, (nth // 4) % 3
    x = left + (right - left) * (0.15 + 0.23 * column)
    y = top + (bottom - top) * (0.45 + 0.2 * row)
    return f"{x:.4f}", f"{y:.4f}"


def seed_risks_map(*, enterprise: str) -> None:
    """Draw and upload the layout of ``enterprise`` (a credit code) if it has none, place its units not yet placed,
    and create the demo posts it lacks; nothing when the enterprise or its staff user is missing."""
    firm = Enterprise.objects.filter(credit_code=enterprise).first()
    staff = User.objects.filter(role=Role.ENTERPRISE, enterprise=firm, is_active=True).order_by("pk").first()
    if firm is None or staff is None:
        return
    profile = RiskProfile.objects.filter(enterprise=firm).first()
    if profile is None or not profile.layout:
        layout = SimpleUploadedFile("厂区平面布置图.png", layout_png(), content_type="image/png")
        layout_upload(actor=staff, enterprise=firm, upload=layout)
    units = list(RiskUnit.objects.filter(enterprise=firm, deleted=False).order_by("id"))
    taken: dict[int, int] = {}
    for u in units:
        index = _area_of(u.name)
        nth = taken.get(index, 0)
        taken[index] = nth + 1
        if u.map_x is None or u.map_y is None:
            x, y = _place(index, nth)
            unit_place(actor=staff, unit_id=u.pk, x=x, y=y)
    existing = set(Post.objects.filter(enterprise=firm).values_list("name", flat=True))
    for name, words, duties, emergency in POSTS:
        if name in existing:
            continue
        chosen = [u.pk for u in units if any(word in u.name for word in words)]
        post_create(
            actor=staff,
            data={
                "enterprise": firm.credit_code,
                "name": name,
                "duties": duties,
                "emergency": emergency,
                "units": chosen,
            },
        )
