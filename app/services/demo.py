"""Realistic demo data: the ledgers of the town and a few months of the market's work on them.

:func:`generate` adds, deterministically for a seed and a day:

* households of several members in the five villages, with key groups (脱贫户, 监测户);
* employers in and outside the town and their jobs (用工需求), each job on a life course
  (待发布, 招聘中, 已招满, 已结束, 已撤回) with dates to match;
* referrals (推荐对接) in every status and placements (务工记录), made through
  :mod:`app.services.matching` in the order they happened, so employment statuses, placed
  counts and jobs reaching 已招满 follow from the rules, never written by hand;
* labour-dispute cases (劳资纠纷) through :mod:`app.services.disputes`: registered, accepted,
  concluded in each way, some overdue and some due soon, with their timelines;
* subsidy guidance (就业补贴申报指导) for some of the employers;
* weekly village reports (周报) of the recent weeks through :mod:`app.services.reports`:
  most submitted (on time, late, on paper), some drafts, some missing;
* the 10-day scoring (旬调度) of the last two periods, the older one published.

Numbers are generated, not real: ID numbers carry the district's area code (500114)
and a valid check digit; phone numbers use the 1380000xxxx test-like range.
Every service called here commits; it runs as the system actor (outside a request).
"""
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from flask_appbuilder.security.sqla.models import Role
from sqlalchemy import func, select
from stdnum.cn import ric

from app.models import (
    Dispute,
    Employer,
    Household,
    Job,
    JobType,
    LingongUser,
    Placement,
    Subsidy,
    Village,
    Worker,
)
from app.models.enums import EDUCATION_LEVELS, EMPLOYED_STATUSES, WORK_RANGES
from app.services import disputes, matching, reports, scoring, subsidies

SURNAMES = "张王李刘陈杨黄赵吴周徐孙马朱胡郭何罗高林冉谢彭向田付石庞邓杜秦"
GIVEN = "明华建国春梅秀英志强丽娟小红海军德福永芳玉兰桂香红霞伟平刚勇洪涛晓燕光荣文静家兴"

