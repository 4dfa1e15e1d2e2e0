"""The demo company's assortment: outdoor gear (户外用品), by category.

Each category lists its kinds of product (a Taobao-style title, a cost in yuan), the
sales attributes its SKUs vary by, how its sales move through the year and who supplies
it. The generator turns a kind into a product with one to four SKUs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


def by_month(*factors: float) -> dict[int, float]:
    """Return {month: factor} from twelve factors, January first."""
    return dict(enumerate(factors, start=1))


# How each season moves a category's sales, month → factor (1.0 = an average month).
CAMPING = by_month(0.45, 0.55, 1.1, 1.5, 1.6, 1.2, 1.0, 1.05, 1.4, 1.5, 0.85, 0.55)
HIKING = by_month(0.6, 0.7, 1.1, 1.35, 1.35, 1.0, 0.95, 1.0, 1.25, 1.4, 1.0, 0.7)
WARMTH = by_month(1.2, 0.9, 0.9, 0.8, 0.6, 0.45, 0.45, 0.55, 1.0, 1.5, 1.8, 1.6)
SUMMER = by_month(0.4, 0.5, 0.8, 1.1, 1.4, 1.6, 1.7, 1.5, 1.1, 0.8, 0.5, 0.4)
# Gas canisters sell in winter: hot pot and tea outdoors, in the cold.
GAS = by_month(1.6, 1.3, 1.0, 1.0, 1.0, 0.85, 0.8, 0.85, 1.0, 1.2, 1.5, 1.8)
STOVES = by_month(1.2, 1.0, 1.0, 1.1, 1.1, 0.9, 0.85, 0.9, 1.1, 1.3, 1.3, 1.3)
FOOD = by_month(0.8, 0.8, 1.0, 1.25, 1.25, 1.0, 1.0, 1.0, 1.2, 1.3, 1.0, 0.85)

BRANDS = ["野径", "野径", "野径", "峰行者", "云岭", "北纬30°", "山客"]

ONE = Decimal("1")


@dataclass(frozen=True)
class Axis:
    """A sales attribute (颜色分类, 尺码, …): its values as (label, code, price factor)."""

    name: str
    values: tuple[tuple[str, str, Decimal], ...]


def axis(name: str, *values: tuple[str, ...]) -> Axis:
    """Return an Axis from (label, code[, price factor]) values; the factor defaults
    to 1."""
    return Axis(
        name, tuple((v[0], v[1], Decimal(v[2]) if len(v) > 2 else ONE) for v in values)
    )


@dataclass(frozen=True)
class Kind:
    """A kind of product: name, title keywords, cost in yuan, and its own attributes
    or shelf life where they differ from the category's."""

    name: str
    keywords: str
    cost: int
    axes: tuple[Axis, ...] | None = None
    shelf_life_days: int | None = None
    no_shelf_life: bool = False


@dataclass(frozen=True)
class CategorySpec:
    name: str
    parent: str
    prefix: str
    weight: float
    season: dict[int, float]
    axes: tuple[Axis, ...]
    supplier: str
    kinds: tuple[Kind, ...]
    markup: float = 2.1
    shelf_life_days: int | None = None
    # Quantity per order line: (quantity, weight) pairs.
    quantities: tuple[tuple[int, float], ...] = field(
        default=((1, 0.9), (2, 0.08), (3, 0.02))
    )


COLOURS = {
    "军绿色": "GRN",
    "沙色": "SND",
    "橙色": "ORG",
    "藏青色": "NVY",
    "黑色": "BLK",
    "灰色": "GRY",
    "红色": "RED",
    "天蓝色": "BLU",
    "银色": "SLV",
}


def colours(*names: str) -> Axis:
    """Return the 颜色分类 axis with these colours."""
    return axis("颜色分类", *((n, COLOURS[n]) for n in names))


