"""Kinds of member unit (成员单位) and the default division of sectors among them.

The default follows the division of duties that 《安全生产法》第十条 sets out ("管行业必须管安全、管业务必须管安全、
管生产经营必须管安全", 三管三必须) and that 国务院安全生产委员会成员单位 duty lists apply: the department that
runs a sector leads its safety work, others join where their own powers reach (公安 for explosives and road
traffic, 市场监管 for special equipment, 消防救援 for crowded places). Regions differ (城镇燃气 sits with 住建 in
one city and 城管 in another), so this is only the starting point: a region's own routing rows override it.
"""

from __future__ import annotations

from django.db import models


class DepartmentKind(models.TextChoices):
    """What a member unit is. The short names are how plans write them (市应急局, 县住建局)."""

    COMMITTEE_OFFICE = "committee_office", "安委会办公室"
    EMERGENCY = "emergency", "应急管理部门"
    INDUSTRY = "industry", "工业和信息化部门"
    HOUSING = "housing", "住房城乡建设部门"
    TRANSPORT = "transport", "交通运输部门"
    MARKET = "market", "市场监督管理部门"
    FIRE = "fire", "消防救援机构"
    PUBLIC_SECURITY = "public_security", "公安机关"
    EDUCATION = "education", "教育部门"
    AGRICULTURE = "agriculture", "农业农村部门"
    WATER = "water", "水利部门"
    ENERGY = "energy", "发展改革（能源）部门"
    NATURAL_RESOURCES = "natural_resources", "自然资源部门"
    ECOLOGY = "ecology", "生态环境部门"
    CULTURE_TOURISM = "culture_tourism", "文化和旅游部门"
    HEALTH = "health", "卫生健康部门"
    COMMERCE = "commerce", "商务部门"
    URBAN_MANAGEMENT = "urban_management", "城市管理部门"
    FINANCE = "finance", "财政部门"
    JUSTICE = "justice", "司法行政部门"
    ORGANIZATION = "organization", "党委组织部门"
    DISCIPLINE = "discipline", "纪检监察机关"
    GOVERNMENT = "government", "下级人民政府"
    STATION = "station", "乡镇站所"
    OTHER = "other", "其他"


# A unit's usual names, as a county writes them: the full name and the short forms plans use. The region's
# own prefix (重庆市, 大井县 …) or its level word (市, 县, 区, 镇) comes before them.
NAMES: dict[str, tuple[str, ...]] = {
    # a plan's 市安委会 is the committee; its office acts for it
    DepartmentKind.COMMITTEE_OFFICE: ("安全生产委员会办公室", "安委会办公室", "安委办", "安委会", "安全生产委员会"),
    DepartmentKind.EMERGENCY: ("应急管理局", "应急局"),
    DepartmentKind.INDUSTRY: ("工业和信息化局", "经济和信息化委员会", "经济信息委", "经信局", "工信局"),
    DepartmentKind.HOUSING: ("住房和城乡建设局", "住房城乡建委", "住建委", "住建局"),
    DepartmentKind.TRANSPORT: ("交通运输局", "交通运输委", "交通局"),
    DepartmentKind.MARKET: ("市场监督管理局", "市场监管局"),
    DepartmentKind.FIRE: ("消防救援大队", "消防救援支队", "消防救援总队", "消防救援机构"),
    DepartmentKind.PUBLIC_SECURITY: ("公安局",),
    DepartmentKind.EDUCATION: ("教育局", "教委"),
    DepartmentKind.AGRICULTURE: ("农业农村局", "农业农村委"),
    DepartmentKind.WATER: ("水利局",),
    DepartmentKind.ENERGY: ("发展和改革局", "发展改革委", "发改局", "能源局"),
    DepartmentKind.NATURAL_RESOURCES: ("自然资源局", "规划自然资源局"),
    DepartmentKind.ECOLOGY: ("生态环境局",),
    DepartmentKind.CULTURE_TOURISM: ("文化和旅游局", "文化旅游委", "文旅局"),
    DepartmentKind.HEALTH: ("卫生健康局", "卫生健康委", "卫健委", "卫健局"),
    DepartmentKind.COMMERCE: ("商务局", "商务委"),
    DepartmentKind.URBAN_MANAGEMENT: ("城市管理局", "城管局"),
    DepartmentKind.FINANCE: ("财政局",),
    DepartmentKind.JUSTICE: ("司法局",),
    DepartmentKind.ORGANIZATION: ("委组织部",),
    DepartmentKind.DISCIPLINE: ("纪委监委", "纪委"),
}