# Employers: name, kind, village (index into the five; None outside the town), work place of
# their jobs when outside the town, the office that collected them, and three jobs each:
# (工种, 岗位名称, 待遇, 计薪方式, 务工要求, 性别要求, 最高年龄, 务工时段).
DAY, MONTH = "元/天", "元/月"
EMPLOYERS = [
    ("重庆市黔江区中塘镇兴泉茶叶专业合作社", "专业合作社", 1, None, "特色产业办", [
        ("采茶工", "茶园采摘工", 110, DAY, "手脚麻利，能适应山地茶园作业", "不限", 65, "每天7:30-17:00"),
        ("农业种植工", "茶园除草施肥管护工", 130, DAY, "身体健康，会使用割草机优先", "不限", 65, "每天8:00-17:00"),
        ("普工", "茶叶加工厂包装工", 120, DAY, "做事细心，能适应车间作业", "女", 55, "每天8:00-18:00"),
    ]),
    ("黔江区胜利蔬菜种植大户冉某", "产业大户", 2, None, "农服中心", [
        ("农业种植工", "蔬菜基地种植工", 120, DAY, "有蔬菜种植经验优先", "不限", 65, "每天7:30-17:30"),
        ("搬运装卸工", "蔬菜装车搬运工", 180, DAY, "身体强壮，能搬运50斤以上货物", "男", 55, "每天6:00-12:00"),
        ("农业种植工", "大棚蔬菜采收工", 120, DAY, "身体健康，能吃苦耐劳", "不限", 65, "每天7:00-16:00"),
    ]),
    ("重庆黔中建筑劳务有限公司", "企业", None, "黔江区城区", "社保所", [
        ("泥瓦工", "房建项目泥瓦工", 300, DAY, "有2年以上砌筑、抹灰经验", "男", 58, "每天7:00-18:00"),
        ("钢筋工", "房建项目钢筋工", 320, DAY, "能看懂钢筋下料单，有施工经验", "男", 55, "每天7:00-18:00"),
        ("木工", "模板木工", 320, DAY, "有模板支护经验，服从现场安排", "男", 58, "每天7:00-18:00"),
    ]),
    ("中塘镇以工代赈农村道路项目", "以工代赈项目业主", 0, None, "村(社区)采集", [
        ("普工", "以工代赈道路硬化普工", 160, DAY, "优先招用项目所在村脱贫人口和监测对象", "不限", 65, "每天8:00-17:30"),
        ("挖掘机操作工", "挖掘机操作工", 380, DAY, "持挖掘机操作证，有2年以上操作经验", "男", 55, "每天8:00-17:30"),
        ("泥瓦工", "堡坎砌筑工", 260, DAY, "会砌筑片石堡坎", "男", 60, "每天8:00-17:30"),
    ]),
    ("中塘场镇向记农家乐", "个体工商户", 0, None, "村(社区)采集", [
        ("厨师", "农家乐厨师", 4500, MONTH, "会做本地家常菜、土家菜", "不限", 55, "每天9:00-20:00（中午休息2小时）"),
        ("帮厨", "帮厨", 2800, MONTH, "能配合厨师做好切配、洗碗", "不限", 60, "每天9:00-20:00（中午休息2小时）"),
        ("保洁员", "客房保洁员", 2500, MONTH, "爱干净，做事仔细", "女", 60, "每天8:00-16:00"),
    ]),
    ("黔江区双石烤烟种植大户", "产业大户", 4, None, "农服中心", [
        ("烟叶采收工", "烤烟采收工", 150, DAY, "有烟叶采收经验优先", "不限", 65, "每天6:30-15:00"),
        ("烟叶采收工", "烤烟分级工", 140, DAY, "视力好，会按部位、颜色分级", "不限", 65, "每天8:00-17:00"),
        ("农业种植工", "烟田翻耕起垄工", 150, DAY, "会使用微耕机", "男", 60, "每天7:30-17:00"),
    ]),
    ("重庆武陵山物流有限公司", "企业", None, "黔江区正阳物流园", "区人力社保局", [
        ("搬运装卸工", "物流装卸工", 200, DAY, "身体强壮，能适应夜班", "男", 50, "每天18:00-次日2:00"),
        ("驾驶员", "货车驾驶员", 6500, MONTH, "持B2及以上驾驶证，3年以上驾龄", "男", 55, "按配送线路安排"),
        ("普工", "快递分拣员", 4200, MONTH, "识字，会使用扫码枪", "不限", 50, "两班倒，每班8小时"),
    ]),
    ("迎新村集体经济股份合作社", "其他", 3, None, "村(社区)采集", [
        ("养殖工", "生猪养殖工", 3500, MONTH, "有养殖经验，能住场", "不限", 60, "每天8:00-18:00"),
        ("农业种植工", "中药材种植工", 120, DAY, "身体健康，能吃苦耐劳", "不限", 65, "每天8:00-17:00"),
        ("护林员", "生态护林员", 1500, MONTH, "熟悉本村山林，能按时巡山", "不限", 65, "每月巡山不少于20天"),
    ]),
    ("重庆正阳工业园区服装厂", "企业", None, "黔江区正阳工业园区", "渝职聘", [
        ("缝纫工", "服装厂缝纫工", 4800, MONTH, "熟练使用平车，计件工资多劳多得", "不限", 50, "每天8:00-18:00"),
        ("普工", "服装厂包装工", 3800, MONTH, "做事细心", "不限", 50, "每天8:00-18:00"),
        ("缝纫工", "锁边工", 4500, MONTH, "会使用锁边机", "女", 50, "每天8:00-18:00"),
    ]),
    ("黔江区康养服务中心", "企业", None, "黔江区城区", "社保所", [
        ("护工", "养老院护工", 4000, MONTH, "有耐心爱心，持护理证优先", "不限", 55, "三班倒"),
        ("家政服务员", "居家养老服务员", 150, DAY, "会做家务，能上门服务", "女", 55, "每天8:00-17:00"),
        ("保洁员", "保洁员", 2600, MONTH, "身体健康", "不限", 60, "每天7:30-16:30"),
    ]),
    ("重庆市渝北区某电子科技有限公司", "企业", None, "重庆市渝北区空港工业园区", "区人力社保局", [
        ("普工", "电子厂普工", 5200, MONTH, "视力良好，能适应两班倒，包吃住", "不限", 45, "两班倒，每班11小时"),
        ("普工", "电子厂质检员", 5000, MONTH, "初中以上文化", "不限", 40, "两班倒，每班11小时"),
        ("电商客服", "电商客服", 4500, MONTH, "会打字，普通话流利", "不限", 35, "每天9:00-18:00"),
    ]),
    ("福建省晋江市某鞋业有限公司", "企业", None, "福建省晋江市", "渝职聘", [
        ("普工", "鞋厂普工", 5500, MONTH, "东西部劳务协作岗位，报销往返车费", "不限", 45, "每天8:00-20:00"),
        ("缝纫工", "鞋面车位工", 6500, MONTH, "有车位经验，计件工资", "不限", 45, "每天8:00-20:00"),
        ("普工", "成型流水线工", 5800, MONTH, "能适应流水线作业", "男", 45, "每天8:00-20:00"),
    ]),
]
# Each employer's three jobs take three consecutive courses of this cycle.
COURSES = ("待发布", "招聘中", "已招满", "已结束", "已撤回")

CONNECTED_NOTES = ("已与用工单位负责人面谈，等待通知上岗", "已带本人到用工单位现场看岗", "用工单位已电话面试，待定")
PLACED_NOTES = ("已签订用工协议，按时到岗", "已到岗，用工单位反馈表现良好", "已上岗，村专员电话回访确认")
FAILED_NOTES = (
    "本人嫌工资偏低，不愿前往", "家中有老人需要照顾，暂不外出务工", "用工单位要求有相关经验，未录用",
    "通勤距离远，交通不便", "本人已自行找到工作", "试工一天后本人不愿继续",
)
FAR_FAILED_NOTE = "本人只愿在镇内务工，不愿外出"
WITHDRAWN_NOTE = "用工单位撤回需求"

