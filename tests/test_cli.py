"""The Flask CLI of SPEC §5: init, user create, demo."""
from sqlalchemy import func, select

from app import db
from app.models import (
    Dispute,
    Employer,
    Household,
    Job,
    JobType,
    LingongUser,
    Placement,
    Referral,
    Village,
    WeeklyReport,
    Worker,
)
from app.models.enums import EMPLOYED_STATUSES, EMPLOYER_KINDS, JOB_STATUSES, REFERRAL_STATUSES
from app.services import disputes, matching


def _count(app, model, *where):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_init_is_safe_to_run_again(app):
    runner = app.test_cli_runner()
    before = (_count(app, Village), _count(app, JobType), _count(app, LingongUser))
    result = runner.invoke(args=["init"])
    assert result.exit_code == 0, result.output
    assert (_count(app, Village), _count(app, JobType), _count(app, LingongUser)) == before
    with app.app_context():
        names = list(db.session.scalars(select(Village.name).order_by(Village.sort_order)))
    assert names == ["中塘村", "兴泉村", "胜利村", "迎新村", "双石村"]
    assert before[1] == 24


def test_user_create_for_a_village_specialist(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["user", "create", "liuxia", "--role", "村(社区)就业服务专员",
                                 "--village", "双石村", "--password", "Shuangshi2024"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(LingongUser).where(LingongUser.username == "liuxia"))
        assert user.village.name == "双石村"
        assert [r.name for r in user.roles] == ["村(社区)就业服务专员"]


def test_user_create_rejects_bad_input_clearly(app):
    runner = app.test_cli_runner()
    cases = [
        (["--role", "村长", "--password", "Abcdefgh12"], "没有名为“村长”的角色"),
        (["--role", "村(社区)就业服务专员", "--password", "Abcdefgh12"], "--village"),
        (["--role", "村(社区)就业服务专员", "--village", "火星村", "--password", "Abcdefgh12"], "没有名为“火星村”"),
        (["--role", "社保所", "--village", "中塘村", "--password", "Abcdefgh12"], "不绑定村(社区)"),
        (["--role", "社保所", "--password", "short"], "至少需要10个字符"),
        (["--role", "社保所", "--password", "abcdefghijk"], "字母和数字"),
    ]
    for options, message in cases:
        result = runner.invoke(args=["user", "create", "newperson", *options])
        assert result.exit_code != 0
        assert message in result.output, result.output
    assert _count(app, LingongUser, LingongUser.username == "newperson") == 0
    duplicate = runner.invoke(args=["user", "create", "shebao", "--role", "社保所", "--password", "Abcdefgh12"])
    assert duplicate.exit_code != 0 and "已存在" in duplicate.output


def test_demo_generates_realistic_ledgers(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "--workers", "200", "--password", "Demo-pass-2024"])
    assert result.exit_code == 0, result.output
    workers = _count(app, Worker)
    assert 200 <= workers < 215
    assert _count(app, Household) < workers  # households have several members
    with app.app_context():
        ids = list(db.session.scalars(select(Worker.id_number)))
        assert all(i.startswith("500114") and len(i) == 18 for i in ids)
        kinds = set(db.session.scalars(select(Employer.kind)))
        statuses = set(db.session.scalars(select(Job.status)))
        villages = set(db.session.scalars(select(Worker.village_id)))
        for username in ("admin", "zhuanban", "shebao", "jingfa", "nongfu", "tese",
                         "zhongtang", "xingquan", "shengli", "yingxin", "shuangshi"):
            assert db.session.scalar(select(LingongUser).where(LingongUser.username == username)) is not None
    assert kinds == set(EMPLOYER_KINDS)
    assert statuses == set(JOB_STATUSES)
    assert len(villages) == 5
    key = _count(app, Worker, Worker.is_poverty_alleviated.is_(True))
    assert 0.05 * workers < key < 0.4 * workers
    # The market's work on the ledgers: referrals, placements, disputes, weekly reports.
    with app.app_context():
        session = db.session
        assert set(session.scalars(select(Referral.status))) == set(REFERRAL_STATUSES)
        for job in session.scalars(select(Job)):
            assert matching.placed_count(session, job.id) <= job.headcount
        working = session.scalars(select(Placement).where(Placement.end_date.is_(None))).all()
        assert working and all(p.worker.employment_status in EMPLOYED_STATUSES for p in working)
        assert len(set(session.scalars(select(Dispute.status)))) >= 5
        assert disputes.count_flagged(session, disputes.FLAG_OVERDUE) >= 1
        assert disputes.count_flagged(session, disputes.FLAG_DUE_SOON) >= 1
        assert set(session.scalars(select(WeeklyReport.status))) == {"草稿", "已报送"}


def test_demo_is_refused_in_production(app):
    app.config["ENV_NAME"] = "production"
    result = app.test_cli_runner().invoke(args=["demo", "--workers", "5"])
    assert result.exit_code != 0
    assert "生产环境" in result.output
