"""Chinese labels of the model fields (SPEC §3), shared by views and APIs."""
from flask_babel import lazy_gettext as _l

AUDIT_LABELS = {
    "created_on": _l("创建时间"),
    "changed_on": _l("修改时间"),
    "created_by": _l("创建人"),
    "changed_by": _l("修改人"),
}

VILLAGE_LABELS = {
    "name": _l("名称"),
    "kind": _l("类型"),
    "code": _l("区划代码"),
    "sort_order": _l("排序"),
}

HOUSEHOLD_LABELS = {
    "village": _l("村(社区)"),
    "group_name": _l("村民小组"),
    "head_name": _l("户主姓名"),
    "head_id_number": _l("户主身份证号"),
    "category": _l("户类别"),
    "notes": _l("备注"),
    "members": _l("家庭成员"),
}

WORKER_LABELS = {
    "name": _l("姓名"),
    "id_number": _l("身份证号"),
    "gender": _l("性别"),
    "birth_date": _l("出生日期"),
    "phone": _l("联系电话"),
    "village": _l("村(社区)"),
    "group_name": _l("村民小组"),
    "household": _l("所属户"),
    "relation": _l("与户主关系"),
    "is_poverty_alleviated": _l("脱贫人口"),
    "is_monitored": _l("监测对象"),
    "is_hard_to_employ": _l("就业困难人员"),
    "education": _l("文化程度"),
    "health": _l("健康状况"),
    "labor_capacity": _l("劳动能力"),
    "employment_status": _l("就业状态"),
    "work_place": _l("务工地点"),
    "employer_name": _l("务工单位"),
    "skills": _l("技能特长"),
    "wanted_job_types": _l("求职意向"),
    "work_range": _l("意向务工范围"),
    "expected_daily_wage": _l("期望日薪(元)"),
    "verified_on": _l("核实日期"),
    "notes": _l("备注"),
}

JOB_TYPE_LABELS = {"name": _l("工种名称"), "occupation_code": _l("职业分类代码"), "sort_order": _l("排序")}

EMPLOYER_LABELS = {
    "name": _l("名称"),
    "kind": _l("主体类型"),
    "credit_code": _l("统一社会信用代码"),
    "contact_name": _l("联系人"),
    "contact_phone": _l("联系电话"),
    "address": _l("地址"),
    "village": _l("所在村(社区)"),
    "source_office": _l("信息来源"),
    "notes": _l("备注"),
    "jobs": _l("用工需求"),
}

JOB_LABELS = {
    "employer": _l("用工主体"),
    "title": _l("岗位名称"),
    "job_type": _l("工种"),
    "headcount": _l("需求人数"),
    "work_place": _l("务工地点"),
    "work_start": _l("开始日期"),
    "work_end": _l("结束日期"),
    "work_hours": _l("务工时段"),
    "wage_amount": _l("待遇金额"),
    "wage_unit": _l("计薪方式"),
    "requirements": _l("务工要求"),
    "age_min": _l("最低年龄"),
    "age_max": _l("最高年龄"),
    "gender_req": _l("性别要求"),
    "meals": _l("包吃"),
    "lodging": _l("包住"),
    "transport": _l("交通保障"),
    "insured": _l("是否购买保险"),
    "insurance_note": _l("保险说明"),
    "status": _l("状态"),
    "village": _l("采集村(社区)"),
    "source_office": _l("信息来源"),
    "collected_on": _l("采集日期"),
    "published_on": _l("发布日期"),
    "contact_name": _l("联系人"),
    "contact_phone": _l("联系电话"),
}

OPLOG_LABELS = {
    "at": _l("时间"),
    "username": _l("用户"),
    "role": _l("角色"),
    "village": _l("村(社区)"),
    "ip": _l("IP地址"),
    "action": _l("操作"),
    "resource": _l("对象"),
    "record_id": _l("记录编号"),
    "summary": _l("摘要"),
    "changes": _l("变更内容"),
}


def labels(*groups):
    merged = {}
    for group in groups:
        merged.update(group)
    merged.update(AUDIT_LABELS)
    return merged

DISPUTE_LABELS = {
    "case_no": _l("案件编号"),
    "received_on": _l("收案日期"),
    "source": _l("来源"),
    "village": _l("村(社区)"),
    "applicant_names": _l("申请人"),
    "applicant_workers": _l("关联劳动力"),
    "workers_involved": _l("涉及人数"),
    "respondent_employer": _l("被申请人(用工主体)"),
    "respondent_name": _l("被申请人"),
    "kind": _l("纠纷类型"),
    "amount_claimed": _l("涉及金额(元)"),
    "description": _l("纠纷事由"),
    "status": _l("状态"),
    "accepted_on": _l("受理日期"),
    "deadline": _l("办结期限"),
    "handler": _l("承办人"),
    "closed_on": _l("办结日期"),
    "amount_recovered": _l("追回金额(元)"),
    "outcome": _l("处理结果"),
    "agreement": _l("调解协议内容"),
    "time_flags": _l("时限提醒"),
}

DISPUTE_EVENT_LABELS = {
    "dispute": _l("案件"),
    "happened_on": _l("日期"),
    "action": _l("办理事项"),
    "content": _l("办理内容"),
}

SUBSIDY_LABELS = {
    "employer": _l("用工主体"),
    "subsidy_type": _l("补贴类型"),
    "people_count": _l("涉及人数"),
    "amount": _l("申报金额(元)"),
    "status": _l("状态"),
    "guided_on": _l("指导日期"),
    "applied_on": _l("申报日期"),
    "decided_on": _l("结果日期"),
    "amount_paid": _l("拨付金额(元)"),
    "note": _l("备注"),
}