SIZES = axis("尺码", ("M", "M"), ("L", "L"), ("XL", "XL"), ("XXL", "XXL", "1.05"))
KID_SIZES = axis("尺码", ("110", "110"), ("120", "120"), ("130", "130"), ("140", "140"))
STD_XL = axis("规格", ("标准款", "STD"), ("加大款", "XL", "1.25"))
USB_BAT = axis("规格", ("充电款", "USB", "1.2"), ("电池款", "BAT"))
FLAVOURS = axis("口味", ("咖喱鸡肉", "CUR"), ("香菇卤肉", "MUS"), ("黑椒牛肉", "BEF"))

CATEGORIES: tuple[CategorySpec, ...] = (
    CategorySpec(
        "帐篷", "露营装备", "TENT", 1.0, CAMPING,
        (colours("军绿色", "沙色", "橙色"),
         axis("尺码", ("单人", "1P", "0.8"), ("双人", "2P"), ("3-4人", "4P", "1.35"))),
        "yongkang-yetu",
        (
            Kind("轻量化铝杆帐篷", "户外露营加厚防暴雨 铝杆双层野营帐篷", 210),
            Kind("全自动速开帐篷", "户外免搭建 防雨防晒 公园野餐帐篷", 160),
            Kind("隧道帐篷一室一厅", "户外露营大空间 防暴雨加厚 精致露营", 520),
            Kind("超轻徒步帐篷", "徒步登山重装 20D硅涂尼龙 三季防风", 380),
            Kind("棉布屋脊帐篷", "户外露营 透气防晒 家庭大空间野营帐篷", 650),
            Kind("充气帐篷", "免搭建 户外露营豪华大空间 防风防雨", 880),
            Kind("高山四季帐篷", "双层 防风雪 专业登山探险帐篷", 720),
            Kind("金字塔帐篷", "户外露营 防暴雨 登山杖支撑 超轻", 260),
        ),
    ),
    CategorySpec(
        "天幕", "露营装备", "TARP", 0.6, CAMPING,
        (colours("沙色", "军绿色", "黑色"),
         axis("规格", ("3×3米", "33"), ("3×4米", "34", "1.2"), ("4×5米", "45", "1.5"))),
        "yongkang-yetu",
        (
            Kind("蝶形天幕", "户外露营遮阳棚 防晒防雨 黑胶涂层", 150),
            Kind("方形天幕", "户外露营 银胶防紫外线 大号遮阳", 120),
            Kind("六角天幕", "户外精致露营 涂银防晒 野餐遮阳棚", 140),
            Kind("八角天幕", "大空间 户外露营派对 防雨遮阳篷", 260),
            Kind("超轻天幕", "徒步重装 硅涂尼龙 轻量化地布天幕两用", 180),
            Kind("天幕杆", "铝合金加粗 可调节伸缩 天幕支撑杆一对", 45,
                 axes=(axis("规格", ("2.4米", "240"), ("2.8米", "280", "1.15")),)),
            Kind("户外地布", "加厚防水 防潮野餐垫 帐篷地席", 35),
            Kind("天幕侧围布", "户外露营 挡风防晒 天幕帘布", 70),
        ),
    ),
    CategorySpec(
        "睡袋", "露营装备", "SBAG", 0.8, WARMTH,
        (colours("藏青色", "橙色", "灰色"), STD_XL),
        "gaoyou-yurong",
        (
            Kind("信封式棉睡袋", "成人户外露营 春秋冬季加厚 可拼接", 60),
            Kind("木乃伊鹅绒睡袋", "户外登山 冬季加厚防寒 零下20度", 420),
            Kind("白鸭绒睡袋", "户外露营 轻量化 春秋款 可压缩", 260),
            Kind("便携隔脏睡袋", "酒店旅行 纯棉内胆 防脏床单", 30),
            Kind("儿童睡袋", "户外露营 亲子 加厚保暖 可机洗", 70),
            Kind("双人睡袋", "情侣户外露营 加厚 可拆分 信封式", 140),
            Kind("超轻羽绒睡袋", "徒步重装 600蓬 三季款", 380),
            Kind("抓绒睡袋内胆", "户外睡袋内胆 保暖提升5度 可单用", 45),
        ),
    ),
    CategorySpec(
        "防潮垫", "露营装备", "MAT", 0.7, CAMPING,
        (colours("军绿色", "橙色", "灰色"),
         axis("规格", ("单人", "1P"), ("双人", "2P", "1.7"))),
        "yiwu-yeying",
        (
            Kind("自动充气垫", "户外露营 加厚5cm 帐篷睡垫 可拼接", 75),
            Kind("蛋巢防潮垫", "户外 折叠 加厚铝膜 野餐垫", 35),
            Kind("TPU充气床垫", "户外露营 轻量化 带枕头 睡垫", 90),
            Kind("折叠行军床", "户外露营 铝合金 便携 午休床", 160,
                 axes=(colours("黑色", "军绿色"),
                       axis("规格", ("标准款", "STD"), ("加宽款", "WD", "1.2")))),
            Kind("铝膜防潮垫", "加厚 户外帐篷野餐地垫 防水沙滩垫", 20),
            Kind("记忆棉自充气睡垫", "户外露营 7cm加厚 车载", 150),
            Kind("充气枕头", "户外旅行 便携 TPU 午睡枕", 18,
                 axes=(colours("军绿色", "橙色", "灰色"),)),
            Kind("加厚野餐垫", "户外 防水 便携 草地春游", 40),
        ),
    ),
    CategorySpec(
        "户外桌椅", "露营装备", "FURN", 0.6, CAMPING,
        (colours("黑色", "沙色", "军绿色"), STD_XL),
        "yongkang-yetu",
        (
            Kind("月亮椅", "户外折叠椅 便携 超轻 露营钓鱼椅", 70),
            Kind("克米特椅", "户外 实木 折叠椅 精致露营 复古", 160),
            Kind("蛋卷桌", "户外折叠桌 铝合金 便携 露营野餐桌", 120),
            Kind("IGT组合桌", "户外露营 多功能 可放炉头", 320),
            Kind("导演椅", "户外折叠 铝合金 靠背 钓鱼椅", 110),
            Kind("折叠小马扎", "便携 户外 钓鱼凳 排队神器", 15),
            Kind("折叠露营推车", "户外 四轮 大容量 营地车", 180),
            Kind("折叠置物架", "户外露营 多层 收纳架", 85),
        ),
    ),
    CategorySpec(
        "营地灯", "露营装备", "LAMP", 0.5, CAMPING,
        (colours("黑色", "沙色"), USB_BAT),
        "shenzhen-guangyu",
        (
            Kind("复古马灯", "户外露营灯 充电 LED 帐篷灯 超长续航", 45),
            Kind("氛围灯串", "露营装饰 星星灯 防水 帐篷天幕", 20),
            Kind("强光营地灯", "户外 超亮 应急照明 磁吸 可充电", 65),
            Kind("LED帐篷挂灯", "户外 三档调光 野营灯", 22),
            Kind("丁烷气灯", "户外 露营灯 汽灯", 90,
                 axes=(colours("黑色", "沙色"),)),
            Kind("太阳能营地灯", "户外 折叠 防水 太阳能充电", 40),
            Kind("强光手电筒", "充电 超亮 远射 户外 家用", 35),
            Kind("多功能营地灯", "户外 带充电宝 露营 风扇灯", 85),
        ),
    ),
    CategorySpec(
        "炉具", "露营装备", "STOV", 0.6, STOVES,
        (colours("银色", "黑色"),
         axis("规格", ("标准款", "STD"), ("带电子点火", "IGN", "1.15"))),
        "ningbo-huoyan",
        (
            Kind("分体式炉头", "户外 防风 便携 野营炉 野炊", 70),
            Kind("便携卡式炉", "户外 防风 卡磁炉 火锅", 110),
            Kind("迷你一体炉头", "超轻 户外 登山 便携", 35),
            Kind("高山快速炉", "户外 野营 套锅炉具一体 烧水", 230),
            Kind("折叠柴火炉", "户外 不锈钢 烧烤 取暖", 150),
            Kind("双头猛火炉", "户外 露营 大功率 折叠", 280),
            Kind("炉具防风板", "户外 铝合金 折叠 挡风板", 25),
            Kind("折叠烧烤炉", "户外 便携 木炭 烧烤架", 95),
        ),
    ),
    CategorySpec(
        "气罐", "露营装备", "GAS", 1.4, GAS,
        (axis("规格", ("230g", "230"), ("450g", "450", "1.75")),),
        "guangzhou-lanhuo",
        (
            Kind("高山扁气罐", "户外 丁烷 液化气 野营燃料", 9),
            Kind("卡式长气罐", "卡式炉通用 丁烷气瓶", 6,
                 axes=(axis("规格", ("250g单瓶", "1"), ("250g×4瓶", "4", "3.6")),)),
            Kind("防冻高山气罐", "冬季 低温 异丁烷 户外气罐", 12),
            Kind("大容量扁气罐", "户外露营 燃气罐 通用 长时间", 14),
            Kind("气罐转换头", "扁气罐转长气罐 充气转接头", 8, no_shelf_life=True,
                 axes=(colours("银色", "黑色"),)),
            Kind("气罐保护套", "户外 防撞 便携 收纳套", 10, no_shelf_life=True,
                 axes=(colours("军绿色", "黑色", "沙色"),)),
            Kind("野营燃料三罐装", "高山气罐 户外炉具燃料", 25),
            Kind("防爆卡式气罐", "卡式炉 燃气罐 户外火锅", 7,
                 axes=(axis("规格", ("250g单瓶", "1"), ("250g×4瓶", "4", "3.6")),)),
        ),
        markup=1.9,
        shelf_life_days=1095,
        quantities=((1, 0.2), (2, 0.3), (3, 0.2), (4, 0.2), (6, 0.1)),
    ),
    CategorySpec(
        "户外餐具", "露营装备", "COOK", 0.5, CAMPING,
        (axis("规格", ("1-2人", "2P"), ("2-3人", "3P", "1.3"), ("3-4人", "4P", "1.6")),),
        "ningbo-huoyan",
        (
            Kind("户外套锅", "野营 便携 铝合金 锅具 野炊", 55),
            Kind("纯钛单层杯", "户外 烧水杯 轻量", 45),
            Kind("不锈钢餐具套装", "户外 便携 筷勺叉 收纳盒", 12),
            Kind("折叠水桶", "户外 大容量 便携 钓鱼 储水", 20),
            Kind("户外烧水壶", "野营 铝合金 便携 茶壶", 40),
            Kind("麦饭石煎盘", "户外 不粘 烤肉盘 卡式炉", 35),
            Kind("不锈钢保温桶", "户外 大容量 保温壶", 60),
            Kind("硅胶折叠碗", "户外 可折叠 便携 旅行", 8),
        ),
    ),
    CategorySpec(
        "背包", "徒步登山", "PACK", 0.9, HIKING,
        (colours("黑色", "藏青色", "橙色", "灰色"),
         axis("容量", ("30L", "30L"), ("45L", "45L", "1.2"), ("60L", "60L", "1.4"))),
        "dongguan-xingtu",
        (
            Kind("大容量登山包", "户外双肩包 徒步 防水 男女", 110),
            Kind("专业重装背包", "户外 徒步 负重系统 登山包", 320),
            Kind("超轻折叠背包", "户外 徒步 皮肤包", 45,
                 axes=(colours("黑色", "藏青色", "橙色"),
                       axis("容量", ("20L", "20L"), ("25L", "25L", "1.1")))),
            Kind("越野跑水袋包", "户外 跑步 马拉松 轻量", 90),
            Kind("骑行双肩包", "户外 骑行 透气 自行车", 70),
            Kind("摄影登山包", "户外 相机 双肩 大容量 防水", 180),
            Kind("儿童徒步背包", "户外 亲子 小背包 轻便", 40),
            Kind("背包防雨罩", "户外 防水罩 防尘 登山包", 10),
        ),
    ),
    CategorySpec(
        "登山杖", "徒步登山", "POLE", 0.8, HIKING,
        (colours("黑色", "红色", "天蓝色"),
         axis("规格", ("单支", "1"), ("一对", "2", "1.9"))),
        "wuyi-shanxing",
        (
            Kind("碳素登山杖", "超轻 伸缩 折叠 户外 徒步手杖", 60),
            Kind("铝合金外锁登山杖", "三节 伸缩 户外 拐杖", 30),
            Kind("五节折叠登山杖", "快速收纳 户外 越野跑杖", 55),
            Kind("老人防滑手杖", "户外 轻便 四脚 拐杖", 35),
            Kind("登山杖配件套装", "杖尖保护套 泥托 雪托 橡胶头", 5),
            Kind("钛合金登山杖", "超轻 户外 徒步 专业 T柄", 90),
            Kind("Z型越野跑杖", "折叠 超轻 碳纤维", 110),
            Kind("儿童登山杖", "户外 亲子 徒步 伸缩 轻便", 25),
        ),
        quantities=((1, 0.85), (2, 0.15)),
    ),
    CategorySpec(
        "登山鞋", "徒步登山", "SHOE", 0.6, HIKING,
        (colours("黑色", "灰色", "军绿色"),
         axis("尺码", *((str(n), str(n)) for n in range(39, 45)))),
        "quanzhou-jinbu",
        (
            Kind("防水登山鞋", "男女 户外 徒步鞋 防滑 耐磨", 150),
            Kind("轻量徒步鞋", "户外 透气 低帮 越野 男女", 110),
            Kind("速干溯溪鞋", "户外 涉水 防滑 沙滩鞋", 50),
            Kind("高帮登山靴", "冬季 户外 防水 防滑 保暖", 220),
            Kind("越野跑鞋", "户外 越野 跑步 抓地 防滑", 160),
            Kind("户外运动凉鞋", "男女 夏季 防滑 沙滩", 45),
            Kind("加绒雪地靴", "户外 保暖 防滑 棉鞋", 90),
            Kind("防沙鞋套", "户外 沙漠 徒步 雪套 防水", 20,
                 axes=(axis("尺码", ("S", "S"), ("M", "M"), ("L", "L")),)),
        ),
    ),
    CategorySpec(
        "头灯", "徒步登山", "HLMP", 0.6, HIKING,
        (colours("黑色", "橙色"), USB_BAT),
        "shenzhen-guangyu",
        (
            Kind("强光头灯", "户外 充电 超亮 头戴式 夜钓", 35),
            Kind("感应头灯", "户外 挥手感应 超轻 夜跑", 25),
            Kind("越野跑头灯", "户外 轻量 防水 长续航", 70),
            Kind("钓鱼头灯", "户外 强光 远射 防水 黄光", 45),
            Kind("大容量工作头灯", "超亮 户外 矿灯", 55),
            Kind("儿童卡通头灯", "户外 亲子 安全 软硅胶", 15),
            Kind("迷你应急头灯", "超轻 户外 徒步 紧凑", 20),
            Kind("18650头灯电池", "锂电池 充电 户外头灯专用", 15,
                 axes=(axis("规格", ("单节", "1"), ("两节", "2", "1.8")),)),
        ),
    ),
    CategorySpec(
        "冲锋衣", "户外服饰", "JACK", 1.0, WARMTH,
        (colours("黑色", "藏青色", "红色", "军绿色"), SIZES),
        "xiamen-fengxing",
        (
            Kind("三合一冲锋衣", "男女 户外 防水 加绒 可拆卸 登山服", 220),
            Kind("硬壳冲锋衣", "户外 专业 防风防水 透气 登山", 360),
            Kind("软壳外套", "户外 男女 防风 加绒 保暖 夹克", 140),
            Kind("轻薄冲锋衣", "户外 春秋 防泼水 风衣", 90),
            Kind("加绒冲锋裤", "户外 男女 防水 登山裤", 110),
            Kind("鹅绒内胆冲锋衣", "户外 冬季 三合一 防寒", 480),
            Kind("儿童冲锋衣", "户外 防水 加绒 男童女童", 110,
                 axes=(colours("红色", "天蓝色", "藏青色"), KID_SIZES)),
            Kind("防晒皮肤衣", "户外 UPF50+ 超轻 透气 男女", 45,
                 axes=(colours("天蓝色", "灰色", "黑色"), SIZES)),
        ),
        markup=2.3,
    ),
    CategorySpec(
        "速干衣裤", "户外服饰", "DRY", 0.7, SUMMER,
        (colours("黑色", "灰色", "天蓝色"), SIZES),
        "xiamen-fengxing",
        (
            Kind("速干T恤", "户外 男女 短袖 透气 排汗 运动", 30),
            Kind("速干裤", "户外 男女 夏季 薄款 弹力 登山裤", 50),
            Kind("速干长袖", "户外 防晒 透气 徒步 运动上衣", 40),
            Kind("速干短裤", "户外 跑步 健身 男女 宽松", 25),
            Kind("可拆卸两截裤", "户外 速干 夏季 徒步 男女", 60),
            Kind("美利奴羊毛T恤", "户外 抗菌 排汗 徒步 内层", 150),
            Kind("速干内衣套装", "户外 排汗 滑雪 保暖", 70),
            Kind("加厚登山袜", "户外 徒步 速干 毛圈", 10,
                 axes=(colours("黑色", "灰色", "军绿色"),
                       axis("规格", ("单双", "1"), ("三双装", "3", "2.6")))),
        ),
        markup=2.3,
    ),
    CategorySpec(
        "抓绒衣", "户外服饰", "FLCE", 0.5, WARMTH,
        (colours("黑色", "灰色", "藏青色"), SIZES),
        "xiamen-fengxing",
        (
            Kind("加厚抓绒衣", "户外 男女 保暖 摇粒绒 外套", 60),
            Kind("保暖抓绒裤", "户外 加厚 内穿 男女", 45),
            Kind("抓绒马甲", "户外 保暖 背心 摇粒绒 男女", 40),
            Kind("轻薄羽绒服", "户外 男女 90白鸭绒 便携", 180),
            Kind("抓绒保暖帽", "户外 针织 护耳 冬季", 15,
                 axes=(colours("黑色", "灰色", "红色"),)),
            Kind("抓绒触屏手套", "户外 保暖 防风", 15,
                 axes=(colours("黑色", "灰色"),
                       axis("尺码", ("M", "M"), ("L", "L"), ("XL", "XL")))),
            Kind("抓绒围脖面罩", "户外 保暖 骑行 防风", 12,
                 axes=(colours("黑色", "灰色", "藏青色", "军绿色"),)),
            Kind("羊羔绒外套", "户外 复古 加厚 立领 男女", 120),
        ),
        markup=2.3,
    ),
    CategorySpec(
        "户外食品", "户外食品饮水", "FOOD", 0.9, FOOD,
        (FLAVOURS,),
        "shijiazhuang-junliang",
        (
            Kind("自热米饭", "户外 速食 方便 煲仔饭 懒人", 10, shelf_life_days=270),
            Kind("压缩饼干", "户外 代餐 饱腹 应急", 5, shelf_life_days=365,
                 axes=(axis("口味", ("原味", "ORI"), ("芝麻味", "SES"), ("海苔味", "SEA")),)),
            Kind("坚果能量棒", "户外 运动 代餐 蛋白棒", 4, shelf_life_days=270,
                 axes=(axis("规格", ("单支", "1"), ("12支装", "12", "10")),)),
            Kind("冻干户外餐", "户外 速食 野餐 即冲即食", 18, shelf_life_days=365),
            Kind("自热小火锅", "户外 懒人 麻辣 自煮 速食", 12, shelf_life_days=180,
                 axes=(axis("口味", ("麻辣牛肉", "BEF"), ("番茄", "TOM"), ("素食", "VEG")),)),
            Kind("手撕牛肉干", "户外 即食 高蛋白 零食", 20, shelf_life_days=240,
                 axes=(axis("口味", ("原味", "ORI"), ("香辣", "SPC"), ("五香", "SPI")),)),
            Kind("电解质冲剂", "户外 运动 补水 固体饮料", 8, shelf_life_days=365,
                 axes=(axis("规格", ("10袋", "10"), ("30袋", "30", "2.6")),)),
            Kind("每日坚果补给包", "户外 混合坚果 能量补给", 12, shelf_life_days=180,
                 axes=(axis("规格", ("7包", "7"), ("30包", "30", "3.8")),)),
        ),
        markup=1.8,
        quantities=((1, 0.35), (2, 0.3), (3, 0.15), (4, 0.1), (6, 0.1)),
    ),
    CategorySpec(
        "饮水装备", "户外食品饮水", "WATR", 0.4, SUMMER,
        (colours("天蓝色", "黑色", "橙色"),
         axis("容量", ("1L", "1L"), ("1.5L", "15L", "1.15"), ("2L", "2L", "1.3"))),
        "yiwu-yeying",
        (
            Kind("户外饮水袋", "骑行 登山 TPU 大容量", 25),
            Kind("运动水壶", "户外 大容量 便携 防漏 登山", 18),
            Kind("便携净水器", "户外 滤水器 野外 应急", 70,
                 axes=(colours("天蓝色", "黑色"),)),
            Kind("316不锈钢保温杯", "户外 大容量 保温壶", 40),
            Kind("硅胶折叠水杯", "户外 旅行 便携 伸缩", 8,
                 axes=(colours("天蓝色", "橙色", "灰色"),)),
            Kind("纯钛水壶", "户外 轻量 登山 可加热", 120),
            Kind("越野跑软水壶", "折叠 软水瓶 TPU", 20,
                 axes=(axis("容量", ("250ml", "250"), ("500ml", "500", "1.2")),)),
            Kind("水袋配件包", "饮水管 咬嘴 快接头 清洗刷", 8,
                 axes=(axis("规格", ("咬嘴", "BITE"), ("饮水管", "TUBE", "1.5"),
                            ("清洗套装", "CLEAN", "2")),)),
        ),
    ),
)  # fmt: skip

