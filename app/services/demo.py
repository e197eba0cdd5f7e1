"""Realistic demo data: households of several members, key groups, employers and jobs.

Numbers are generated, not real: ID numbers carry the district's area code (500114)
and a valid check digit; phone numbers use the 1380000xxxx test-like range.
"""
import random
from datetime import date, timedelta

from sqlalchemy import func, select
from stdnum.cn import ric

from app.models import Employer, Household, Job, JobType, Village, Worker
from app.models.enums import (
    EDUCATION_LEVELS,
    JOB_STATUSES,
    SOURCE_OFFICES,
    WORK_RANGES,
)

SURNAMES = "张王李刘陈杨黄赵吴周徐孙马朱胡郭何罗高林冉谢彭向田付石庞邓杜秦"
GIVEN = "明华建国春梅秀英志强丽娟小红海军德福永芳玉兰桂香红霞伟平刚勇洪涛晓燕光荣文静家兴"
JOB_TITLES = {
    "普工": "生产线普工", "泥瓦工": "农房改造泥瓦工", "木工": "装修木工", "钢筋工": "道路工程钢筋工",
    "电焊工": "钢结构电焊工", "搬运装卸工": "物流装卸工", "采茶工": "春茶采摘工", "烟叶采收工": "烤烟采收工",
    "农业种植工": "蔬菜基地种植工", "养殖工": "生猪养殖工", "厨师": "农家乐厨师", "帮厨": "食堂帮厨",
    "保洁员": "场镇保洁员", "保安员": "园区保安员", "驾驶员": "货车驾驶员", "挖掘机操作工": "挖掘机操作工",
    "护林员": "生态护林员", "家政服务员": "家政服务员", "护工": "养老院护工", "缝纫工": "服装厂缝纫工",
    "电商客服": "农特产品电商客服",
}
EMPLOYERS = [
    ("重庆市黔江区中塘镇兴泉茶叶专业合作社", "专业合作社"),
    ("黔江区胜利蔬菜种植大户冉某", "产业大户"),
    ("重庆黔中建筑劳务有限公司", "企业"),
    ("中塘镇以工代赈农村道路项目", "以工代赈项目业主"),
    ("中塘场镇向记农家乐", "个体工商户"),
    ("黔江区双石烤烟种植大户", "产业大户"),
    ("重庆武陵山物流有限公司", "企业"),
    ("迎新村集体经济股份合作社", "其他"),
    ("重庆正阳工业园区服装厂", "企业"),
    ("黔江区康养服务中心", "企业"),
]


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


