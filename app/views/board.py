"""The public job board (/jobs/): open jobs for villagers, no login, no worker data.

Every query here runs as the anonymous visitor, whatever the browser's session, so the
row rule (``SCOPE_ANONYMOUS``: 招聘中 jobs, employers with an open job, no people)
decides what can be shown; the board also asks for 招聘中 itself.
"""
import base64
from decimal import Decimal

import qrcode
import qrcode.image.svg
from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app import db
from app.models import Employer, Job, JobType, Village
from app.models.enums import OPEN_JOB_STATUS
from app.security.actor import ANONYMOUS, acting_as

board = Blueprint("jobboard", __name__, url_prefix="/jobs")
OUTSIDE = "outside"


def _open_jobs():
    place = func.coalesce(Job.village_id, Employer.village_id)
    statement = (select(Job).join(Employer, Employer.id == Job.employer_id)
                 .where(Job.status == OPEN_JOB_STATUS)
                 .options(joinedload(Job.employer), joinedload(Job.job_type))
                 .order_by(Job.published_on.desc(), Job.id.desc()))
    return statement, place


def wage_text(job):
    if job.wage_unit == "面议" or job.wage_amount is None:
        return gettext("面议")
    amount = job.wage_amount
    if isinstance(amount, Decimal) and amount == amount.to_integral_value():
        amount = int(amount)
    return f"{amount}{job.wage_unit}"


def age_text(job):
    if job.age_min and job.age_max:
        return gettext("%(a)d-%(b)d岁", a=job.age_min, b=job.age_max)
    if job.age_max:
        return gettext("%(b)d岁以下", b=job.age_max)
    if job.age_min:
        return gettext("%(a)d岁以上", a=job.age_min)
    return gettext("不限")


def dates_text(job):
    if job.work_start and job.work_end:
        return f"{job.work_start:%Y-%m-%d} 至 {job.work_end:%Y-%m-%d}"
    if job.work_start:
        return gettext("%(d)s起", d=f"{job.work_start:%Y-%m-%d}")
    return gettext("长期")


def benefits(job):
    items = [gettext("包吃") if job.meals else gettext("不包吃"), gettext("包住") if job.lodging else gettext("不包住")]
    if job.transport:
        items.append(job.transport)
    items.append(gettext("购买保险") if job.insured else gettext("不购买保险"))
    if job.insured and job.insurance_note:
        items[-1] += f"（{job.insurance_note}）"
    return items


def wechat_text(job, url):
    """A ready-to-paste WeChat message for a village group (复制发布文案)."""
    lines = [
        gettext("【招工信息】%(title)s", title=job.title),
        gettext("用工单位：%(name)s", name=job.employer.name),
        gettext("工种：%(type)s　需求人数：%(n)d人", type=job.job_type.name, n=job.headcount),
        gettext("务工地点：%(place)s", place=job.work_place or gettext("详询联系人")),
        gettext("务工时间：%(dates)s", dates=dates_text(job)),
    ]
    if job.work_hours:
        lines.append(gettext("工作时段：%(hours)s", hours=job.work_hours))
    lines.append(gettext("待遇：%(wage)s", wage=wage_text(job)))
    lines.append(gettext("年龄要求：%(age)s　性别要求：%(gender)s", age=age_text(job), gender=job.gender_req))
    if job.requirements:
        lines.append(gettext("务工要求：%(req)s", req=job.requirements))
    lines.append(gettext("保障：%(items)s", items="，".join(benefits(job))))
    contact = " ".join(x for x in (job.contact_name, job.contact_phone) if x)
    if contact:
        lines.append(gettext("联系人：%(contact)s", contact=contact))
    lines.append(gettext("详情：%(url)s", url=url))
    lines.append(gettext("（中塘镇零工市场发布，欢迎转发）"))
    return "\n".join(lines)


def qr_svg_data_uri(text):
    """A QR code of ``text`` as an SVG data URI (made here, nothing fetched from outside)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode("ascii")


def _helpers():
    return {"wage_text": wage_text, "age_text": age_text, "dates_text": dates_text, "benefits": benefits}


@board.route("/")
def index():
    with acting_as(ANONYMOUS):
        session = db.session
        statement, place = _open_jobs()
        job_type = request.args.get("type", type=int)
        village = request.args.get("place", "")
        if job_type:
            statement = statement.where(Job.job_type_id == job_type)
        if village == OUTSIDE:
            statement = statement.where(place.is_(None))
        elif village.isdigit():
            statement = statement.where(place == int(village))
        jobs = session.scalars(statement.limit(300)).unique().all()
        types = session.scalars(select(JobType).order_by(JobType.sort_order)).all()
        villages = session.scalars(select(Village).order_by(Village.sort_order)).all()
        return render_template("board/index.html", jobs=jobs, types=types, villages=villages,
                               selected_type=job_type, selected_place=village, outside=OUTSIDE, **_helpers())


def _open_job(pk):
    statement, _place = _open_jobs()
    job = db.session.scalars(statement.where(Job.id == pk)).unique().first()
    if job is None:
        abort(404)
    return job


@board.route("/<int:pk>")
def show(pk):
    with acting_as(ANONYMOUS):
        job = _open_job(pk)
        url = url_for("jobboard.show", pk=pk, _external=True)
        return render_template("board/show.html", job=job, url=url, qr=qr_svg_data_uri(url),
                               wechat=wechat_text(job, url), **_helpers())


@board.route("/<int:pk>/poster")
def poster(pk):
    """A printable A4 招工启事 with the QR code of the job's page."""
    with acting_as(ANONYMOUS):
        job = _open_job(pk)
        url = url_for("jobboard.show", pk=pk, _external=True)
        return render_template("board/poster.html", job=job, url=url, qr=qr_svg_data_uri(url), **_helpers())



