"""Fixed reference lists of the demo bank: its branch network, name stock, products and campaign calendar.

Everything here is constant and immutable; what varies with the seed (which RM works where, who is called
what) is drawn from these lists by the other modules.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BranchSpec:
    name: str
    region: str
    city: str


# Six regions, five to eight branches each, named the way Chinese banks name sub-branches (city + district).
BRANCHES: tuple[BranchSpec, ...] = (
    BranchSpec("上海陆家嘴支行", "华东区", "上海"),
    BranchSpec("上海徐家汇支行", "华东区", "上海"),
    BranchSpec("上海静安支行", "华东区", "上海"),
    BranchSpec("杭州西湖支行", "华东区", "杭州"),
    BranchSpec("杭州滨江支行", "华东区", "杭州"),
    BranchSpec("南京新街口支行", "华东区", "南京"),
    BranchSpec("苏州工业园区支行", "华东区", "苏州"),
    BranchSpec("宁波鄞州支行", "华东区", "宁波"),
    BranchSpec("广州天河支行", "华南区", "广州"),
    BranchSpec("广州越秀支行", "华南区", "广州"),
    BranchSpec("深圳福田支行", "华南区", "深圳"),
    BranchSpec("深圳南山支行", "华南区", "深圳"),
    BranchSpec("厦门思明支行", "华南区", "厦门"),
    BranchSpec("福州鼓楼支行", "华南区", "福州"),
    BranchSpec("南宁青秀支行", "华南区", "南宁"),
    BranchSpec("北京国贸支行", "华北区", "北京"),
    BranchSpec("北京中关村支行", "华北区", "北京"),
    BranchSpec("北京金融街支行", "华北区", "北京"),
    BranchSpec("天津和平支行", "华北区", "天津"),
    BranchSpec("济南历下支行", "华北区", "济南"),
    BranchSpec("青岛市南支行", "华北区", "青岛"),
    BranchSpec("石家庄长安支行", "华北区", "石家庄"),
    BranchSpec("成都天府支行", "西南区", "成都"),
    BranchSpec("成都锦江支行", "西南区", "成都"),
    BranchSpec("重庆解放碑支行", "西南区", "重庆"),
    BranchSpec("昆明五华支行", "西南区", "昆明"),
    BranchSpec("贵阳云岩支行", "西南区", "贵阳"),
    BranchSpec("武汉江汉支行", "华中区", "武汉"),
    BranchSpec("武汉光谷支行", "华中区", "武汉"),
    BranchSpec("长沙芙蓉支行", "华中区", "长沙"),
    BranchSpec("郑州金水支行", "华中区", "郑州"),
    BranchSpec("合肥政务区支行", "华中区", "合肥"),
    BranchSpec("南昌红谷滩支行", "华中区", "南昌"),
    BranchSpec("沈阳和平支行", "东北区", "沈阳"),
    BranchSpec("沈阳浑南支行", "东北区", "沈阳"),
    BranchSpec("大连中山支行", "东北区", "大连"),
    BranchSpec("长春朝阳支行", "东北区", "长春"),
    BranchSpec("哈尔滨南岗支行", "东北区", "哈尔滨"),
)

# Relative size of a city's branches and how wealthy its customers are (log-AUM shift), by city tier.
CITY_SIZE: dict[str, float] = {"上海": 1.7, "北京": 1.7, "深圳": 1.5, "广州": 1.4}
CITY_WEALTH: dict[str, float] = {"上海": 0.35, "北京": 0.35, "深圳": 0.3, "广州": 0.2, "杭州": 0.15, "南京": 0.1}
REGION_WEALTH: dict[str, float] = {"东北区": -0.2, "西南区": -0.1, "华中区": -0.1}

# First six digits of the synthetic ID numbers: a plausible district code for each city.
CITY_AREA_CODE: dict[str, int] = {
    "上海": 310115,
    "杭州": 330106,
    "南京": 320106,
    "苏州": 320508,
    "宁波": 330212,
    "广州": 440106,
    "深圳": 440305,
    "厦门": 350203,
    "福州": 350102,
    "南宁": 450103,
    "北京": 110105,
    "天津": 120101,
    "济南": 370102,
    "青岛": 370202,
    "石家庄": 130102,
    "成都": 510104,
    "重庆": 500103,
    "昆明": 530102,
    "贵阳": 520102,
    "武汉": 420103,
    "长沙": 430102,
    "郑州": 410105,
    "合肥": 340104,
    "南昌": 360102,
    "沈阳": 210102,
    "大连": 210202,
    "长春": 220104,
    "哈尔滨": 230103,
}

# Common surnames, most frequent first (drawn with Zipf-like weights).
SURNAMES: tuple[str, ...] = (
    *"王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜",
    *"崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严",
    "欧阳",
    "司马",
    "诸葛",
)

GIVEN_MALE: tuple[str, ...] = tuple(
    "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆旭宁龙林阳志建国峰亮东博晨昊天睿泽轩铭"
)
GIVEN_FEMALE: tuple[str, ...] = tuple("芳娜敏静丽艳秀娟霞婷雪琳颖慧玲萍红燕洁梅莉倩佳欣怡晴璐瑶妍琪诗雨萱涵梦思月彤")

# Mobile number prefixes of the three carriers; the remaining eight digits are random.
PHONE_PREFIXES: tuple[int, ...] = (
    130,
    131,
    132,
    135,
    136,
    137,
    138,
    139,
    150,
    151,
    152,
    155,
    158,
    159,
    177,
    186,
    188,
    189,
)

GENDERS: tuple[str, ...] = ("F", "M")
ACQUISITION_CHANNELS: tuple[str, ...] = ("branch", "mobile_app", "referral", "payroll", "partner", "online")
RISK_PROFILES: tuple[str, ...] = ("C1", "C2", "C3", "C4", "C5")
TAGS: tuple[str, ...] = ("young_professional", "retiree", "parent", "business_owner", "student", "high_income")


@dataclass(frozen=True)
class ProductSpec:
    product_type: str
    product_name: str
    category: str
    revenue_median: float  # median revenue of one conversion for a mass customer, CNY


# The order is the product index used throughout the generator.
PRODUCTS: tuple[ProductSpec, ...] = (
    ProductSpec("current_account", "Current Account", "deposit", 80.0),
    ProductSpec("time_deposit", "Time Deposit", "deposit", 600.0),
    ProductSpec("wealth_mgmt", "Wealth Management Product", "investment", 2500.0),
    ProductSpec("fund", "Mutual Fund", "investment", 900.0),
    ProductSpec("insurance", "Life & Savings Insurance", "insurance", 6000.0),
    ProductSpec("credit_card", "Credit Card", "payments", 400.0),
    ProductSpec("mortgage", "Mortgage", "lending", 12000.0),
    ProductSpec("consumer_loan", "Consumer Loan", "lending", 1800.0),
)
PRODUCT_INDEX: dict[str, int] = {p.product_type: i for i, p in enumerate(PRODUCTS)}
CURRENT, TIME_DEPOSIT, WEALTH, FUND, INSURANCE, CREDIT_CARD, MORTGAGE, CONSUMER_LOAN = range(len(PRODUCTS))

TOUCH_CHANNELS: tuple[str, ...] = ("sms", "call", "app_push", "email", "visit", "impression")
COMPLAINT_CHANNELS: tuple[str, ...] = ("branch", "phone", "app", "online", "regulator")
COMPLAINT_CHANNEL_WEIGHTS: tuple[float, ...] = (0.30, 0.35, 0.20, 0.12, 0.03)
COMPLAINT_CATEGORIES: tuple[str, ...] = ("fees", "service", "product", "digital", "other")
COMPLAINT_CATEGORY_WEIGHTS: tuple[float, ...] = (0.25, 0.30, 0.20, 0.15, 0.10)


@dataclass(frozen=True)
class CampaignTemplate:
    """One campaign of the bank's yearly marketing calendar."""

    name: str  # the year is prefixed
    start_month: int
    start_day: int
    days: int
    campaign_type: str
    channel: str
    segment: str  # mass, affluent (incl. private), private, age 45+, dormant or all
    product_type: str
    reach: float  # share of the eligible customers targeted
    control_share: float
    base_rate: float  # conversion probability without contact (the control group's rate)
    lift: float  # treated rate = base_rate × lift: the real effect the attribution page should find
    channels: tuple[str, ...]  # channels of the follow-up touches (the first touch uses `channel`)
    extra_touches: float  # mean number of follow-up touches per treated customer
    cost_per_contact: float  # CNY
    exclude_holders: bool = False  # target only customers who do not hold the product yet


