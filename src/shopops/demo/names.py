"""Chinese people for the demo: names, mobile numbers, member names and addresses.

Everything is drawn from a `random.Random` the caller owns, so a seed gives the same
people every time. Provinces, cities and districts are real; street numbers, estates and
people are made up.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# The hundred most common surnames with rough weights (per mille of the population).
SURNAMES: list[tuple[str, float]] = [
    ("王", 73), ("李", 72), ("张", 69), ("刘", 54), ("陈", 45), ("杨", 31), ("黄", 22),
    ("赵", 22), ("吴", 20), ("周", 19), ("徐", 13), ("孙", 12), ("马", 12), ("朱", 11),
    ("胡", 10), ("郭", 10), ("何", 9), ("高", 9), ("林", 9), ("罗", 8), ("郑", 8),
    ("梁", 8), ("谢", 6), ("宋", 6), ("唐", 6), ("许", 5), ("韩", 5), ("冯", 5),
    ("邓", 5), ("曹", 5), ("彭", 5), ("曾", 5), ("肖", 5), ("田", 4), ("董", 4),
    ("袁", 4), ("潘", 4), ("于", 4), ("蒋", 4), ("蔡", 4), ("余", 4), ("杜", 4),
    ("叶", 4), ("程", 4), ("苏", 3), ("魏", 3), ("吕", 3), ("丁", 3), ("任", 3),
    ("沈", 3), ("姚", 3), ("卢", 3), ("姜", 3), ("崔", 3), ("钟", 3), ("谭", 3),
    ("陆", 3), ("汪", 3), ("范", 3), ("金", 3), ("石", 3), ("廖", 3), ("贾", 2),
    ("夏", 2), ("韦", 2), ("付", 2), ("方", 2), ("白", 2), ("邹", 2), ("孟", 2),
    ("熊", 2), ("秦", 2), ("邱", 2), ("江", 2), ("尹", 2), ("薛", 2), ("闫", 2),
    ("段", 2), ("雷", 2), ("侯", 2), ("龙", 2), ("史", 2), ("陶", 2), ("黎", 2),
    ("贺", 2), ("顾", 2), ("毛", 2), ("郝", 2), ("龚", 2), ("邵", 2), ("万", 2),
    ("钱", 2), ("严", 2), ("覃", 1), ("武", 1), ("戴", 1), ("莫", 1), ("孔", 1),
    ("向", 1), ("汤", 1), ("欧阳", 0.5), ("上官", 0.2), ("司马", 0.2),
]  # fmt: skip

MALE_CHARS = (
    "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林洋晨阳锋亮建峰文博志东"
    "昊然轩睿泽宏海坤毅航振庆松国兴诚成康永新嘉铭哲翔"
)
FEMALE_CHARS = (
    "芳娜敏静丽艳娟霞秀玲婷雪慧莹琳倩颖洁佳萍红燕璐瑶怡欣悦彤晴梦琪萱雨思涵诗月菲"
    "蕾薇岚楠妍莉媛露丹青雯茜婉晓宁洋"
)

# Mobile prefixes of China Mobile, Unicom and Telecom, weighted towards 13x/15x/18x.
MOBILE_PREFIXES: list[tuple[str, float]] = [
    *((f"13{d}", 3.0) for d in "0123456789"),
    *((f"15{d}", 2.5) for d in "012356789"),
    *((f"18{d}", 2.5) for d in "0123456789"),
    *(
        (p, 1.0)
        for p in ("166", "173", "175", "176", "177", "178", "191", "198", "199")
    ),
]

NICK_HANDLES = [
    "shanye", "tubu", "dengshan", "yeying", "lvxing", "outdoor", "hiker", "camper",
    "xiaoyu", "ahui", "fengzi", "laoma", "xiaobai", "dawei", "mountain", "trail",
    "lvyou", "qixing", "huwai", "luying", "yuanzu", "tanxian", "xiaolu", "amu",
    "sunny", "leo", "momo", "kiki", "jason", "tiger", "panda", "cloud",
]  # fmt: skip
NICK_HEADS = [
    "爱爬山的", "山野", "徒步的", "快乐的", "背包", "露营", "在路上的", "追风的",
    "不想上班的", "会飞的", "安静的", "远方的", "城市里的", "周末去", "一只", "阿",
]  # fmt: skip
NICK_TAILS = [
    "猫", "兔子", "大叔", "小鱼", "行者", "少年", "旅人", "老王", "阿杰", "胖子",
    "小熊", "麦兜", "风", "山羊", "骆驼", "云朵", "企鹅", "小米", "大橙子", "柚子",
]  # fmt: skip


@dataclass(frozen=True)
class Place:
    """A delivery address, split as the marketplace exports it."""

    province: str
    city: str
    district: str
    street: str

    @property
    def full(self) -> str:
        """Return the address as the marketplace writes it, parts split by spaces."""
        return f"{self.province} {self.city} {self.district} {self.street}"


# Province → weight (share of online orders, roughly), [(city, [districts])].
GEOGRAPHY: list[tuple[str, float, list[tuple[str, list[str]]]]] = [
    ("广东省", 12, [
        ("广州市", ["天河区", "越秀区", "海珠区", "白云区", "番禺区"]),
        ("深圳市", ["南山区", "福田区", "宝安区", "龙岗区", "龙华区"]),
        ("东莞市", ["南城街道", "东城街道", "松山湖"]),
        ("佛山市", ["禅城区", "南海区", "顺德区"]),
    ]),
    ("浙江省", 9, [
        ("杭州市", ["西湖区", "余杭区", "滨江区", "拱墅区", "萧山区"]),
        ("宁波市", ["鄞州区", "海曙区", "江北区"]),
        ("温州市", ["鹿城区", "瓯海区", "龙湾区"]),
        ("金华市", ["婺城区", "义乌市", "永康市"]),
    ]),
    ("江苏省", 9, [
        ("南京市", ["鼓楼区", "玄武区", "江宁区", "建邺区"]),
        ("苏州市", ["姑苏区", "工业园区", "吴中区", "昆山市"]),
        ("无锡市", ["梁溪区", "滨湖区", "新吴区"]),
        ("常州市", ["天宁区", "武进区"]),
    ]),
    ("上海市", 6, [("上海市", ["浦东新区", "徐汇区", "闵行区", "杨浦区", "静安区", "松江区"])]),
    ("北京市", 6, [("北京市", ["朝阳区", "海淀区", "丰台区", "昌平区", "东城区", "大兴区"])]),
    ("山东省", 6, [
        ("济南市", ["历下区", "市中区", "槐荫区"]),
        ("青岛市", ["市南区", "崂山区", "黄岛区", "李沧区"]),
        ("烟台市", ["芝罘区", "莱山区"]),
    ]),
    ("四川省", 5, [
        ("成都市", ["武侯区", "锦江区", "高新区", "青羊区", "双流区"]),
        ("绵阳市", ["涪城区", "游仙区"]),
    ]),
    ("福建省", 4, [
        ("厦门市", ["思明区", "湖里区", "集美区"]),
        ("福州市", ["鼓楼区", "仓山区", "晋安区"]),
        ("泉州市", ["丰泽区", "晋江市"]),
    ]),
    ("湖北省", 4, [("武汉市", ["洪山区", "武昌区", "江汉区", "东西湖区"]), ("宜昌市", ["西陵区", "伍家岗区"])]),
    ("河南省", 4, [("郑州市", ["金水区", "二七区", "郑东新区"]), ("洛阳市", ["洛龙区", "西工区"])]),
    ("湖南省", 3, [("长沙市", ["岳麓区", "天心区", "雨花区", "开福区"]), ("株洲市", ["天元区", "芦淞区"])]),
    ("安徽省", 3, [("合肥市", ["蜀山区", "包河区", "庐阳区"]), ("芜湖市", ["镜湖区", "鸠江区"])]),
    ("河北省", 3, [("石家庄市", ["长安区", "裕华区", "桥西区"]), ("保定市", ["竞秀区", "莲池区"])]),
    ("陕西省", 3, [("西安市", ["雁塔区", "未央区", "碑林区", "长安区"])]),
    ("重庆市", 3, [("重庆市", ["渝北区", "江北区", "南岸区", "沙坪坝区", "九龙坡区"])]),
    ("天津市", 2, [("天津市", ["南开区", "河西区", "滨海新区", "和平区"])]),
    ("辽宁省", 2, [("沈阳市", ["和平区", "浑南区", "沈河区"]), ("大连市", ["沙河口区", "甘井子区"])]),
    ("云南省", 2, [("昆明市", ["五华区", "盘龙区", "官渡区"]), ("大理白族自治州", ["大理市"])]),
    ("广西壮族自治区", 2, [("南宁市", ["青秀区", "兴宁区"]), ("桂林市", ["七星区", "秀峰区"])]),
    ("江西省", 2, [("南昌市", ["红谷滩区", "东湖区", "青山湖区"])]),
    ("贵州省", 1.5, [("贵阳市", ["观山湖区", "南明区", "云岩区"])]),
    ("山西省", 1.5, [("太原市", ["小店区", "迎泽区", "杏花岭区"])]),
    ("黑龙江省", 1.5, [("哈尔滨市", ["南岗区", "道里区", "香坊区"])]),
    ("吉林省", 1, [("长春市", ["朝阳区", "南关区", "净月区"])]),
    ("甘肃省", 1, [("兰州市", ["城关区", "七里河区", "安宁区"])]),
    ("内蒙古自治区", 1, [("呼和浩特市", ["赛罕区", "新城区"]), ("包头市", ["昆都仑区"])]),
    ("海南省", 0.8, [("海口市", ["龙华区", "美兰区"]), ("三亚市", ["吉阳区", "天涯区"])]),
    ("新疆维吾尔自治区", 0.8, [("乌鲁木齐市", ["天山区", "沙依巴克区", "新市区"])]),
    ("宁夏回族自治区", 0.5, [("银川市", ["兴庆区", "金凤区"])]),
    ("青海省", 0.4, [("西宁市", ["城西区", "城中区"])]),
    ("西藏自治区", 0.3, [("拉萨市", ["城关区", "堆龙德庆区"])]),
]  # fmt: skip

# Remote regions: postage is charged and parcels travel longer.
REMOTE_PROVINCES = frozenset(
    {
        "新疆维吾尔自治区",
        "西藏自治区",
        "青海省",
        "内蒙古自治区",
        "宁夏回族自治区",
        "甘肃省",
    }
)
# The warehouse is in Zhejiang: these get next-day delivery.
NEAR_PROVINCES = frozenset({"浙江省", "江苏省", "上海市", "安徽省"})

ROADS = [
    "人民路", "中山路", "解放路", "建设路", "新华路", "和平路", "长江路", "黄河路",
    "文化路", "胜利路", "青年路", "学院路", "科技路", "滨江大道", "世纪大道", "花园路",
    "公园路", "东风路", "光明路", "幸福路", "文三路", "南京路", "湖滨路", "星光大道",
]  # fmt: skip
ESTATES = [
    "阳光花园", "金色家园", "锦绣华庭", "翠湖苑", "明珠小区", "桂花园", "万科城",
    "世纪新城", "和平里", "幸福小区", "滨江花园", "香樟园", "丽景苑", "御景湾",
    "春江花月", "紫金华府", "书香名苑", "梧桐苑",
]  # fmt: skip
OFFICES = ["国际大厦", "科技园", "创业大厦", "金融中心", "软件园", "商务中心", "产业园"]


def _weighted(pairs: list[tuple[str, float]]) -> tuple[list[str], list[float]]:
    items = [p[0] for p in pairs]
    cum: list[float] = []
    total = 0.0
    for _, weight in pairs:
        total += weight
        cum.append(total)
    return items, cum


_SURNAMES, _SURNAME_CUM = _weighted(SURNAMES)
_PREFIXES, _PREFIX_CUM = _weighted(MOBILE_PREFIXES)
_PROVINCES, _PROVINCE_CUM = _weighted([(p, w) for p, w, _ in GEOGRAPHY])
_CITIES = {p: cities for p, _, cities in GEOGRAPHY}


def person_name(rng: random.Random) -> str:
    """Return a Chinese full name: a common surname and one or two given characters."""
    surname = rng.choices(_SURNAMES, cum_weights=_SURNAME_CUM)[0]
    chars = MALE_CHARS if rng.random() < 0.5 else FEMALE_CHARS
    given = rng.choice(chars)
    if rng.random() < 0.7:
        given += rng.choice(chars)
    return surname + given


def mobile(rng: random.Random) -> str:
    """Return an eleven-digit mainland mobile number (13x, 15x, 18x, …)."""
    prefix = rng.choices(_PREFIXES, cum_weights=_PREFIX_CUM)[0]
    return f"{prefix}{rng.randrange(10**8):08d}"


def member_name(rng: random.Random) -> str:
    """Return a Taobao-style member name (nickname)."""
    style = rng.random()
    if style < 0.3:
        return f"tb{rng.randrange(10**9, 10**10)}"
    if style < 0.65:
        handle = rng.choice(NICK_HANDLES)
        suffix = rng.choice(
            [str(rng.randrange(1975, 2006)), str(rng.randrange(10, 999)), ""]
        )
        sep = rng.choice(["", "_", ""])
        return f"{handle}{sep}{suffix}" if suffix else f"{handle}{rng.randrange(100)}"
    name = rng.choice(NICK_HEADS) + rng.choice(NICK_TAILS)
    if rng.random() < 0.5:
        name += str(rng.randrange(1, 999))
    return name


def place(rng: random.Random) -> Place:
    """Return a delivery address in a real province, city and district."""
    province = rng.choices(_PROVINCES, cum_weights=_PROVINCE_CUM)[0]
    city, districts = rng.choice(_CITIES[province])
    district = rng.choice(districts)
    if rng.random() < 0.8:
        street = (
            f"{rng.choice(ROADS)}{rng.randrange(1, 999)}号{rng.choice(ESTATES)}"
            f"{rng.randrange(1, 30)}幢{rng.randrange(1, 5)}单元"
            f"{rng.randrange(1, 33)}{rng.randrange(1, 5):02d}室"
        )
    else:
        street = (
            f"{rng.choice(ROADS)}{rng.randrange(1, 999)}号{rng.choice(OFFICES)}"
            f"{rng.choice('ABCD')}座{rng.randrange(2, 30)}{rng.randrange(1, 20):02d}室"
        )
    return Place(province=province, city=city, district=district, street=street)


def landline(rng: random.Random, area_code: str) -> str:
    """Return a fixed-line number in `area_code` (e.g. 0579-87123456)."""
    return f"{area_code}-{rng.randrange(8000_0000, 8999_9999)}"
