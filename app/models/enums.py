"""Chinese enumerations of SPEC §3, stored exactly as written there."""

VILLAGE_KINDS = ("村", "社区")
HOUSEHOLD_CATEGORIES = ("脱贫户", "监测户", "一般户")
KEY_HOUSEHOLD_CATEGORIES = ("脱贫户", "监测户")
GENDERS = ("男", "女")
RELATIONS = ("户主", "配偶", "子女", "父母", "兄弟姐妹", "孙子女", "其他")
EDUCATION_LEVELS = ("小学及以下", "初中", "高中(中专)", "大专及以上")
HEALTH_STATES = ("健康", "慢性病", "残疾", "大病")
LABOR_CAPACITIES = ("普通劳动力", "技能劳动力", "弱劳动力", "丧失劳动力")
NO_LABOR_CAPACITY = "丧失劳动力"
EMPLOYMENT_STATUSES = (
    "未就业",
    "季节性闲置",
    "就地就近务工",
    "区外市内务工",
    "市外务工",
    "灵活就业",
    "自主创业",
    "公益性岗位",
    "无就业意愿",
)
EMPLOYED_STATUSES = ("就地就近务工", "区外市内务工", "市外务工", "灵活就业", "自主创业", "公益性岗位")
NOT_SEEKING_STATUS = "无就业意愿"
WORK_RANGES = ("镇内", "区内", "市内", "市外", "不限")
EMPLOYER_KINDS = ("企业", "产业大户", "专业合作社", "以工代赈项目业主", "个体工商户", "其他")
SOURCE_OFFICES = ("村(社区)采集", "社保所", "农服中心", "特色产业办", "经发办", "区人力社保局", "渝职聘")
WAGE_UNITS = ("元/天", "元/小时", "元/月", "元/件", "面议")
GENDER_REQUIREMENTS = ("不限", "男", "女")
JOB_STATUSES = ("待发布", "招聘中", "已招满", "已结束", "已撤回")
PUBLISHED_JOB_STATUSES = ("招聘中", "已招满", "已结束")
OPEN_JOB_STATUS = "招聘中"
FULL_JOB_STATUS = "已招满"
REFERRAL_STATUSES = ("已推荐", "已对接", "已上岗", "未成功")
REFERRAL_ACTIVE_STATUSES = ("已推荐", "已对接", "已上岗")
REFERRAL_PLACED = "已上岗"
REFERRAL_MOVES = {"已推荐": ("已对接", "已上岗", "未成功"), "已对接": ("已上岗", "未成功")}
PLACEMENT_KINDS = ("就地就近", "转移就业")
IDLE_STATUS = "未就业"

VILLAGES = (  # name, kind — in the order of SPEC §1
    ("中塘村", "村"),
    ("兴泉村", "村"),
    ("胜利村", "村"),
    ("迎新村", "村"),
    ("双石村", "村"),
)

JOB_TYPES = (  # name, GB/T 6565 occupation code where one fits
    ("普工", "6-31-01"),
    ("泥瓦工", "6-29-01"),
    ("木工", "6-29-03"),
    ("钢筋工", "6-29-01"),
    ("电焊工", "6-18-02"),
    ("水电工", "6-29-03"),
    ("装修工", "6-29-03"),
    ("搬运装卸工", "4-02-06"),
    ("采茶工", "5-01-02"),
    ("烟叶采收工", "5-01-02"),
    ("农业种植工", "5-01-02"),
    ("养殖工", "5-03-01"),
    ("厨师", "4-03-02"),
    ("帮厨", "4-03-02"),
    ("保洁员", "4-09-08"),
    ("保安员", "4-07-05"),
    ("驾驶员", "4-02-02"),
    ("挖掘机操作工", "6-29-02"),
    ("护林员", "5-02-02"),
    ("家政服务员", "4-10-01"),
    ("护工", "4-14-01"),
    ("缝纫工", "6-05-02"),
    ("电商客服", "4-07-02"),
    ("其他", None),
)

# Labour disputes and subsidy guidance (SPEC §3).
DISPUTE_SOURCES = ("来访", "来电", "村(社区)上报", "上级转办", "12345热线", "其他")
DISPUTE_KINDS = ("拖欠工资", "工伤赔偿", "劳动合同", "社会保险", "其他")
DISPUTE_STATUSES = ("已登记", "调解中", "调解成功", "调解不成", "已撤回", "不予受理", "已移交仲裁")
DISPUTE_CONCLUDED_STATUSES = ("不予受理", "调解成功", "调解不成", "已撤回", "已移交仲裁")
DISPUTE_EVENT_ACTIONS = ("受理", "调查", "调解", "回访", "移交", "结案", "其他")
SUBSIDY_TYPES = ("吸纳就业补贴", "社会保险补贴", "岗位补贴", "以工代赈劳务报酬", "其他")
SUBSIDY_STATUSES = ("指导中", "已申报", "已拨付", "未通过")
