"""The row rule itself, exercised below the views: every ORM query and every flush."""
import pytest
from sqlalchemy import func, select, update

from app import db
from app.models import Household, Job, LingongUser, Worker
from app.security.actor import acting_as
from app.security.scoping import RowScopeViolation


def _user(username):
    return db.session.scalar(select(LingongUser).where(LingongUser.username == username))


@pytest.fixture()
def ledger(factory):
    return {
        "zt_worker": factory.worker(village="中塘村", name="中塘甲"),
        "xq_worker": factory.worker(village="兴泉村", name="兴泉乙"),
        "xq_key": factory.worker(village="兴泉村", name="兴泉脱贫", is_poverty_alleviated=True),
        "xq_household": factory.household(village="兴泉村", head_name="兴泉户主"),
    }


def test_specialist_queries_see_only_their_village(app, ledger):
    with app.app_context(), acting_as(_user("zhongtang")):
        names = set(db.session.scalars(select(Worker.name)))
        count = db.session.scalar(select(func.count(Worker.id)))
        joined = db.session.scalars(select(Worker.name).join(Household, isouter=True)).all()
        by_pk = db.session.get(Worker, ledger["xq_worker"].id)
    assert names == {"中塘甲"}
    assert count == 1
    assert joined == ["中塘甲"]
    assert by_pk is None


def test_specialist_cannot_write_another_village(app, ledger):
    with app.app_context(), acting_as(_user("zhongtang")):
        # Moving their own worker into another village is refused at flush.
        mine = db.session.get(Worker, ledger["zt_worker"].id)
        mine.village_id = ledger["xq_worker"].village_id
        with pytest.raises(RowScopeViolation):
            db.session.flush()
        db.session.rollback()
        # Creating a worker in another village is refused.
        db.session.add(Worker(name="偷渡", id_number="11010519491231002X", village_id=ledger["xq_worker"].village_id))
        with pytest.raises(RowScopeViolation):
            db.session.flush()
        db.session.rollback()
        # A set-based UPDATE only reaches their own rows.
        db.session.execute(update(Worker).values(notes="批量备注"))
        db.session.commit()
    with app.app_context():
        notes = dict(db.session.execute(select(Worker.name, Worker.notes)).all())
    assert notes["中塘甲"] == "批量备注"
    assert notes["兴泉乙"] is None


def test_specialist_without_village_sees_nothing(app, ledger):
    with app.app_context():
        user = _user("zhongtang")
        user.village_id = None
        db.session.commit()
        with acting_as(user):
            assert db.session.scalar(select(func.count(Worker.id))) == 0
            assert db.session.scalar(select(func.count(Household.id))) == 0


def test_economic_office_sees_key_groups_only(app, ledger):
    with app.app_context(), acting_as(_user("jingfa")):
        names = set(db.session.scalars(select(Worker.name)))
    assert names == {"兴泉脱贫"}


def test_office_sees_own_and_published_jobs(app, factory):
    own = factory.employer(name="农服中心合作社", village=None, source_office="农服中心")
    other = factory.employer(name="村里的厂", village="兴泉村")
    factory.job(own, title="农服草稿", status="待发布", village=None, source_office="农服中心")
    factory.job(other, title="村里草稿", status="待发布", village="兴泉村")
    factory.job(other, title="村里招聘", status="招聘中", village="兴泉村")
    with app.app_context(), acting_as(_user("nongfu")):
        titles = set(db.session.scalars(select(Job.title)))
        assert db.session.scalar(select(func.count(Worker.id))) == 0
        published = db.session.scalar(select(Job).where(Job.title == "村里招聘"))
        published.headcount = 99
        with pytest.raises(RowScopeViolation):
            db.session.flush()
    assert titles == {"农服草稿", "村里招聘"}


def test_system_actor_is_unrestricted(app, ledger):
    with app.app_context():
        assert db.session.scalar(select(func.count(Worker.id))) == 3