CAMPAIGN_CALENDAR: tuple[CampaignTemplate, ...] = (
    CampaignTemplate(
        "开门红定期存款", 1, 3, 28, "cross_sell", "call", "affluent", "time_deposit",
        0.40, 0.10, 0.035, 2.4, ("sms", "call"), 1.0, 12.0,
    ),
    CampaignTemplate(
        "春节财富季", 1, 20, 31, "cross_sell", "app_push", "affluent", "wealth_mgmt",
        0.50, 0.10, 0.030, 2.8, ("app_push", "impression", "sms"), 1.5, 0.8,
    ),
    CampaignTemplate(
        "信用卡新客礼", 3, 8, 24, "cross_sell", "sms", "mass", "credit_card",
        0.25, 0.10, 0.015, 2.4, ("sms", "app_push"), 0.8, 0.15, exclude_holders=True,
    ),
    CampaignTemplate(
        "线上理财广告", 3, 15, 45, "cross_sell", "impression", "all", "fund",
        0.15, 0.10, 0.012, 1.05, ("impression",), 2.0, 0.05,
    ),
    CampaignTemplate(
        "手机银行基金定投", 4, 10, 30, "activation", "app_push", "mass", "fund",
        0.35, 0.10, 0.012, 2.0, ("app_push", "impression"), 1.2, 0.5,
    ),
    CampaignTemplate(
        "私行客户尊享会", 5, 15, 30, "retention", "visit", "private", "wealth_mgmt",
        0.70, 0.20, 0.060, 2.2, ("call", "visit"), 1.0, 300.0,
    ),
    CampaignTemplate(
        "618年中刷卡节", 6, 1, 25, "activation", "sms", "mass", "credit_card",
        0.30, 0.10, 0.012, 2.2, ("sms", "app_push", "email"), 1.0, 0.15, exclude_holders=True,
    ),
    CampaignTemplate(
        "安心养老保险计划", 7, 1, 45, "cross_sell", "call", "age 45+", "insurance",
        0.25, 0.10, 0.015, 2.2, ("call", "sms", "email"), 1.0, 10.0, exclude_holders=True,
    ),
    CampaignTemplate(
        "沉睡客户唤醒", 8, 10, 30, "winback", "sms", "dormant", "time_deposit",
        0.60, 0.10, 0.020, 1.0, ("sms", "call"), 0.7, 2.0,
    ),
    CampaignTemplate(
        "基金定投月", 9, 1, 30, "cross_sell", "email", "mass", "fund",
        0.20, 0.10, 0.015, 1.1, ("email", "sms"), 0.8, 0.1,
    ),
    CampaignTemplate(
        "国庆理财节", 10, 8, 21, "cross_sell", "app_push", "affluent", "wealth_mgmt",
        0.45, 0.10, 0.030, 2.0, ("app_push", "call"), 1.2, 1.5,
    ),
    CampaignTemplate(
        "双十一手机银行节", 11, 1, 20, "activation", "app_push", "mass", "consumer_loan",
        0.35, 0.10, 0.010, 2.0, ("app_push", "impression", "sms"), 1.5, 0.4, exclude_holders=True,
    ),
    CampaignTemplate(
        "年末存款冲刺", 12, 1, 31, "retention", "call", "affluent", "time_deposit",
        0.40, 0.10, 0.040, 2.5, ("call", "sms"), 1.0, 12.0,
    ),
)  # fmt: skip
