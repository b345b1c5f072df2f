"""Synthetic data for demos and benchmarks: valid credit codes, realistic names and proportions."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

from stdnum.cn import uscc

from zhiben.common.names import name_key

_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def org_check_char(body: str) -> str:
    """GB 11714 check character of an 8-character organisation code body (stdnum has no module for it)."""
    total = sum(_ORG_ALPHABET.index(c) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return "X" if value == 10 else "0" if value == 11 else str(value)


def make_credit_code(rng: random.Random, county_code: str) -> str:
    """A 统一社会信用代码 that ``stdnum.cn.uscc`` accepts: 9 (market regulation) 1 (enterprise),
    the registering county, an organisation code with its own check, the national check char."""
    region = county_code.ljust(6, "0")[:6]
    body = "".join(rng.choice("0123456789") for _ in range(8))
    first17 = "91" + region + body + org_check_char(body)
    return first17 + uscc.calc_check_digit(first17)


_PREFIXES = list("华鑫恒瑞金宏盛泰源丰嘉佳永顺安康隆达新兴中长东合天利祥通力正")
_MIDDLES = list("诚信德福海山川峰宇博远成发昌荣和平阳光明升旺昊晟益润")
SECTOR_WORDS: dict[str, list[str]] = {
    "coal_mine": ["煤业", "矿业"],
    "metal_nonmetal_mine": ["矿业", "石材", "采石场"],
    "oil_gas": ["油气", "石油工程"],
    "hazardous_chemicals": ["化工", "化学", "危险品储运", "新材料"],
    "fireworks": ["烟花爆竹", "花炮"],
    "civil_explosives": ["民爆器材"],
    "metallurgy": ["钢铁", "特钢", "冶金"],
    "nonferrous": ["铝业", "铜业", "有色金属"],
    "building_materials": ["建材", "水泥", "陶瓷", "玻璃"],
    "machinery": ["机械", "装备制造", "汽车零部件"],
    "light_industry": ["食品", "纸业", "家具", "酿酒"],
    "textiles": ["纺织", "服饰", "印染"],
    "tobacco": ["烟叶复烤"],
    "commerce": ["商贸", "冷链物流", "超市"],
    "construction": ["建设工程", "建筑", "市政工程"],
    "urban_gas": ["燃气", "天然气"],
    "road_transport": ["运输", "物流", "客运"],
    "highway": ["公路养护"],
    "waterway": ["航运", "船务"],
    "port": ["港务"],
    "rail": ["轨道交通"],
    "civil_aviation": ["通用航空"],
    "special_equipment": ["电梯", "锅炉"],
    "power": ["电力", "水电", "新能源"],
    "water_conservancy": ["水利"],
    "agriculture": ["农机", "渔业"],
    "culture_tourism": ["旅游", "文化", "酒店"],
    "education": ["培训学校"],
    "healthcare": ["医院", "医疗"],
    "other": ["实业", "科技"],
}
# Rough national mix of registered firms by sector (weights, not shares of any real census).
SECTOR_WEIGHTS: dict[str, int] = {
    "commerce": 18,
    "light_industry": 12,
    "machinery": 12,
    "construction": 10,
    "road_transport": 8,
    "building_materials": 6,
    "hazardous_chemicals": 5,
    "textiles": 4,
    "metallurgy": 2,
    "nonferrous": 2,
    "metal_nonmetal_mine": 2,
    "coal_mine": 1,
    "urban_gas": 2,
    "fireworks": 1,
    "culture_tourism": 4,
    "special_equipment": 1,
    "power": 2,
    "other": 5,
    "agriculture": 1,
    "healthcare": 1,
    "education": 1,
}


def enterprise_name(rng: random.Random, place: str, sector: str) -> str:
    words = SECTOR_WORDS.get(sector, ["实业"])
    return f"{place}{rng.choice(_PREFIXES)}{rng.choice(_MIDDLES)}{rng.choice(words)}有限公司"


def short_place(name: str) -> str:
    for suffix in ("土家族苗族自治县", "自治县", "自治旗", "新区", "县", "区", "市", "旗", "镇", "乡", "街道"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def enterprise_rows(
    rng: random.Random, *, regions: list[tuple[str, str]], high_risk: set[str], count: int, start: int = 0
) -> Iterator[dict[str, Any]]:
    """``count`` enterprise field dicts spread over ``regions`` ((code, name) pairs)."""
    sectors = list(SECTOR_WEIGHTS)
    weights = list(SECTOR_WEIGHTS.values())
    seen: set[str] = set()
    for _ in range(count):
        code, region_name = regions[rng.randrange(len(regions))]
        sector = rng.choices(sectors, weights)[0]
        credit = make_credit_code(rng, code[:6])
        while credit in seen:
            credit = make_credit_code(rng, code[:6])
        seen.add(credit)
        risky = sector in high_risk
        name = enterprise_name(rng, short_place(region_name), sector)
        yield {
            "credit_code": credit,
            "name": name,
            "name_key": name_key(name),
            "region_id": code,
            "sector_id": sector,
            "high_risk": risky,
            "scale": rng.choices(["large", "medium", "small", "micro"], [3, 12, 45, 40])[0],
            "above_scale": rng.random() < 0.25,
            "employees": int(rng.lognormvariate(3.2, 1.1)) + 1,
            "risk_level": rng.choices(["red", "orange", "yellow", "blue", ""], [3, 10, 30, 45, 12])[0],
            "supervision_class": rng.choices(["A", "B", "C", "D", ""], [10, 25, 35, 20, 10])[0],
            "standardisation_grade": rng.choices(["1", "2", "3", "none", ""], [2, 10, 30, 40, 18])[0],
            "insured": rng.random() < (0.92 if risky else 0.35),
            "principal": rng.choice("王李张刘陈杨黄赵吴周")
            + rng.choice(["伟", "芳", "军", "敏", "强", "磊", "洋", "勇"]),
            "status": rng.choices(["operating", "suspended", "closed"], [92, 5, 3])[0],
        }