HANDLERS = ("冉雪琴", "向思雨", "田毅")  # the office's mediators; no generated villager bears these names
# Respondents that are not in the employer ledger, and the work done for them.
CONTRACTORS = (
    ("包工头陈某", "承接的农房改造工程"), ("黔江区某装饰工程队", "承接的场镇门面装修工程"),
    ("农房建设包工头刘某", "承接的农房新建工程"), ("某劳务班组负责人彭某", "承接的通组公路硬化工程"),
    ("场镇某餐馆", "从事帮厨工作"),
)
DISPUTE_KIND_WEIGHTS = {"拖欠工资": 60, "工伤赔偿": 14, "劳动合同": 11, "社会保险": 8, "其他": 7}
DISPUTE_SOURCE_WEIGHTS = {"来访": 35, "来电": 15, "村(社区)上报": 25, "上级转办": 10, "12345热线": 12, "其他": 3}
# Each village's care for its weekly report: the chance a past week's report was submitted on time.
REPORT_DILIGENCE = (0.92, 0.85, 0.7, 0.8, 0.6)
REPORT_PROBLEMS = (
    None,
    "部分外出务工人员电话变更，信息核实难度大。",
    "季节性闲置劳动力多为50岁以上，与企业岗位年龄要求不匹配。",
    "部分脱贫户家庭劳动力因照顾老人小孩无法外出，就近就业岗位不足。",
    "企业岗位需求信息更新不及时，部分岗位已招满未及时反馈。",
    "村民对零工市场线上平台使用不熟悉，仍需入户宣传。",
)
FIGURES = ("new_workers", "updated_workers", "jobs_collected", "referrals", "placements", "open_disputes")
SPECIALIST_ROLE = "村(社区)就业服务专员"
OFFICE_ROLE = "社保所"


def make_id_number(rng, birth, sequence_gender):
    """An 18-digit number with the district's area code and a correct check digit."""
    body = f"500114{birth:%Y%m%d}{rng.randint(10, 99)}{sequence_gender}"
    return body + ric.calc_check_digit(body + "0")


def _person(rng, birth_year_range, gender=None):
    birth = date(rng.randint(*birth_year_range), rng.randint(1, 12), rng.randint(1, 28))
    gender = gender or rng.choice("男女")
    odd = rng.choice("13579") if gender == "男" else rng.choice("02468")
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    return name, birth, odd


def _status(rng, age, key, without_work=False):
    if without_work:  # a key household where nobody works yet: the 一户一人一就业 tracker's list
        return "无就业意愿" if age >= 65 or age < 20 else rng.choice(["未就业", "未就业", "季节性闲置"])
    if age >= 65:
        return rng.choice(["无就业意愿", "无就业意愿", "季节性闲置", "未就业"])
    if age < 20:
        return "无就业意愿"
    weights = {
        "未就业": 14 if key else 9, "季节性闲置": 10, "就地就近务工": 20, "区外市内务工": 12,
        "市外务工": 22, "灵活就业": 8, "自主创业": 3, "公益性岗位": 6 if key else 1, "无就业意愿": 5,
    }
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class _Clock:
    """The demo's day and a moment on it, never later than the real now (services refuse the future)."""

    def __init__(self, today):
        self.today = today
        self.now = datetime.now() if today >= date.today() else datetime.combine(today, time(18, 0))

    def at(self, day, hour, minute=0):
        return min(datetime.combine(day, time(hour, minute)), self.now)