def _status(rng, age, key):
    if age >= 65:
        return rng.choice(["无就业意愿", "无就业意愿", "季节性闲置", "未就业"])
    if age < 20:
        return "无就业意愿"
    weights = {
        "未就业": 14 if key else 9, "季节性闲置": 10, "就地就近务工": 20, "区外市内务工": 12,
        "市外务工": 22, "灵活就业": 8, "自主创业": 3, "公益性岗位": 6 if key else 1, "无就业意愿": 5,
    }
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def generate(session, workers=500, seed=2024, today=None):
    """Add about ``workers`` people in households, plus employers and jobs in every status."""
    rng = random.Random(seed)
    today = today or date.today()
    villages = list(session.scalars(select(Village).order_by(Village.sort_order)))
    job_types = list(session.scalars(select(JobType).order_by(JobType.sort_order)))
    type_names = [t.name for t in job_types if t.name != "其他"]
    used_ids = set(session.scalars(select(Worker.id_number)))
    start = (session.scalar(select(func.count(Household.id))) or 0)
    made = 0
    while made < workers:
        village = villages[(start + made) % len(villages)]
        group = f"{rng.randint(1, 8)}组"
        roll = rng.random()
        category = "脱贫户" if roll < 0.16 else "监测户" if roll < 0.20 else "一般户"
        head_name, head_birth, odd = _person(rng, (1950, 1985), "男" if rng.random() < 0.8 else "女")
        head_id = make_id_number(rng, head_birth, odd)
        if head_id in used_ids:
            continue
        household = Household(village=village, village_id=village.id, group_name=group, head_name=head_name,
                              head_id_number=head_id, category=category)
        session.add(household)
        members = [("户主", head_name, head_birth, odd)]
        surname = head_name[0]
        if rng.random() < 0.85:
            name, birth, o = _person(rng, (head_birth.year - 3, head_birth.year + 5), "女" if odd in "13579" else "男")
            members.append(("配偶", name, birth, o))
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
            name, birth, o = _person(rng, (min(head_birth.year + 20, 2006), min(head_birth.year + 30, 2008)))
            members.append(("子女", surname + name[1:], birth, o))
        if rng.random() < 0.2:
            name, birth, o = _person(rng, (1940, 1955))
            members.append(("父母", surname + name[1:], birth, o))
        key = category != "一般户"
        for relation, name, birth, o in members:
            id_number = head_id if relation == "户主" else make_id_number(rng, birth, o)
            if id_number in used_ids:
                continue
            used_ids.add(id_number)
            age = today.year - birth.year
            status = _status(rng, age, key)
            capacity = "丧失劳动力" if age >= 75 or rng.random() < 0.03 else (
                "弱劳动力" if age >= 60 else rng.choice(["普通劳动力", "普通劳动力", "技能劳动力"]))
            skills = rng.sample(type_names, rng.choice((0, 1, 1, 2)))
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
                verified_on=today - timedelta(days=rng.randint(0, 60)),
            ))
            made += 1
    _employers_and_jobs(session, rng, villages, job_types, today)
    session.commit()
    return made


def _employers_and_jobs(session, rng, villages, job_types, today):
    by_name = {t.name: t for t in job_types}
    existing = set(session.scalars(select(Employer.name)))
    employers = []
    for index, (name, kind) in enumerate(EMPLOYERS):
        if name in existing:
            continue
        village = villages[index % len(villages)] if kind != "企业" or index % 3 == 0 else None
        employer = Employer(
            name=name, kind=kind, contact_name=rng.choice(SURNAMES) + "经理",
            contact_phone=f"139{rng.randint(0, 99999999):08d}", address=(village.name if village else "黔江区"),
            village=village, village_id=village.id if village else None,
            source_office=SOURCE_OFFICES[index % 4] if village else "社保所",
        )
        session.add(employer)
        employers.append(employer)
    titles = list(JOB_TITLES.items())
    for index, employer in enumerate(employers):
        for n in range(3):
            type_name, title = titles[(index * 3 + n) % len(titles)]
            status = JOB_STATUSES[(index + n) % len(JOB_STATUSES)]
            start = today + timedelta(days=rng.randint(-40, 30))
            collected = start - timedelta(days=rng.randint(3, 20))
            village = employer.village
            session.add(Job(
                employer=employer, title=title, job_type=by_name[type_name], headcount=rng.choice((2, 3, 5, 8, 10, 20)),
                work_place=(village.name if village else "黔江区城区"), work_start=start,
                work_end=start + timedelta(days=rng.choice((10, 30, 60, 90))), work_hours="每天8:00-17:00",
                wage_amount=rng.choice((120, 150, 180, 200, 260)), wage_unit="元/天",
                requirements="身体健康，能吃苦耐劳", age_min=18, age_max=rng.choice((55, 60, 65)),
                gender_req=rng.choice(("不限", "不限", "男", "女")), meals=rng.random() < 0.6,
                lodging=rng.random() < 0.3, transport="统一接送" if rng.random() < 0.3 else None,
                insured=rng.random() < 0.7, status=status,
                village=village, village_id=village.id if village else None,
                source_office="村(社区)采集" if village else employer.source_office,
                collected_on=collected, published_on=collected + timedelta(days=1) if status != "待发布" else None,
                contact_name=employer.contact_name, contact_phone=employer.contact_phone,
            ))
