"""Exporting the ledgers in the template layout, scoped by the row rule and masked."""
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.models import Village, Worker
from app.models.job_type import JobType
from app.services import audit
from app.services.ledgers.columns import worker_columns
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