# The member units a county's committee usually has (the demo and "seed default units" create these).
STANDARD_KINDS: tuple[str, ...] = (
    DepartmentKind.COMMITTEE_OFFICE,
    DepartmentKind.EMERGENCY,
    DepartmentKind.INDUSTRY,
    DepartmentKind.HOUSING,
    DepartmentKind.TRANSPORT,
    DepartmentKind.MARKET,
    DepartmentKind.FIRE,
    DepartmentKind.PUBLIC_SECURITY,
    DepartmentKind.EDUCATION,
    DepartmentKind.AGRICULTURE,
    DepartmentKind.WATER,
    DepartmentKind.ENERGY,
    DepartmentKind.CULTURE_TOURISM,
    DepartmentKind.HEALTH,
    DepartmentKind.COMMERCE,
    DepartmentKind.URBAN_MANAGEMENT,
    DepartmentKind.NATURAL_RESOURCES,
    DepartmentKind.ECOLOGY,
    DepartmentKind.FINANCE,
    DepartmentKind.JUSTICE,
    DepartmentKind.ORGANIZATION,
)

K = DepartmentKind
# sector key → (lead kind, co-operating kinds): the default "一件事" 牵头 + 配合 (see the module docstring).
DEFAULT_ROUTING: dict[str, tuple[str, tuple[str, ...]]] = {
    "coal_mine": (K.EMERGENCY, (K.ENERGY, K.NATURAL_RESOURCES)),
    "metal_nonmetal_mine": (K.EMERGENCY, (K.NATURAL_RESOURCES, K.PUBLIC_SECURITY)),
    "oil_gas": (K.EMERGENCY, (K.ENERGY,)),
    "hazardous_chemicals": (K.EMERGENCY, (K.INDUSTRY, K.PUBLIC_SECURITY, K.TRANSPORT, K.MARKET, K.ECOLOGY)),
    "fireworks": (K.EMERGENCY, (K.PUBLIC_SECURITY, K.MARKET, K.TRANSPORT)),
    "civil_explosives": (K.INDUSTRY, (K.PUBLIC_SECURITY,)),
    "metallurgy": (K.EMERGENCY, (K.INDUSTRY,)),
    "nonferrous": (K.EMERGENCY, (K.INDUSTRY,)),
    "building_materials": (K.EMERGENCY, (K.INDUSTRY,)),
    "machinery": (K.EMERGENCY, (K.INDUSTRY,)),
    "light_industry": (K.EMERGENCY, (K.INDUSTRY,)),
    "textiles": (K.EMERGENCY, (K.INDUSTRY,)),
    "tobacco": (K.EMERGENCY, (K.INDUSTRY,)),
    "commerce": (K.EMERGENCY, (K.COMMERCE, K.FIRE)),
    "construction": (K.HOUSING, (K.TRANSPORT, K.WATER, K.NATURAL_RESOURCES)),
    "urban_gas": (K.HOUSING, (K.URBAN_MANAGEMENT, K.MARKET, K.EMERGENCY, K.PUBLIC_SECURITY, K.FIRE)),
    "road_transport": (K.TRANSPORT, (K.PUBLIC_SECURITY, K.EMERGENCY)),
    "highway": (K.TRANSPORT, (K.PUBLIC_SECURITY,)),
    "waterway": (K.TRANSPORT, (K.AGRICULTURE,)),
    "port": (K.TRANSPORT, (K.EMERGENCY,)),
    "rail": (K.TRANSPORT, (K.PUBLIC_SECURITY,)),
    "civil_aviation": (K.TRANSPORT, ()),
    "special_equipment": (K.MARKET, ()),
    "power": (K.ENERGY, (K.EMERGENCY,)),
    "water_conservancy": (K.WATER, ()),
    "agriculture": (K.AGRICULTURE, (K.TRANSPORT,)),
    "culture_tourism": (K.CULTURE_TOURISM, (K.FIRE, K.MARKET)),
    "education": (K.EDUCATION, (K.FIRE, K.PUBLIC_SECURITY)),
    "healthcare": (K.HEALTH, (K.FIRE,)),
    "other": (K.EMERGENCY, ()),
}
