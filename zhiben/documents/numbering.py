"""文号: the issuing unit's short name, the prefix, the year in 〔〕 and the serial (GB/T 9704 7.2.4).

An issuer is named by a key ``"<region code>:<unit's abbreviation>"`` (``"500241:安委办"``): the
region gives the short name by which official numbers open (秀山, 伊犁; a province's one-character
name, 渝, 新), the abbreviation the office (安委办, 应急). A key without a region is used as it is.
"""

from __future__ import annotations

import re

from zhiben.regions.models import Region

# A province's one-character name, as its official numbers use it (GB/T 2260 order).
PROVINCE_SHORT = {
    "11": "京",
    "12": "津",
    "13": "冀",
    "14": "晋",
    "15": "内蒙古",
    "21": "辽",
    "22": "吉",
    "23": "黑",
    "31": "沪",
    "32": "苏",
    "33": "浙",
    "34": "皖",
    "35": "闽",
    "36": "赣",
    "37": "鲁",
    "41": "豫",
    "42": "鄂",
    "43": "湘",
    "44": "粤",
    "45": "桂",
    "46": "琼",
    "50": "渝",
    "51": "川",
    "52": "黔",
    "53": "云",
    "54": "藏",
    "61": "陕",
    "62": "甘",
    "63": "青",
    "64": "宁",
    "65": "新",
    "71": "台",
    "81": "港",
    "82": "澳",
}

# The 55 minority nationalities (and 各族), as they appear in the names of autonomous areas
# (秀山土家族苗族自治县); longest first, so that 土家 is tried before 土.
_NATIONALITIES = sorted(
    [
        "蒙古",
        "回",
        "藏",
        "维吾尔",
        "苗",
        "彝",
        "壮",
        "布依",
        "朝鲜",
        "满",
        "侗",
        "瑶",
        "白",
        "土家",
        "哈尼",
        "哈萨克",
        "傣",
        "黎",
        "傈僳",
        "佤",
        "畲",
        "高山",
        "拉祜",
        "水",
        "东乡",
        "纳西",
        "景颇",
        "柯尔克孜",
        "土",
        "达斡尔",
        "仫佬",
        "羌",
        "布朗",
        "撒拉",
        "毛南",
        "仡佬",
        "锡伯",
        "阿昌",
        "普米",
        "塔吉克",
        "怒",
        "乌孜别克",
        "俄罗斯",
        "鄂温克",
        "德昂",
        "保安",
        "裕固",
        "京",
        "塔塔尔",
        "独龙",
        "鄂伦春",
        "赫哲",
        "门巴",
        "珞巴",
        "基诺",
        "各",
    ],
    key=len,
    reverse=True,
)
_AUTONOMOUS = re.compile(r"自治(县|州|旗|区)$")
_SUFFIXES = ("地区", "林区", "新区", "矿区", "县", "区", "市", "旗", "州", "盟")


def short_name(name: str) -> str:
    """A region's name as an official number opens with it: 秀山土家族苗族自治县 → 秀山, 朝阳区 → 朝阳,
    伊犁哈萨克自治州 → 伊犁. A name that would shrink to one character (城区) is kept whole."""
    stem = name
    if _AUTONOMOUS.search(stem):
        stem = _AUTONOMOUS.sub("", stem)
        stripped = True
        while stripped:
            stripped = False
            for nationality in _NATIONALITIES:
                # 土家族苗族 …; a name of two characters or more may come without 族 (伊犁哈萨克自治州)
                for word in (nationality + "族", nationality if len(nationality) > 1 else None):
                    if word and stem.endswith(word) and len(stem) > len(word):
                        stem = stem[: -len(word)]
                        stripped = True
                        break
                if stripped:
                    break
    else:
        for suffix in _SUFFIXES:
            if stem.endswith(suffix):
                stem = stem[: -len(suffix)]
                break
    return stem if len(stem) >= 2 else name


def unit_short_name(unit_key: str) -> str:
    """The opening of a number for an issuing unit key (see the module's docstring)."""
    code, sep, abbreviation = unit_key.partition(":")
    if not sep:
        return unit_key
    if len(code) == 2 and code in PROVINCE_SHORT:
        return PROVINCE_SHORT[code] + abbreviation
    region = Region.objects.filter(code=code).only("name").first()
    return (short_name(region.name) if region else code) + abbreviation


def document_number(*, unit_key: str, prefix: str, year: int, serial: int) -> str:
    """``秀山安委办督〔2026〕3号``: serials are not zero-padded (GB/T 9704 7.2.4)."""
    return f"{unit_short_name(unit_key)}{prefix}〔{year}〕{serial}号"
