"""The job-demand ledger: import, matching by employer + title + start date, export round trip."""
import json
from datetime import date

import pytest
from sqlalchemy import func, select

from app import db
from app.cli_ledger import ledger_group
from app.models import Employer, Job
from tests.services.ledgers.sheets import JOB_HEADERS, job_row, xlsx


def _cli(app, *args):
    return app.test_cli_runner().invoke(ledger_group, list(args))


def _import(app, tmp_path, rows, *options):
    path = tmp_path / "jobs.xlsx"
    path.write_bytes(xlsx(rows, headers=JOB_HEADERS, title="中塘镇单位岗位需求台账"))
    return _cli(app, "import", "jobs", str(path), "--json", *options)


def _jobs(app):
    with app.app_context():
        return {j.title: j for j in db.session.scalars(select(Job))}


def test_import_creates_employer_and_jobs_and_is_idempotent(app, tmp_path):
    rows = [job_row(1), job_row(2, **{"年龄要求": "60岁以下", "包吃": "×", "性别要求": "女"})]
    first = _import(app, tmp_path, rows)
    assert first.exit_code == 0, first.output
    assert json.loads(first.output)["created"] == 2
    jobs = _jobs(app)
    assert (jobs["春茶采摘工1"].age_min, jobs["春茶采摘工1"].age_max) == (18, 65)
    assert (jobs["春茶采摘工2"].age_min, jobs["春茶采摘工2"].age_max, jobs["春茶采摘工2"].meals) == (None, 60, False)
    assert jobs["春茶采摘工1"].source_office == "社保所"
    with app.app_context():
        assert db.session.scalar(select(func.count(Employer.id))) == 1
    again = _import(app, tmp_path, rows)
    assert json.loads(again.output)["unchanged"] == 2


def test_same_title_with_another_start_date_is_another_job(app, tmp_path):
    rows = [job_row(1), job_row(1, **{"开始日期": date(2024, 9, 1), "结束日期": date(2024, 10, 1)})]
    result = _import(app, tmp_path, rows)
    assert json.loads(result.output)["created"] == 2


def test_changed_headcount_is_an_update(app, tmp_path):
    _import(app, tmp_path, [job_row(1)])
    result = _import(app, tmp_path, [job_row(1, **{"需求人数": 30, "状态": "已招满"})])
    payload = json.loads(result.output)
    assert payload["updated"] == 1
    assert _jobs(app)["春茶采摘工1"].headcount == 30


@pytest.mark.parametrize("overrides, column, message", [
    ({"工种": "宇航员"}, "工种", "不是可选值"),
    ({"需求人数": "若干"}, "需求人数", "不是数字"),
    ({"需求人数": 0}, "需求人数", "应在1到100000之间"),
    ({"年龄要求": "年轻人"}, "年龄要求", "无法识别的年龄要求"),
    ({"结束日期": date(2024, 3, 1)}, "结束日期", "不能早于开始日期"),
    ({"用工主体": "全新的公司", "主体类型": ""}, "主体类型", "新的用工主体需要填写主体类型"),
    ({"统一社会信用代码": "91500114MA5U3JXX01"}, "统一社会信用代码", "无效"),
])
def test_rejections(app, tmp_path, overrides, column, message):
    result = _import(app, tmp_path, [job_row(1, **overrides)])
    assert result.exit_code == 1
    [error] = json.loads(result.output)["errors"]
    assert error["row"] == 4 and error["column"] == column and message in error["message"]
    assert _jobs(app) == {}


def test_village_specialist_imports_jobs_of_their_village_only(app, tmp_path):
    result = _import(app, tmp_path, [job_row(1)], "--as", "zhongtang")
    assert json.loads(result.output)["errors"][0]["message"] == "只能导入本村(社区)（中塘村）的数据"
    ok = _import(app, tmp_path, [job_row(2, **{"采集村(社区)": "中塘村"})], "--as", "zhongtang")
    assert ok.exit_code == 0, ok.output
    job = _jobs(app)["春茶采摘工2"]
    assert job.source_office == "村(社区)采集"


def test_office_import_is_marked_with_the_office_and_cannot_change_others(app, tmp_path):
    _import(app, tmp_path, [job_row(1)])  # by the system, source 社保所
    result = _import(app, tmp_path, [job_row(1, **{"需求人数": 99}), job_row(3, **{"采集村(社区)": ""})], "--as", "nongfu")
    payload = json.loads(result.output)
    assert payload["errors"][0]["message"] == "该岗位由其他村(社区)或单位采集，无权修改"
    skipped = _import(app, tmp_path, [job_row(3, **{"采集村(社区)": ""})], "--as", "nongfu")
    assert skipped.exit_code == 0
    assert _jobs(app)["春茶采摘工3"].source_office == "农服中心"


def test_job_export_round_trip(app, tmp_path):
    rows = [job_row(1), job_row(2, **{"年龄要求": "60岁以下", "采集村(社区)": "", "状态": "待发布"}),
            job_row(3, **{"年龄要求": "", "待遇金额": 4500, "计薪方式": "元/月"})]
    assert _import(app, tmp_path, rows).exit_code == 0
    out = tmp_path / "out.xlsx"
    assert _cli(app, "export", "jobs", str(out)).exit_code == 0
    again = _cli(app, "import", "jobs", str(out), "--json")
    assert json.loads(again.output) == {"total": 3, "created": 0, "updated": 0, "unchanged": 3, "rejected": 0, "errors": []}


def test_specialist_cannot_hang_a_job_under_an_employer_they_cannot_see(app, tmp_path):
    _import(app, tmp_path, [job_row(1, **{"状态": "待发布"})])  # 兴泉村's employer, nothing published
    result = _import(app, tmp_path, [job_row(2, **{"采集村(社区)": "中塘村"})], "--as", "zhongtang")
    assert json.loads(result.output)["errors"][0]["column"] == "用工主体"
    assert "春茶采摘工2" not in _jobs(app)