# Goods a buyer adds to a product of this category (category → (category, chance)).
COMPANIONS = {
    "炉具": ("气罐", 0.5),
    "帐篷": ("防潮垫", 0.25),
    "户外餐具": ("炉具", 0.1),
}


@dataclass(frozen=True)
class SupplierSpec:
    code: str
    name: str
    city: str
    area_code: str
    lead_time_days: int


SUPPLIERS: tuple[SupplierSpec, ...] = (
    SupplierSpec("yongkang-yetu", "永康市野途户外用品有限公司", "金华", "0579", 5),
    SupplierSpec("ningbo-huoyan", "宁波火焰山炉具有限公司", "宁波", "0574", 4),
    SupplierSpec("guangzhou-lanhuo", "广州蓝火气体制品有限公司", "广州", "020", 3),
    SupplierSpec("dongguan-xingtu", "东莞星途箱包制品有限公司", "东莞", "0769", 6),
    SupplierSpec("xiamen-fengxing", "厦门峰行服饰有限公司", "厦门", "0592", 7),
    SupplierSpec("quanzhou-jinbu", "泉州劲步鞋业有限公司", "泉州", "0595", 7),
    SupplierSpec("gaoyou-yurong", "高邮市暖途羽绒制品厂", "扬州", "0514", 6),
    SupplierSpec("wuyi-shanxing", "武义县山行户外用品厂", "金华", "0579", 4),
    SupplierSpec("shenzhen-guangyu", "深圳光宇照明科技有限公司", "深圳", "0755", 3),
    SupplierSpec("yiwu-yeying", "义乌市野营日用品商行", "金华", "0579", 2),
    SupplierSpec(
        "shijiazhuang-junliang", "石家庄军粮食品有限公司", "石家庄", "0311", 4
    ),
)

VIOLATION_NOTES = [
    "标题含极限词“最”，需修改后重新上架",
    "主图含牛皮癣文字，平台要求整改",
    "类目属性错放，需移到正确类目",
    "品牌授权书过期，需补交",
    "划线价与历史成交价不符，涉嫌虚假折扣",
]
WAREHOUSE_NOTES = ["换季下架", "主图待更新", "缺货下架", "调价中，暂不上架"]
