"""``key_in``: the key look-up of bulk writers, one array parameter on PostgreSQL."""
from sqlalchemy import delete, select

from app.models import Worker
from app.services.database import key_in


def _ids(session, statement, keys):
    return sorted(session.execute(statement, {"keys": keys}).scalars())


def test_key_in_finds_exactly_the_given_keys(session, factory):
    people = [factory.worker(name=f"工人{i}") for i in range(5)]
    w = Worker.__table__
    by_number = select(w.c.id).where(key_in(w.c.id_number, "keys"))
    by_id = select(w.c.id).where(key_in(w.c.id, "keys"), w.c.village_id == people[0].village_id)

    assert _ids(session, by_number, [p.id_number for p in people[:3]]) == sorted(p.id for p in people[:3])
    assert _ids(session, by_number, [people[4].id_number, "110101199003070000"]) == [people[4].id]
    assert _ids(session, by_number, []) == []  # no keys: nothing, not every row
    # The same statement with another number of keys (compiled once, bound each time).
    assert _ids(session, by_id, [p.id for p in people]) == sorted(p.id for p in people)
    assert _ids(session, by_id, [people[1].id, 10**9]) == [people[1].id]
    # Thousands of keys, as in an import batch.
    many = [p.id_number for p in people] + [f"5001141990{i:08d}" for i in range(5000)]
    assert _ids(session, by_number, many) == sorted(p.id for p in people)


def test_key_in_inside_a_subquery_of_a_delete(session, factory):
    household = factory.household()
    inside = [factory.worker(name="甲", household_id=household.id), factory.worker(name="乙", household_id=household.id)]
    outside = factory.worker(name="丙")
    w = Worker.__table__
    session.execute(delete(w).where(w.c.id.in_(select(w.c.id).where(key_in(w.c.household_id, "keys"))
                                               .scalar_subquery())), {"keys": [household.id]})
    left = set(session.execute(select(w.c.id)).scalars())
    assert outside.id in left and not left & {p.id for p in inside}
    session.rollback()


def test_key_in_binds_one_parameter_on_postgresql_and_is_a_plain_in_elsewhere(session):
    from sqlalchemy.dialects import postgresql, sqlite

    w = Worker.__table__
    statement = select(w.c.id).where(key_in(w.c.id_number, "keys"))
    assert "= ANY (%(keys)s::VARCHAR(18)[])" in str(statement.compile(dialect=postgresql.dialect()))
    plain = str(statement.compile(dialect=sqlite.dialect()))
    assert plain.rstrip().endswith("IN (__[POSTCOMPILE_keys])")  # no "= 1" that would hide the index
