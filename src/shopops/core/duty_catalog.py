"""Every duty of seed/duties.md, as data. Group headings (OPS-1, LOG-2 …) are registered
too, so that every ID of the seed resolves; only leaves appear on Today pages."""

from shopops.core.duties import Duty, Schedule, registry
from shopops.core.roles import Role, Shift

D = Schedule.daily
W = Schedule.window
WK = Schedule.weekly
M = Schedule.monthly
C = Schedule.continuous
MON, TUE, WED, THU, FRI = 1, 2, 3, 4, 5
GROUP = C()

# (id, role, 中文, English, schedule): a table, one duty a line.
# fmt: off
DUTIES: list[tuple[str, Role, str, str, Schedule]] = [
    # OPS — operations manager 运营经理
    ("OPS-1", Role.OPS_MANAGER, "目标与计划", "Targets and plans", GROUP),
    ("OPS-1.1", Role.OPS_MANAGER, "制定年度销售目标并分解为季度、月度计划", "Set the annual sales target and split it into quarters and months", M(1, "09:00")),
    ("OPS-1.2", Role.OPS_MANAGER, "针对目标列出实施方案，落实到月", "List the actions that implement each target, month by month", M(1, "10:00")),
    ("OPS-1.3", Role.OPS_MANAGER, "预见当月计划的问题并提前应对（货源、资金、设备）", "Foresee the month's problems and prepare answers (supply, cash, equipment)", M(25, "10:00")),
    ("OPS-2", Role.OPS_MANAGER, "网店经营：规划、营销、推广、客户关系", "Running the store", GROUP),
    ("OPS-2.1", Role.OPS_MANAGER, "日常改版、上架、推广、销售与售后", "Day-to-day revamps, listing, promotion, sales and after-sales", C()),
    ("OPS-2.2", Role.OPS_MANAGER, "日常维护网店，优化店铺及商品排名", "Keep the store running; improve search ranking", C()),
    ("OPS-2.3", Role.OPS_MANAGER, "执行营销活动，策划店铺促销方案", "Run marketing campaigns; plan the store's promotions", WK(MON, "10:00")),
    ("OPS-2.4", Role.OPS_MANAGER, "收集市场和行业信息，提供应对方案", "Gather market and industry information; propose answers", WK(FRI, "15:00")),
    ("OPS-2.5", Role.OPS_MANAGER, "客户关系维护，处理投诉及纠纷", "Keep customer relations; handle complaints and disputes", C()),
    ("OPS-3", Role.OPS_MANAGER, "店铺状态与协调", "Store status and coordination", GROUP),
    ("OPS-3.1", Role.OPS_MANAGER, "每天多次查看店铺数据、直通车与钻展消耗并调整", "Look at traffic and ad spend several times a day and adjust", D("09:30", "14:00", "17:00", "22:00")),
    ("OPS-3.2", Role.OPS_MANAGER, "监督并指导客服工作", "Supervise and coach customer service", C()),
    ("OPS-3.3", Role.OPS_MANAGER, "配合美工优化店铺形象与广告图", "Work with design on the store's look and ad images", WK(WED, "15:00")),
    ("OPS-3.4", Role.OPS_MANAGER, "分析快递与发货部的交接问题并反馈各部门", "Analyse courier/shipping hand-off problems and feed them back", WK(MON, "14:00")),
    ("OPS-4", Role.OPS_MANAGER, "老客户维护，提高重复购买率", "Returning customers", GROUP),
    ("OPS-4.1", Role.OPS_MANAGER, "建立老顾客群、帮派、掌柜说等互动渠道", "Groups and social channels for returning customers", C()),
    ("OPS-4.2", Role.OPS_MANAGER, "老顾客分级并分级维护", "Sort returning customers into levels and care for each", WK(MON, "11:00")),
    ("OPS-4.3", Role.OPS_MANAGER, "分析客户关系问题并反馈客服部", "Analyse customer-care problems; feed improvements to customer service", WK(THU, "15:00")),
    ("OPS-4.4", Role.OPS_MANAGER, "不定期回访贵宾顾客", "Call VIP customers back now and then", WK(TUE, "15:00")),
    ("OPS-4.5", Role.OPS_MANAGER, "逢活动、节日、生日向老顾客发短信或电话祝贺", "Greet returning customers on campaigns, holidays and birthdays", D("09:00")),
    ("OPS-4.6", Role.OPS_MANAGER, "每周统计老顾客同比增长并调整", "Weekly year-over-year growth of returning customers", WK(MON, "16:00")),
    ("OPS-5", Role.OPS_MANAGER, "人员短缺时补位（客服请假、下班）", "Cover missing staff", C()),
    ("OPS-6", Role.OPS_MANAGER, "按公式核算工资", "Pay by the formula of coefficients", M(5, "10:00")),
    # MKT — marketing specialist 营销专员
    ("MKT-1", Role.MARKETING, "平台内搜索优化", "Search optimisation on the marketplace", GROUP),
    ("MKT-1.1", Role.MARKETING, "商品标题关键字SEO", "Keyword SEO of product titles", C()),
    ("MKT-1.2", Role.MARKETING, "研究买家需求，优化商品描述文案", "Study buyers' needs; improve description copy", C()),
    ("MKT-1.3", Role.MARKETING, "侦测竞争对手与市场，发掘新商机", "Watch competitors and the market; find opportunities", WK(TUE, "15:00")),
    ("MKT-1.4", Role.MARKETING, "研究平台类目及搜索引擎", "Study the platform's categories and search engine", WK(WED, "15:00")),
    ("MKT-1.5", Role.MARKETING, "用平台工具常规优化店铺", "Routine store optimisation with the platform's tools", D("10:00")),
    ("MKT-1.6", Role.MARKETING, "研究店铺统计数据，发现问题并处理", "Study the store's statistics; find hidden problems", D("16:00")),
    ("MKT-1.7", Role.MARKETING, "职责一周报", "Weekly report on MKT-1", WK(FRI, "17:00")),
    ("MKT-2", Role.MARKETING, "平台内营销", "Marketing inside the platform", GROUP),
    ("MKT-2.1", Role.MARKETING, "直通车等付费流量日常优化", "Daily optimisation of paid traffic", D("09:30", "14:00", "20:00")),
    ("MKT-2.2", Role.MARKETING, "论坛发帖、帮派与促销活动", "Forum posts, groups and promotional events", C()),
    ("MKT-2.3", Role.MARKETING, "店内活动：提升转化率与客单价", "In-store events for conversion and order value", WK(MON, "15:00")),
    ("MKT-2.4", Role.MARKETING, "平台活动：提升信誉、获取新客", "Platform events for reputation and new customers", WK(THU, "15:00")),
    ("MKT-2.5", Role.MARKETING, "职责二周报", "Weekly report on MKT-2", WK(FRI, "17:00")),
    ("MKT-3", Role.MARKETING, "平台外营销", "Marketing outside the platform", GROUP),
    ("MKT-3.1", Role.MARKETING, "博客、微博的建立、宣传与活动", "Blogs and microblogs: set-up, promotion, events", D("11:00")),
    ("MKT-3.2", Role.MARKETING, "行业门户与论坛推广", "Industry portals and forums", WK(TUE, "16:00")),
    ("MKT-3.3", Role.MARKETING, "百度贴吧、知道推广", "Baidu Tieba / Zhidao promotion", WK(WED, "16:00")),
    ("MKT-3.4", Role.MARKETING, "职责三周报", "Weekly report on MKT-3", WK(FRI, "17:00")),
    ("MKT-4", Role.MARKETING, "与其他岗位的交接", "Hand-offs", GROUP),
    ("MKT-4.1", Role.MARKETING, "为策划部提供商品文案与设计要求", "Supply planning with product copy and design requirements", WK(MON, "16:00")),
    ("MKT-4.2", Role.MARKETING, "为财务部提供费用细则与活动预算", "Supply finance with expenses and campaign budgets", WK(FRI, "11:00")),
    ("MKT-4.3", Role.MARKETING, "向客服部了解最新顾客需求与意见", "Ask customer service for customers' needs and opinions", WK(WED, "11:00")),
    ("MKT-4.4", Role.MARKETING, "交接工作周报", "Weekly report on MKT-4", WK(FRI, "17:00")),
    # LOG — logistics officer 物流人员 (with the shipping clerk 发货部专员)
    ("LOG-1", Role.LOGISTICS, "商品采购与供应商管理", "Purchasing and suppliers", GROUP),
    ("LOG-1.1", Role.LOGISTICS, "根据订单与库存当天采购（18:00截止）", "Buy what orders and the warehouse need; cut-off 18:00", D("18:00")),
    ("LOG-1.2", Role.LOGISTICS, "与客服保持联系，关注公司整体库存", "Stay in touch with customer service; watch the whole stock", C()),
    ("LOG-1.3", Role.LOGISTICS, "定期登记库房数量与质量", "Record the warehouse's quantities and quality", WK(FRI, "16:00")),
    ("LOG-1.4", Role.LOGISTICS, "每月库存与保质期报告", "Monthly stock and shelf-life report", M(1, "09:00")),
    ("LOG-2", Role.LOGISTICS, "挑选、质检与发货", "Picking, quality check and shipping", GROUP),
    ("LOG-2.1", Role.SHIPPING, "发货前检查商品，问题件不发并告知晚班客服", "Check every item before it ships; tell the evening shift of defects", C(working_days_only=False)),
    ("LOG-2.2", Role.LOGISTICS, "无法订购或断货的订单交晚班客服协商退换", "Out-of-stock orders go to the evening shift for refund or exchange", D("19:30")),
    ("LOG-2.3", Role.LOGISTICS, "快递延误等导致不能发出的订单告知晚班客服", "Courier delays: the evening shift tells the buyers", C()),
    ("LOG-2.4", Role.LOGISTICS, "当天不能发出的订单插旗并告知晚班客服", "Flag every order that cannot ship today; tell the evening shift", D("19:30")),
    ("LOG-2.5", Role.SHIPPING, "工作日及时打包订单", "Pack the orders promptly on working days", C(working_days_only=True)),
    ("LOG-2.6", Role.LOGISTICS, "维护发货流程，每周分析挑选质检发货问题", "Weekly analysis of picking, QC and shipping problems", WK(MON, "14:00")),
    ("LOG-3", Role.LOGISTICS, "商品更新与品类优化", "Assortment", GROUP),
    ("LOG-3.1", Role.LOGISTICS, "每周发掘有竞争力的品类上架（至少30种在售）", "Find competitive products and list them; keep 30+ on sale", WK(WED, "15:00")),
    ("LOG-3.2", Role.LOGISTICS, "每周下架性价比低或滞销商品", "Delist poor-value or slow-selling products", WK(THU, "15:00")),
    ("LOG-3.3", Role.LOGISTICS, "上下架周报", "Weekly report of listings and delistings", WK(FRI, "17:00")),
    ("LOG-4", Role.LOGISTICS, "商品信息维护与部门对接", "Listing upkeep and hand-offs", GROUP),
    ("LOG-4.1", Role.LOGISTICS, "处理仓库中和违规中的宝贝并重新上架", "Fix items in the warehouse or flagged for violation and relist them", D("10:00")),
    ("LOG-4.2", Role.LOGISTICS, "处理客服的订单问题并确认退款（10:00、20:00）", "Handle customer service's order problems; confirm refunds", D("10:00", "20:00")),
    ("LOG-4.3", Role.LOGISTICS, "按财务指引统计采购成本、销售收入与支出（11:00）", "Count purchasing cost, revenue and expenses as finance directs", D("11:00")),
    ("LOG-4.4", Role.LOGISTICS, "发现有潜力的非人气宝贝并告知营销部", "Find promising items and tell marketing", WK(TUE, "15:00")),
    ("LOG-4.5", Role.LOGISTICS, "每周分析与各部门的交接问题（文档）", "Weekly analysis of hand-off problems, as a document", WK(FRI, "16:00")),
    ("LOG-5", Role.LOGISTICS, "汇报与考勤", "Reporting and attendance", GROUP),
    ("LOG-5.1", Role.LOGISTICS, "每周按类别汇报职能一至四（文档）", "Weekly report of LOG-1 to LOG-4, by category", WK(FRI, "17:00")),
    ("LOG-5.2", Role.LOGISTICS, "考勤与客服有效联系次数", "Attendance and effective contacts with customer service", WK(FRI, "17:30")),
    # ART — design lead 美工主管 (with the designers 美工人员)
    ("ART-1", Role.DESIGN_LEAD, "美工制作", "Production", GROUP),
    ("ART-1.1", Role.DESIGN_LEAD, "监管产品拍摄、前期处理和图片应用", "Supervise product photography and the use of images", C()),
    ("ART-1.2", Role.DESIGN_LEAD, "带领团队做详情页与图片处理", "Lead detail pages and image work", C()),
    ("ART-1.3", Role.DESIGN_LEAD, "详情页与店铺首页布局", "Detail-page and home-page layout", WK(TUE, "10:00")),
    ("ART-1.4", Role.DESIGNER, "每款商品的设计与更新：拍照、修图、海报、轮播图", "Every product's design and updates: photos, posters, carousels", C()),
    ("ART-1.5", Role.DESIGN_LEAD, "职责一周报", "Weekly report on ART-1", WK(FRI, "17:00")),
    ("ART-2", Role.DESIGN_LEAD, "美工流程", "Process", GROUP),
    ("ART-2.1", Role.DESIGN_LEAD, "结合营销调研描述页面要达到的效果", "Describe what each page must achieve from marketing's research", WK(MON, "10:00")),
    ("ART-2.2", Role.DESIGNER, "与美工专员制作、安装并监测效果", "Produce, install, then watch and test the effect", C()),
    ("ART-2.3", Role.DESIGN_LEAD, "定期审核并改进店铺整体美工", "Audit and improve the store's look", M(15, "10:00")),
    ("ART-2.4", Role.DESIGN_LEAD, "职责二周报", "Weekly report on ART-2", WK(FRI, "17:00")),
    ("ART-3", Role.DESIGN_LEAD, "部门管理", "Running the department", GROUP),
    ("ART-3.1", Role.DESIGN_LEAD, "美工人员考勤、工作安排、考核与奖惩", "Designers' attendance, assignment, evaluation", D("09:00")),
    ("ART-3.2", Role.DESIGN_LEAD, "收集素材，提前准备下一期设计", "Collect material; prepare the next period's designs", WK(THU, "15:00")),
    ("ART-3.3", Role.DESIGN_LEAD, "职责三周报", "Weekly report on ART-3", WK(FRI, "17:00")),
    # CS — customer service 客服
    ("CS-1", Role.CUSTOMER_SERVICE, "晚班（20:00–21:00）告知买家被扣留的订单，协商退换", "Evening shift: tell buyers about held orders; negotiate refund or exchange", W("20:00", "21:00")),
    ("CS-2", Role.CUSTOMER_SERVICE, "提交订单问题与退款申请给物流确认", "Raise order problems and refund requests for logistics", C()),
    ("CS-3", Role.CUSTOMER_SERVICE, "代运营经理问候与回访顾客", "Greetings and call-backs on the operations manager's behalf", D("15:00")),
    ("CS-4", Role.CUSTOMER_SERVICE, "向营销反馈顾客需求，向物流反馈商品情况", "Report customers' needs to marketing and product reports to logistics", WK(FRI, "16:00")),
    # FIN — finance 财务
    ("FIN-1", Role.FINANCE, "指导每日成本、收入与支出统计；接收费用与预算", "Direct daily cost, revenue and expense figures; receive budgets", D("11:00")),
    ("FIN-2", Role.FINANCE, "按公式核算工资", "Pay, from the formula", M(5, "10:00")),
]
# fmt: on

SHIFTS = {"CS-1": Shift.EVENING}


def register_all() -> None:
    """Register every duty once (idempotent across repeated `ready()` calls)."""
    for duty_id, role, zh, en, schedule in DUTIES:
        if duty_id in registry:
            continue
        is_group = schedule is GROUP and "." not in duty_id and _has_children(duty_id)
        registry.register(
            Duty(
                id=duty_id,
                role=role.value,
                title_zh=zh,
                title_en=en,
                schedule=schedule,
                parent=duty_id.rsplit(".", 1)[0] if "." in duty_id else "",
                shift=SHIFTS.get(duty_id, ""),
                is_group=is_group,
            )
        )


def _has_children(duty_id: str) -> bool:
    return any(other.startswith(duty_id + ".") for other, *_ in DUTIES)