def generate(session, workers=500, seed=2024, today=None):
    """Add about ``workers`` people in households and the few months of the market's work before
    ``today`` (default: the real today, which it must not be after: the services refuse the future).

    Referrals and disputes grow with ``workers`` within bounds (12–400 referrals, 8–60
    cases), so a large ledger stays quick to generate. Returns the number of workers made.
    """
    rng = random.Random(seed)
    clock = _Clock(today or date.today())
    villages = list(session.scalars(select(Village).order_by(Village.sort_order)))
    made = _households_and_workers(session, rng, villages, workers, clock)
    job_types = list(session.scalars(select(JobType).order_by(JobType.sort_order)))
    employers, jobs = _employers_and_jobs(session, rng, villages, job_types, clock.today, workers)
    session.commit()
    _referrals_and_placements(session, rng, jobs, clock.today, budget=max(12, min(400, workers * 3 // 10)))
    _disputes(session, rng, villages, employers, clock, count=max(8, min(60, workers // 25)))
    _subsidies(session, rng, employers, clock.today)
    _weekly_reports(session, rng, villages, clock)
    _scoring(session, clock)
    return made


# --- households and workers -------------------------------------------------------------


def _households_and_workers(session, rng, villages, workers, clock):
    today = clock.today
    type_names = [t for t in session.scalars(select(JobType.name).order_by(JobType.sort_order)) if t != "其他"]
    used_ids = set(session.scalars(select(Worker.id_number)))
    start = session.scalar(select(func.count(Household.id))) or 0
    made = 0
    while made < workers:
        village = villages[(start + made) % len(villages)]
        group = f"{rng.randint(1, 8)}组"
        roll = rng.random()
        category = "脱贫户" if roll < 0.16 else "监测户" if roll < 0.20 else "一般户"
        # Some key households are an ageing couple with nobody in work: the hard cases of 一户一人一就业.
        without_work = category != "一般户" and rng.random() < 0.4
        head_years = (1956, 1968) if without_work else (1950, 1985)
        head_name, head_birth, odd = _person(rng, head_years, "男" if rng.random() < 0.8 else "女")
        head_id = make_id_number(rng, head_birth, odd)
        if head_id in used_ids:
            continue
        household = Household(village=village, village_id=village.id, group_name=group, head_name=head_name,
                              head_id_number=head_id, category=category)
        session.add(household)
        # Most households were entered long ago; a few in the recent weeks (the weekly reports count them).
        entered = today - timedelta(days=rng.randint(0, 55) if rng.random() < 0.08 else rng.randint(60, 720))
        members = [("户主", head_name, head_birth, odd)]
        surname = head_name[0]
        if rng.random() < 0.85:
            name, birth, o = _person(rng, (head_birth.year - 3, head_birth.year + 5), "女" if odd in "13579" else "男")
            members.append(("配偶", name, birth, o))
        for _ in range(0 if without_work else rng.choice((0, 1, 1, 2, 2, 3))):
            name, birth, o = _person(rng, (min(head_birth.year + 20, 2006), min(head_birth.year + 30, 2008)))
            members.append(("子女", surname + name[1:], birth, o))
        if rng.random() < 0.2 and not without_work:
            name, birth, o = _person(rng, (1940, 1955))
            members.append(("父母", surname + name[1:], birth, o))
        key = category != "一般户"
        for relation, name, birth, o in members:
            id_number = head_id if relation == "户主" else make_id_number(rng, birth, o)
            if id_number in used_ids:
                continue
            used_ids.add(id_number)
            age = today.year - birth.year
            status = _status(rng, age, key, without_work)
            capacity = "丧失劳动力" if age >= 75 or rng.random() < 0.03 else (
                "弱劳动力" if age >= 60 else rng.choice(["普通劳动力", "普通劳动力", "技能劳动力"]))
            skills = rng.sample(type_names, rng.choice((0, 1, 1, 2)))
            verified = max(entered, today - timedelta(days=rng.randint(0, 60)))
            session.add(Worker(
                name=name, id_number=id_number, phone=f"138{rng.randint(0, 99999999):08d}",
                village=village, village_id=village.id, group_name=group, household=household,
                relation=relation, is_poverty_alleviated=category == "脱贫户" and rng.random() < 0.95,
                is_monitored=category == "监测户", is_hard_to_employ=key and rng.random() < 0.2,
                education=rng.choice(EDUCATION_LEVELS), health=rng.choices(["健康", "慢性病", "残疾", "大病"], [85, 10, 3, 2])[0],
                labor_capacity=capacity, employment_status=status,
                work_place={"就地就近务工": "黔江区", "区外市内务工": "重庆市渝北区", "市外务工": rng.choice(["浙江省宁波市", "广东省东莞市", "福建省泉州市"])}.get(status),
                skills="、".join(skills) or None,
                wanted_job_types="、".join(rng.sample(type_names, rng.choice((1, 2)))) if status in ("未就业", "季节性闲置") else None,
                work_range=rng.choice(WORK_RANGES), expected_daily_wage=rng.choice((120, 150, 180, 200, 250)),
                verified_on=verified,
                created_on=clock.at(entered, rng.randint(8, 11), rng.randint(0, 59)),
                changed_on=clock.at(verified, rng.randint(14, 17), rng.randint(0, 59)),
            ))
            made += 1
    return made


# --- employers and jobs -----------------------------------------------------------------


def _course_dates(rng, course, today):
    """(collected_on, published_on, work_start, work_end) of a job on ``course``.

    Ended jobs closed more than a month ago, before the filled ones opened, so a worker
    whose placement ended can be referred again.
    """
    if course == "已结束":
        collected = today - timedelta(days=rng.randint(95, 125))
        start = collected + timedelta(days=rng.randint(5, 10))
        end = min(start + timedelta(days=rng.randint(20, 50)), today - timedelta(days=rng.randint(35, 45)))
    elif course == "已招满":
        collected = today - timedelta(days=rng.randint(20, 32))
        start = collected + timedelta(days=rng.randint(4, 8))
        end = start + timedelta(days=rng.choice((60, 90, 180)))
    elif course == "招聘中":
        collected = today - timedelta(days=rng.randint(2, 26))
        start = collected + timedelta(days=rng.randint(4, 20))
        end = start + timedelta(days=rng.choice((30, 60, 90, 180)))
    elif course == "已撤回":
        collected = today - timedelta(days=rng.randint(30, 70))
        start = collected + timedelta(days=rng.randint(10, 20))
        end = start + timedelta(days=rng.choice((30, 60)))
    else:  # 待发布
        collected = today - timedelta(days=rng.randint(0, 6))
        start = today + timedelta(days=rng.randint(7, 30))
        end = start + timedelta(days=rng.choice((30, 60, 90)))
    published = collected + timedelta(days=1) if course != "待发布" else None
    return collected, published, start, end


def _employers_and_jobs(session, rng, villages, job_types, today, workers):
    """The employers not there yet and their jobs; returns (employers, [(job, course)]).

    Jobs on their way to 已招满 or 已结束 start as 招聘中: the placements fill them.
    Headcounts grow with the ledger (a small demo has small jobs).
    """
    by_name = {t.name: t for t in job_types}
    existing = set(session.scalars(select(Employer.name)))
    scale = max(0.2, min(3.0, workers / 500))
    employers, jobs = [], []
    for index, (name, kind, village_index, place, office, postings) in enumerate(EMPLOYERS):
        if name in existing:
            continue
        village = villages[village_index] if village_index is not None else None
        employer = Employer(
            name=name, kind=kind, contact_name=rng.choice(SURNAMES) + rng.choice(("经理", "主任", "老板", "女士", "先生")),
            contact_phone=f"139{rng.randint(0, 99999999):08d}",
            address=f"黔江区中塘镇{village.name}{rng.randint(1, 8)}组" if village else place,
            village=village, village_id=village.id if village else None, source_office=office,
        )
        session.add(employer)
        employers.append(employer)
        for n, (type_name, title, wage, unit, requirements, gender, age_max, hours) in enumerate(postings):
            course = COURSES[(index + n) % len(COURSES)]
            collected, published, start, end = _course_dates(rng, course, today)
            # The village specialist collects most jobs of a village's employers; an office those it publishes itself.
            by_village = village is not None and (office == "村(社区)采集" or n != 2)
            headcount = max(1, round(rng.choice((2, 3, 4, 5, 6, 8)) * scale))
            job = Job(
                employer=employer, title=title, job_type=by_name[type_name], headcount=headcount,
                work_place=f"黔江区中塘镇{village.name}" if village else place, work_start=start, work_end=end,
                work_hours=hours, wage_amount=wage, wage_unit=unit, requirements=requirements,
                age_min=18, age_max=age_max, gender_req=gender, meals=unit == MONTH or rng.random() < 0.5,
                lodging=place is not None and "黔江" not in place, transport="统一接送" if rng.random() < 0.3 else None,
                insured=unit == MONTH or rng.random() < 0.6,
                insurance_note="购买雇主责任险" if unit == DAY and rng.random() < 0.5 else None,
                status="待发布" if course == "待发布" else "招聘中",
                village=village if by_village else None, village_id=village.id if by_village else None,
                source_office="村(社区)采集" if by_village else office,
                collected_on=collected, published_on=published,
                contact_name=employer.contact_name, contact_phone=employer.contact_phone,
            )
            session.add(job)
            jobs.append((job, course))
    return employers, jobs


# --- referrals and placements -----------------------------------------------------------


def _outcomes(rng, course, job, today):
    """What becomes of the workers referred to a job, best-ranked first."""
    headcount = job.headcount
    if course == "已结束":
        placed, failed, connected, pending = rng.randint((headcount + 1) // 2, headcount), rng.randint(0, 2), 0, 0
    elif course == "已招满":
        placed, failed, connected, pending = headcount, rng.randint(1, 2), 0, 0
    elif course == "招聘中":
        started = job.work_start <= today
        placed = rng.randint(0, headcount - 1) if started else 0
        failed, connected, pending = rng.randint(0, 2), rng.randint(1, 2), rng.randint(1, 3)
    elif course == "已撤回":
        placed, failed, connected, pending = 0, rng.randint(1, 3), 0, 0
    else:
        return []
    outcomes = ["placed"] * placed + ["failed"] * failed + ["connected"] * connected + ["pending"] * pending
    head, tail = outcomes[:placed], outcomes[placed:]
    rng.shuffle(tail)
    # The best-ranked usually take the places; now and then the first of them does not.
    mixed = head + tail
    if placed and tail and rng.random() < 0.5:
        swap = rng.randrange(len(tail))
        mixed[0], mixed[placed + swap] = mixed[placed + swap], mixed[0]
    return mixed


def _referrals_and_placements(session, rng, jobs, today, budget):
    """Refer the best candidates of each job and carry each referral to its outcome, in the order
    it happened: ended jobs first (their workers are free again), then the withdrawn, filled and
    open ones. At most ``budget`` referrals, shared fairly between the jobs still to come."""
    order = {"已结束": 0, "已撤回": 1, "已招满": 2, "招聘中": 3}
    planned = sorted(((job, course) for job, course in jobs if course in order),
                     key=lambda pair: (order[pair[1]], pair[0].published_on, pair[0].id))
    for position, (job, course) in enumerate(planned):
        share = max(2, budget // max(1, len(planned) - position) * 2) if budget > 0 else 0
        outcomes = _outcomes(rng, course, job, today)[:min(share, budget)]
        if not outcomes:
            continue
        referred_on = min(job.published_on + timedelta(days=rng.randint(0, 3)), today)
        matches = matching.candidates_for_job(session, job, limit=len(outcomes), today=referred_on)
        if not matches:
            continue
        made = matching.refer(session, job, [m.id for m in matches], today=referred_on)
        by_worker = {r.worker_id: r for r in made}
        budget -= len(made)
        start = max(job.work_start, referred_on + timedelta(days=1))
        if start > today:  # met the employer, not at work yet
            outcomes = ["connected" if o == "placed" else o for o in outcomes]
        for match, outcome in zip(matches, outcomes):
            referral = by_worker[match.id]
            _carry(session, rng, referral, outcome, job, course, start)
        if course == "已结束":
            _end_job(session, job)
        elif course == "已撤回":
            job.status = "已撤回"
            session.commit()


def _carry(session, rng, referral, outcome, job, course, start):
    far = job.village_id is None and job.employer.village_id is None and "黔江" not in (job.work_place or "")
    if outcome == "placed" and far and referral.worker.work_range == "镇内":
        outcome, note = "failed", FAR_FAILED_NOTE
    elif course == "已撤回":
        note = WITHDRAWN_NOTE
    else:
        note = rng.choice(FAILED_NOTES)
    if outcome == "pending":
        return
    if outcome == "connected" or rng.random() < 0.6:
        matching.move_referral(session, referral, "已对接", note=rng.choice(CONNECTED_NOTES))
    if outcome == "placed":
        matching.move_referral(session, referral, "已上岗", start_date=start, note=rng.choice(PLACED_NOTES))
    elif outcome == "failed":
        matching.move_referral(session, referral, "未成功", note=note)


def _end_job(session, job):
    """The job's work is over: its placements end on the last working day, the job is 已结束."""
    for placement in session.scalars(select(Placement).where(Placement.job_id == job.id, Placement.end_date.is_(None))
                                     .order_by(Placement.id)):
        matching.end_placement(session, placement, end_date=job.work_end)
    job.status = "已结束"
    session.commit()


# --- labour disputes --------------------------------------------------------------------


def _dispute_plan(rng, count, today):
    """[(final status, received_on)]: one case of each kind a specialist must notice, then the usual mix."""
    late_receipt = today - timedelta(days=6)
    while disputes.working_days_after(late_receipt, today) <= disputes.ACCEPTANCE_WORKING_DAYS + 1:
        late_receipt -= timedelta(days=1)
    plan = [
        ("已登记", today - timedelta(days=rng.randint(0, 1))),  # just received
        ("已登记", late_receipt),  # 待受理
        ("调解中", today - timedelta(days=13)),  # 即将到期
        ("调解中", today - timedelta(days=rng.randint(18, 28))),  # 已超期
        ("调解成功", today - timedelta(days=rng.randint(25, 60))),
        ("已移交仲裁", today - timedelta(days=rng.randint(30, 90))),
        ("已撤回", today - timedelta(days=rng.randint(20, 120))),
        ("不予受理", today - timedelta(days=rng.randint(20, 120))),
    ]
    finals = {"调解成功": 14, "调解中": 2, "调解不成": 2, "已移交仲裁": 1, "已撤回": 2, "不予受理": 1, "已超期": 1}
    while len(plan) < count:
        final = rng.choices(list(finals), weights=list(finals.values()))[0]
        if final == "调解中":
            plan.append((final, today - timedelta(days=rng.randint(2, 11))))
        elif final == "已超期":
            plan.append(("调解中", today - timedelta(days=rng.randint(16, 35))))
        else:
            plan.append((final, today - timedelta(days=rng.randint(16, 160))))
    return sorted(plan, key=lambda item: item[1])


def _postings(employer_name):
    return next(jobs for name, *_rest, jobs in EMPLOYERS if name == employer_name)


def _dispute_case(rng, village, applicants, employers, received):
    """A new case's facts: who, against whom, what for, how much."""
    kind = rng.choices(list(DISPUTE_KIND_WEIGHTS), weights=list(DISPUTE_KIND_WEIGHTS.values()))[0]
    group = kind == "拖欠工资" and rng.random() < 0.3
    named = applicants[:1] if kind != "拖欠工资" else applicants
    involved = len(named) + (rng.randint(3, 12) if group else 0)
    names = "、".join(w.name for w in named) + (f"等{involved}人" if group else "")
    employer = rng.choice(employers) if employers and rng.random() < 0.5 else None
    if employer is not None:
        _type, title, wage, unit, *_rest = rng.choice(_postings(employer.name))
        respondent, work = employer.name, f"从事{title}工作"
    else:
        (respondent, work), wage, unit = rng.choice(CONTRACTORS), rng.choice((150, 180, 200, 260, 300)), DAY
    first = received - timedelta(days=rng.randint(60, 240))
    months = f"{first.year}年{first.month}月至{received.year}年{received.month}月"
    if kind == "拖欠工资":
        if unit == DAY:
            amount, agreed = involved * wage * rng.randint(15, 60), f"约定日工资{wage}元"
        else:
            amount, agreed = involved * wage * rng.randint(1, 3), f"约定月工资{wage}元"
        excuse = "完工后被申请人以工程款未结算为由" if "工程" in work else "被申请人以资金周转困难为由"
        text = (f"申请人于{months}在{respondent}{work}，{agreed}，{excuse}拖欠工资共计{amount}元，"
                f"经多次催要未果，请求协助追讨。")
    elif kind == "工伤赔偿":
        amount = rng.randint(8, 60) * 1000
        text = (f"申请人在{respondent}{work}期间不慎摔伤，住院治疗花费医疗费用约{amount // 2}元，"
                f"被申请人仅垫付部分费用，双方就误工费、护理费等赔偿金额协商未果。")
    elif kind == "劳动合同":
        amount = rng.randint(6, 30) * 1000
        text = (f"申请人于{months}在被申请人处工作，未签订书面劳动合同，被申请人口头通知解除用工，"
                f"申请人要求支付未签订劳动合同的二倍工资差额及经济补偿共计{amount}元。")
    elif kind == "社会保险":
        amount = rng.randint(5, 25) * 1000
        text = "申请人在被申请人处连续工作两年以上，被申请人未为其缴纳社会保险，申请人要求补缴并赔偿相应损失。"
    else:
        amount = rng.randint(5, 30) * 100
        text = f"申请人离职时，被申请人以赔偿工具损坏为由扣留押金及最后半个月工资共{amount}元，申请人要求退还。"
    source = rng.choices(list(DISPUTE_SOURCE_WEIGHTS), weights=list(DISPUTE_SOURCE_WEIGHTS.values()))[0]
    return Dispute(
        village_id=village.id, received_on=received, source=source, applicant_names=names,
        workers_involved=involved, respondent_employer=employer, respondent_employer_id=employer.id if employer else None,
        respondent_name=respondent, kind=kind, amount_claimed=Decimal(amount), description=text,
        applicant_workers=list(named),
    )


def _disputes(session, rng, villages, employers, clock, count):
    """``count`` cases registered in the order received (so their numbers run with the dates) and
    carried through the status machine to their planned state, with the office's visits and calls."""
    today = clock.today
    people = {}  # village id → ids of adults who work or want to (the first few thousand are plenty)
    for worker_id, village_id in session.execute(select(Worker.id, Worker.village_id).where(
            Worker.employment_status.in_(EMPLOYED_STATUSES + ("未就业", "季节性闲置")),
            Worker.birth_date <= today - timedelta(days=20 * 366)).order_by(Worker.id).limit(5000)):
        people.setdefault(village_id, []).append(worker_id)
    for final, received in _dispute_plan(rng, count, today):
        village = rng.choice([v for v in villages if people.get(v.id)] or villages)
        pool = people.get(village.id) or []
        chosen = rng.sample(pool, min(len(pool), rng.choice((1, 1, 2, 3)))) if pool else []
        applicants = [session.get(Worker, worker_id) for worker_id in chosen]
        case = _dispute_case(rng, village, applicants, employers, received)
        if not applicants:
            case.applicant_names, case.workers_involved = rng.choice(SURNAMES) + "某", 1
        disputes.register(session, case)
        _carry_dispute(session, rng, case, final, clock)


def _carry_dispute(session, rng, case, final, clock):
    today = clock.today

    def day_after(day, low, high):
        return min(day + timedelta(days=rng.randint(low, high)), today)

    def move(status, on, **fields):
        disputes.transition(session, case, status, on, today=today, **fields)

    def event(on, action, content):
        disputes.add_event(session, case, on, action, content)

    received = case.received_on
    if final == "已登记":
        return
    if final == "不予受理":
        move("不予受理", day_after(received, 0, 2), reason=rng.choice((
            "双方系承揽关系，不属于劳动争议调解范围，已告知申请人可向人民法院提起诉讼",
            "申请人已就同一事项向区劳动人事争议仲裁委员会申请仲裁，不再重复受理")))
        return
    accepted = day_after(received, 0, 2)
    move("调解中", accepted, handler=rng.choice(HANDLERS))
    investigated = day_after(accepted, 1, 3)
    if investigated > accepted or rng.random() < 0.5:
        event(investigated, "调查", rng.choice((
            f"电话联系被申请人{case.respondent_name}，核实用工时间和欠付金额",
            "到务工现场了解用工情况，调取考勤记录和工资发放记录",
            "联系村(社区)就业服务专员协助核实务工人员名单和出勤天数")))
    if final == "调解中":
        if rng.random() < 0.5:
            event(day_after(investigated, 1, 4), "调解", "组织双方在镇社保所调解室面对面调解，被申请人同意核对工资台账后答复")
        return
    mediated = day_after(investigated, 1, 6)
    event(mediated, "调解", rng.choice((
        "组织双方在镇社保所调解室面对面调解，释明相关法律规定",
        "联合司法所、村(社区)人民调解委员会开展联合调解",
        "电话与双方分别沟通，听取双方意见")) + (
        "，双方就金额初步达成一致" if final == "调解成功" else "，被申请人对金额有异议，双方未达成一致"
        if final in ("调解不成", "已移交仲裁") else ""))
    closed = day_after(mediated, 0, 8)
    if final == "调解成功":
        claimed = case.amount_claimed or Decimal(1000)
        recovered = (claimed * Decimal(rng.choice((70, 80, 90, 100, 100))) / 100).quantize(Decimal(1))
        pay_by = closed + timedelta(days=rng.choice((3, 7, 15)))
        move("调解成功", closed, amount_recovered=recovered, agreement=(
            f"被申请人于{pay_by.year}年{pay_by.month}月{pay_by.day}日前一次性支付申请人{recovered}元，"
            f"申请人放弃其他请求，双方就本纠纷再无其他争议。"))
        if pay_by + timedelta(days=2) <= today and rng.random() < 0.7:
            event(day_after(pay_by, 1, 5), "回访", "电话回访申请人，确认款项已按调解协议足额到账")
    elif final == "已撤回":
        move("已撤回", closed, note="被申请人已主动履行，申请人撤回申请")
    else:  # 调解不成, 已移交仲裁
        move("调解不成", closed, note="双方对金额分歧较大，经多次调解未能达成一致")
        if final == "已移交仲裁":
            move("已移交仲裁", day_after(closed, 1, 5),
                 reason="调解不成，引导申请人向黔江区劳动人事争议仲裁委员会申请仲裁并协助准备材料")


# --- subsidy guidance -------------------------------------------------------------------


def _subsidies(session, rng, employers, today):
    """Guidance for the employers that typically apply: each at the state its dates reached."""
    placed = dict(session.execute(select(Placement.employer_id, func.count(Placement.id))
                                  .group_by(Placement.employer_id)).all())
    made = []
    for employer in employers:
        people = placed.get(employer.id, 0) or rng.randint(3, 12)
        guided = today - timedelta(days=rng.randint(30, 80))
        if employer.kind == "以工代赈项目业主":
            row = Subsidy(subsidy_type="以工代赈劳务报酬", people_count=people, amount=Decimal(people * 160 * 22),
                          status="已拨付", guided_on=guided, applied_on=guided + timedelta(days=10),
                          decided_on=guided + timedelta(days=25), amount_paid=Decimal(people * 160 * 22),
                          note="按项目务工人员考勤表核发劳务报酬")
        elif employer.kind == "专业合作社":
            row = Subsidy(subsidy_type="吸纳就业补贴", people_count=people, amount=Decimal(people * 1000),
                          status="已申报", guided_on=guided, applied_on=guided + timedelta(days=12),
                          note="吸纳脱贫人口就业，按每人1000元申报")
        elif employer.name.startswith("重庆正阳"):
            row = Subsidy(subsidy_type="社会保险补贴", people_count=people, amount=None, status="指导中",
                          guided_on=today - timedelta(days=rng.randint(3, 15)), note="已指导企业准备劳动合同和社保缴费凭证")
        elif employer.name.startswith("黔江区康养"):
            row = Subsidy(subsidy_type="岗位补贴", people_count=people, amount=Decimal(people * 500),
                          status="已拨付", guided_on=guided, applied_on=guided + timedelta(days=7),
                          decided_on=guided + timedelta(days=30), amount_paid=Decimal(people * 500))
        elif employer.name.startswith("重庆黔中"):
            row = Subsidy(subsidy_type="吸纳就业补贴", people_count=people, amount=Decimal(people * 1000),
                          status="未通过", guided_on=guided, applied_on=guided + timedelta(days=8),
                          decided_on=guided + timedelta(days=28), note="吸纳人员未签订一年以上劳动合同，不符合申报条件")
        else:
            continue
        row.employer = employer
        row.employer_id = employer.id
        subsidies.check_subsidy(row)
        made.append(row)
    session.add_all(made)
    session.commit()


# --- weekly reports ---------------------------------------------------------------------


def _user_ids(session):
    """The office's user and each village's specialist, when the demo accounts exist (else None)."""
    def first(*where):
        return session.scalar(select(LingongUser.id).join(LingongUser.roles).where(*where)
                              .order_by(LingongUser.id).limit(1))

    office = first(Role.name == OFFICE_ROLE)
    specialists = dict(session.execute(
        select(LingongUser.village_id, func.min(LingongUser.id)).join(LingongUser.roles)
        .where(Role.name == SPECIALIST_ROLE, LingongUser.village_id.is_not(None))
        .group_by(LingongUser.village_id)).all())
    return office, specialists


def _summary(rng, figures):
    """本周工作情况 as a specialist writes it, from the week's figures (a report or a dict)."""
    if not isinstance(figures, dict):
        figures = {name: getattr(figures, name) for name in FIGURES}
    visits = rng.randint(6, 25)
    return (f"本周入户走访{visits}户，新采集劳动力信息{figures['new_workers']}人，更新核实{figures['updated_workers']}人；"
            f"收集用工需求{figures['jobs_collected']}条，推荐对接{figures['referrals']}人次，新上岗{figures['placements']}人；"
            f"在办劳资纠纷{figures['open_disputes']}件。"
            + rng.choice(("在村民微信群推送岗位信息3次。", "重点跟踪脱贫户、监测户家庭劳动力就业情况。",
                          "配合社保所开展零工市场政策宣传。", "")))


def _weekly_reports(session, rng, villages, clock):
    """The last eight weeks: on time, late, on paper or by WeChat, left as a draft, or missing;
    this week, drafts of the villages that started. Existing reports are left alone."""
    office, specialists = _user_ids(session)
    weeks = reports.recent_weeks(clock.today, 8)
    current = weeks[-1]
    for index, village in enumerate(villages):
        diligence = REPORT_DILIGENCE[index % len(REPORT_DILIGENCE)]
        for year, week in weeks:
            if reports.find(session, village.id, year, week) is not None:
                continue
            monday, sunday = reports.week_days(year, week)
            roll = rng.random()
            if (year, week) == current:
                # The first village reports on Sunday; three others have started their drafts.
                if index == 0 and sunday <= clock.today:
                    _submit(session, rng, reports.open_report(session, village.id, year, week),
                            clock.at(sunday, 16), specialists.get(village.id))
                elif index < 4:
                    report = reports.open_report(session, village.id, year, week)
                    reports.save_draft(session, report, _summary(rng, report) if index % 2 else None, None)
                continue
            if roll < diligence:
                submitted = clock.at(sunday - timedelta(days=rng.choice((0, 0, 1, 2))), rng.randint(9, 21))
                if rng.random() < 0.15:
                    _record_paper(session, rng, village, year, week, submitted, office)
                else:
                    _submit(session, rng, reports.open_report(session, village.id, year, week), submitted,
                            specialists.get(village.id))
            elif roll < diligence + (1 - diligence) * 0.6:
                late = clock.at(sunday + timedelta(days=rng.randint(1, 3)), rng.randint(9, 17))
                _submit(session, rng, reports.open_report(session, village.id, year, week), late,
                        specialists.get(village.id))
            elif roll < diligence + (1 - diligence) * 0.8:
                report = reports.open_report(session, village.id, year, week)
                reports.save_draft(session, report, _summary(rng, report), None)


def _submit(session, rng, report, at, user_id):
    reports.submit(session, report, _summary(rng, report), rng.choice(REPORT_PROBLEMS), user_id, now=at)


def _record_paper(session, rng, village, year, week, at, office):
    figures = reports.draft_figures(session, village.id, year, week)
    summary = _summary(rng, figures)
    reports.record_received(session, village.id, year, week, at, rng.choice(reports.PAPER_CHANNELS), summary,
                            rng.choice(REPORT_PROBLEMS), office)


# --- the 10-day scoring -----------------------------------------------------------------


def _scoring(session, clock):
    """The last two whole 旬: the older computed and published the day after it ended, the later
    computed only (its bulletin awaits publication). Skipped before scoring starts in the year
    (a period before the first is refused) and when either period exists already."""
    office, _ = _user_ids(session)
    latest = scoring.Period.containing(clock.today).previous()
    older = latest.previous()
    settings = scoring.current_settings(session)
    session.commit()
    for period in (older, latest):
        if period < scoring.first_period_of(settings, period.year) or scoring.get_period(session, period.key):
            return
    day_after = older.end + timedelta(days=1)
    scoring.compute(session, older.key, now=clock.at(day_after, 9))
    scoring.publish(session, older.key, user_id=office, now=clock.at(day_after, 15, 30))
    scoring.compute(session, latest.key, now=clock.at(latest.end + timedelta(days=1), 9))
