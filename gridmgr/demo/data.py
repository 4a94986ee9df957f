"""The fixed facts of the demo district (Beijing Dongcheng): layers, sectors, taxonomy, names."""

from __future__ import annotations

from dataclasses import dataclass

DISTRICT_CODE = "110101"
DISTRICT_NAME = "东城区"
DISTRICT_NAME_EN = "Dongcheng"
PLAN_NAME = "2026年东城区网格方案"
FIXTURE = "fixtures/dongcheng/dongcheng_110101_subdistricts.geojson"
# Every draw of the demo (names, points, statuses) comes from this seed: reloads are identical.
SEED = 20260101
CELL_SIZE_M = 100.0
CELLS_PER_WORKER = 4
ISSUE_COUNT = 400
ISSUE_DAYS = 60

# Pinyin in the fixture that is read wrongly (朝 is "chao" in 朝阳门).
PINYIN_FIXES = {"zhaoyangmen": "chaoyangmen"}


@dataclass(frozen=True)
class LayerSpec:
    key: str
    name: str
    name_en: str
    rank: int
    owner_role: str
    is_unit_grid: bool = False


LAYERS = (
    LayerSpec("sector", "板块", "Sector", 0, "sector_lead"),
    LayerSpec("package", "驻点包片区", "Package area", 1, "stationed_cadre"),
    LayerSpec("unit", "单元网格", "Unit grid", 2, "grid_worker", is_unit_grid=True),
)

# Sectors: neighbouring sub-districts (9-digit codes), the first one naming the sector.
SECTORS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("BK01", "和平里板块", ("110101010", "110101004")),
    ("BK02", "东直门板块", ("110101009", "110101005", "110101003")),
    ("BK03", "东四板块", ("110101006", "110101002", "110101007")),
    ("BK04", "东华门板块", ("110101001", "110101008")),
    ("BK05", "前门板块", ("110101011", "110101012", "110101013", "110101014")),
    ("BK06", "天坛板块", ("110101016", "110101015", "110101017")),
)
# One stationed cadre per about this many km² of a sector, within these bounds.
PACKAGE_KM2 = 1.2
PACKAGE_MIN, PACKAGE_MAX = 4, 8

# Deliberate faults, so that coverage reports and routing flags have something to show.
HOLE_SUBDISTRICTS = ("110101006", "110101014")  # a 2×2-cell hole in each
OVERLAP_SUBDISTRICT = "110101009"  # an extra grid drawn across two neighbours
UNOWNED_SUBDISTRICT = "110101017"  # two grids whose worker left

# Departments: key → (name, English name).
DEPARTMENTS = {
    "centre": ("东城区网格化管理中心", "Dongcheng Grid Management Centre"),
    "cityadmin": ("东城区城市管理委员会", "City Administration Commission"),
    "enforcement": ("东城区城市管理综合行政执法局", "Urban Management Law Enforcement Bureau"),
    "traffic": ("北京市公安局公安交通管理局东城交通支队", "Dongcheng Traffic Police Detachment"),
    "market": ("东城区市场监督管理局", "Market Supervision Bureau"),
    "housing": ("东城区住房和城市建设委员会", "Housing and Urban Construction Commission"),
    "culture": ("东城区文化和旅游局", "Culture and Tourism Bureau"),
    "environment": ("北京市生态环境局东城分局", "Ecology and Environment Bureau, Dongcheng"),
    "greening": ("东城区园林绿化局", "Landscaping Bureau"),
    "emergency": ("东城区应急管理局", "Emergency Management Bureau"),
}


@dataclass(frozen=True)
class CategorySpec:
    code: str  # E/C + 2-digit class (+ 2-digit item)
    name: str
    name_en: str
    department: str
    limit: tuple[int, str] | None = None  # (value, "hours" | "days"), in working time
    focus: bool = False
    weight: int = 0  # share of the demo's issues


