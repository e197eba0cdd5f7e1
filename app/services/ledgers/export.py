"""Exporting the ledgers in the template layout, scoped by the row rule and masked."""
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.models import Job, Village, Worker
from app.models.job_type import JobType
from app.services import audit
from app.services.ledgers.columns import job_columns, worker_columns
from app.services.ledgers.workbook import export_rows
from app.services.masking import mask_id_number, mask_phone


def _yes_no(value):
    return "是" if value else "否"


def worker_row(index, worker, unmasked):
    household = worker.household
    id_number = worker.id_number if unmasked else mask_id_number(worker.id_number)
    head_id = household.head_id_number if household else None
    if head_id and not unmasked:
        head_id = mask_id_number(head_id)
    return [
        index, worker.village.name, worker.group_name, household.head_name if household else None, head_id,
        household.category if household else None, worker.name, id_number, worker.relation,
        worker.phone if unmasked else mask_phone(worker.phone), worker.education, worker.health,
        worker.labor_capacity, _yes_no(worker.is_poverty_alleviated), _yes_no(worker.is_monitored),
        _yes_no(worker.is_hard_to_employ), worker.employment_status, worker.work_place, worker.employer_name,
        worker.skills, worker.wanted_job_types, worker.work_range, worker.expected_daily_wage,
        worker.verified_on, worker.notes,
    ]


def export_workers(session, unmasked, where=None, filename="", town="中塘镇"):
    """The workers the acting user can see (optionally narrowed by ``where``) as .xlsx bytes.

    Recorded in the operation log with the number of rows.
    """
    villages = list(session.scalars(select(Village.name).order_by(Village.sort_order)))
    job_types = list(session.scalars(select(JobType.name).order_by(JobType.sort_order)))
    columns = worker_columns(villages, job_types)
    query = (
        select(Worker)
        .options(joinedload(Worker.village), joinedload(Worker.household))
        .join(Village, Worker.village_id == Village.id)
        .order_by(Village.sort_order, Worker.group_name, Worker.household_id, Worker.id)
    )
    if where is not None:
        query = query.where(*where) if isinstance(where, (list, tuple)) else query.where(where)
    count = 0

    def rows():
        nonlocal count
        for worker in session.scalars(query.execution_options(yield_per=2000)):
            count += 1
            yield worker_row(count, worker, unmasked)

    data = export_rows("workers", columns, rows(), town=town)
    audit.record(session, audit.ACTION_EXPORT, resource="worker",
                 summary=f"导出劳动力台账 {filename}：{count}行{'' if unmasked else '（已脱敏）'}")
    session.commit()
    return data, count


def age_text(low, high):
    """age_min/age_max back to the ledger's 年龄要求: 18-60, 60岁以下, 18岁以上 or blank."""
    if low and high:
        return f"{low}-{high}"
    if high:
        return f"{high}岁以下"
    if low:
        return f"{low}岁以上"
    return None


def job_row(index, job):
    employer = job.employer
    return [
        index, employer.name, employer.kind, employer.credit_code, job.contact_name, job.contact_phone,
        job.title, job.job_type.name, job.headcount, job.work_place, job.work_start, job.work_end,
        job.work_hours, job.wage_amount, job.wage_unit, job.requirements, age_text(job.age_min, job.age_max),
        job.gender_req, _yes_no(job.meals), _yes_no(job.lodging), job.transport, _yes_no(job.insured),
        job.village.name if job.village else None, job.collected_on, job.status,
    ]


def export_jobs(session, unmasked, where=None, filename="", town="中塘镇"):
    """The jobs the acting user can see as .xlsx bytes (contacts are business contacts, not masked)."""
    villages = list(session.scalars(select(Village.name).order_by(Village.sort_order)))
    job_types = list(session.scalars(select(JobType.name).order_by(JobType.sort_order)))
    columns = job_columns(villages, job_types)
    query = (
        select(Job)
        .options(joinedload(Job.employer), joinedload(Job.job_type), joinedload(Job.village))
        .order_by(Job.collected_on.desc(), Job.id.desc())
    )
    if where is not None:
        query = query.where(*where) if isinstance(where, (list, tuple)) else query.where(where)
    count = 0

    def rows():
        nonlocal count
        for job in session.scalars(query.execution_options(yield_per=2000)):
            count += 1
            yield job_row(count, job)

    data = export_rows("jobs", columns, rows(), town=town)
    audit.record(session, audit.ACTION_EXPORT, resource="job", summary=f"导出用工需求台账 {filename}：{count}行")
    session.commit()
    return data, count