H, D = "hours", "days"
# The national standard's two families; focus items as in docs/DOMAIN.md.
CATEGORIES = (
    CategorySpec("E01", "市容环境", "City appearance", "cityadmin"),
    CategorySpec("E0101", "暴露垃圾", "Exposed rubbish", "cityadmin", (4, H)),
    CategorySpec("E0102", "积存垃圾渣土", "Accumulated rubbish and muck", "cityadmin", (1, D)),
    CategorySpec("E0103", "道路不洁", "Dirty road", "cityadmin", (2, H)),
    CategorySpec("E0104", "乱搭乱建", "Illegal structure", "enforcement", (4, H), True, 6),
    CategorySpec("E0105", "卫生死角", "Dirty dead corner", "cityadmin", (1, D), True, 8),
    CategorySpec("E02", "宣传广告", "Advertising", "enforcement"),
    CategorySpec("E0201", "非法小广告", "Illegal small posters", "enforcement", (4, H), True, 12),
    CategorySpec("E0202", "乱贴乱画", "Graffiti and fly-posting", "enforcement", (4, H), True, 8),
    CategorySpec("E0203", "街头散发广告", "Street leafleting", "enforcement", (2, H)),
    CategorySpec("E0204", "违规户外广告", "Illegal billboard", "enforcement", (5, D)),
    CategorySpec("E03", "施工管理", "Construction management", "housing"),
    CategorySpec("E0301", "施工占道", "Construction occupying the road", "housing", (1, D)),
    CategorySpec("E0302", "施工扰民", "Construction noise", "housing", (4, H)),
    CategorySpec("E0303", "道路遗撒", "Spillage from vehicles", "enforcement", (2, H)),
    CategorySpec("E0304", "工地扬尘", "Dust from building sites", "environment", (4, H)),
    CategorySpec("E04", "街面秩序", "Street order", "enforcement"),
    CategorySpec("E0401", "无照经营游商", "Unlicensed vending", "enforcement", (2, H), True, 8),
    CategorySpec("E0402", "店外经营", "Stalls outside shops", "enforcement", (2, H), True, 10),
    CategorySpec("E0403", "乱摆乱放", "Clutter on the street", "enforcement", (2, H), True, 10),
    CategorySpec("E0404", "违章停车", "Illegal parking", "traffic", (2, H), True, 14),
    CategorySpec(
        "E0405", "机动车不礼让行人", "Cars not yielding to pedestrians", "traffic", (1, D), True, 5
    ),
    CategorySpec(
        "E0406",
        "行人/电动车闯红灯",
        "Pedestrians and e-bikes running red lights",
        "traffic",
        (1, D),
        True,
        5,
    ),
    CategorySpec("E0407", "农贸市场周边占道", "Stalls around farmers' markets", "market", (4, H)),
    CategorySpec("E05", "突发事件", "Emergencies", "emergency"),
    CategorySpec("E0501", "路面塌陷", "Road collapse", "emergency", (1, H)),
    CategorySpec("E0502", "路面积水", "Waterlogged road", "emergency", (2, H)),
    CategorySpec("E06", "其他事件", "Other events", "centre"),
    CategorySpec("E0601", "网吧违规经营", "Internet café violations", "culture", (3, D)),
    CategorySpec("E0602", "不文明养犬", "Uncivil dog keeping", "centre", (3, D)),
    CategorySpec("E0699", "其他事件", "Other event", "centre", (3, D)),
    CategorySpec("C01", "公用设施", "Public utilities", "cityadmin"),
    CategorySpec("C0101", "井盖", "Manhole cover", "cityadmin", (2, H)),
    CategorySpec("C0102", "路灯", "Street lamp", "cityadmin", (2, D)),
    CategorySpec("C0103", "消火栓", "Fire hydrant", "emergency", (3, D)),
    CategorySpec("C02", "道路交通", "Roads and traffic", "traffic"),
    CategorySpec("C0201", "交通标志牌", "Traffic sign", "traffic", (3, D)),
    CategorySpec("C0202", "交通信号灯", "Traffic signal", "traffic", (1, D)),
    CategorySpec("C0203", "道路护栏", "Guard rail", "traffic", (3, D)),
    CategorySpec("C0204", "公交站亭", "Bus shelter", "cityadmin", (3, D)),
    CategorySpec("C03", "市容环境设施", "City appearance facilities", "cityadmin"),
    CategorySpec("C0301", "垃圾桶", "Litter bin", "cityadmin", (2, D)),
    CategorySpec("C0302", "公共厕所", "Public toilet", "cityadmin", (1, D)),
    CategorySpec("C0303", "门前牌匾", "Shop sign", "enforcement", (5, D)),
    CategorySpec("C04", "园林绿化", "Landscaping", "greening"),
    CategorySpec("C0401", "行道树", "Street tree", "greening", (3, D)),
    CategorySpec("C0402", "绿地", "Green space", "greening", (3, D)),
    CategorySpec("C05", "房屋土地", "Buildings and land", "housing"),
    CategorySpec("C0501", "危险房屋", "Dangerous building", "housing", (1, D)),
    CategorySpec("C0502", "老旧小区设施", "Old-compound facilities", "housing", (5, D)),
    CategorySpec("C06", "其他设施", "Other facilities", "centre"),
    CategorySpec("C0601", "文物保护标志", "Heritage marker", "culture", (5, D)),
    CategorySpec("C0699", "其他设施", "Other facility", "centre", (5, D)),
)

# Issue sources (Issue.source) and their shares.
SOURCES = {"grid_worker": 50, "citizen": 25, "inspector": 15, "hotline": 10}
# Where in a sub-district an issue was seen (for descriptions).
PLACES = (
    "胡同口",
    "背街小巷",
    "小区门口",
    "老旧小区内",
    "公交站旁",
    "地铁站出口",
    "农贸市场周边",
    "学校门口",
    "景区入口",
    "商业街",
    "医院周边",
    "网吧门前",
)

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
)
# Common given names: one character, or two (GIVEN_2 holds pairs).
GIVEN_1 = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚华斌鹏辉宇晨欣浩楠婷"
GIVEN_2 = (
    "秀英桂英秀兰玉兰桂兰建国建华建军志强志刚志明国强国华海燕海涛晓东晓燕晓明立新春生淑珍凤英"
    "丽华丽娟佳琪俊杰思远嘉怡雨萱梓轩一鸣瑞博宏伟德明永强亚楠文静文博子涵子轩浩然欣怡雪梅红梅"
    "金凤玉梅保国卫东红军爱华爱民振华新民玉珍"
)


def given_names() -> list[str]:
    """The given names of the demo's people."""
    return list(GIVEN_1) + [GIVEN_2[i : i + 2] for i in range(0, len(GIVEN_2), 2)]
