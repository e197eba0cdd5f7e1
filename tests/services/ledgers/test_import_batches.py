"""Ledgers of more than one batch, read in a child process or in this one: one transaction (issue 3)."""
import io
import multiprocessing
import os
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text

from app import db
from app.models import Household, Worker
from app.models.user import LingongUser
from app.security.actor import acting_as, current_actor
from app.security.scoping import scope_for_user
from app.services.ledgers import importer, service
from app.services.ledgers import xlsx as xlsx_reader
from app.services.ledgers.reader import UnreadableFile
from tests.services.ledgers.sheets import WORKER_HEADERS, person_id, worker_row, xlsx


def _id(index, male=True):
    """A distinct valid ID number per index (a birth date of its own)."""
    return person_id(index, birth=date(1960 + index // 336, 1 + (index // 28) % 12, 1 + index % 28), male=male)


def _families(count, village="中塘村", start=0):
    """``count`` households of three: the head, the spouse and a child, in file order."""
    rows = []
    for family in range(start, start + count):
        head = _id(3 * family)
        facts = {"村(社区)": village, "户主姓名": f"户主{family}"}
        rows.append(worker_row(3 * family, head_id=head, **facts, **{"姓名": f"户主{family}"}))
        rows.append(worker_row(3 * family + 1, head_id=head, **facts, **{
            "姓名": f"配偶{family}", "身份证号": _id(3 * family + 1, male=False), "与户主关系": "配偶"}))
        rows.append(worker_row(3 * family + 2, head_id=head, **facts, **{
            "姓名": f"子女{family}", "身份证号": _id(3 * family + 2), "与户主关系": "子女", "期望日薪(元)": 150.5}))
    return rows


@pytest.fixture()
def small_batches(monkeypatch):
    """Batches of four rows and insert statements of three rows."""
    monkeypatch.setattr(importer, "BATCH", 4)
    monkeypatch.setattr(importer.BulkInsert, "ROWS_PER_STATEMENT", 3)


@pytest.fixture(params=["child", "same"])
def reader(request, app, monkeypatch):
    """Every test here runs with the file read in a child process, then in the importing process."""
    if request.param == "child":
        monkeypatch.setattr(os, "cpu_count", lambda: 2)  # a second CPU to read on, even where there is one
    app.config["LEDGER_READER_PROCESS_MIN_BYTES"] = 0 if request.param == "child" else -1
    return request.param


@pytest.fixture()
def writers(monkeypatch):
    """The process each worker batch was written in, who was acting there, and its size."""
    seen = []
    write_batch = importer.WorkerImport.write_batch

    def spy(self, batch, result):
        actor = current_actor()
        seen.append((os.getpid(), getattr(actor, "username", actor), len(batch)))
        return write_batch(self, batch, result)

    monkeypatch.setattr(importer.WorkerImport, "write_batch", spy)
    return seen


def _import(app, data, **options):
    with app.app_context():
        result = service.import_ledger(db.session, "workers", data, "台账.xlsx", **options)
        db.session.remove()
    return result


def _count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _no_reader_left():
    return multiprocessing.active_children() == []


def test_a_ledger_of_many_batches_is_written_whole(app, small_batches, reader, writers):
    rows = _families(5)  # households of three across batches of four
    result = _import(app, xlsx(rows))
    assert (result.written, result.created, result.rejected) == (True, 15, 0), result.errors
    assert result.reader["process"] == reader
    assert writers == [(os.getpid(), "system", 4)] * 3 + [(os.getpid(), "system", 3)], "written here, in file order"
    assert _count(app, Worker) == 15 and _count(app, Household) == 5
    with app.app_context():
        for family in range(5):
            members = db.session.scalars(select(Worker).join(Household).where(Household.head_name == f"户主{family}")).all()
            assert sorted(w.name for w in members) == sorted([f"户主{family}", f"配偶{family}", f"子女{family}"])
        child = db.session.scalar(select(Worker).where(Worker.name == "子女2"))
        assert child.expected_daily_wage == Decimal("150.50") and child.verified_on == date(2024, 4, 8)
        assert child.is_poverty_alleviated is True and child.is_monitored is False
        assert child.birth_date == date(1960, 1, 9) and child.gender == "男"
    again = _import(app, xlsx(rows))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 15)
    assert _no_reader_left()


def test_columns_the_file_lacks_get_the_models_defaults(app, small_batches, reader):
    headers = [h for h in WORKER_HEADERS if h not in ("是否监测对象", "联系电话", "核实日期")]
    result = _import(app, xlsx(_families(2), headers=headers))
    assert result.created == 6, result.errors
    with app.app_context():
        worker = db.session.scalar(select(Worker).where(Worker.name == "配偶1"))
        assert (worker.is_monitored, worker.phone, worker.verified_on) == (False, None, date.today())


def _messy(rows):
    rows[1]["就业状态"] = "在家"  # a bad cell: found while reading
    rows[4]["户主身份证号"] = _id(900)  # a new household without 户主姓名: found while writing
    rows[4]["户主姓名"] = None
    rows[6]["是否脱贫人口"] = "可能"
    rows[6]["期望日薪(元)"] = "面议"  # a second bad cell in the same row
    rows[9]["户主身份证号"] = _id(903)
    rows[9]["户主姓名"] = None
    rows.append(dict(rows[0], 序号=99))  # the same person again
    return rows


def test_rejections_are_the_same_wherever_the_file_is_read(app, monkeypatch, small_batches):
    data = xlsx(_messy(_families(4)))
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    app.config["LEDGER_READER_PROCESS_MIN_BYTES"] = 0
    in_child = _import(app, data, write=False)
    app.config["LEDGER_READER_PROCESS_MIN_BYTES"] = -1
    in_process = _import(app, data, write=False)
    assert (in_child.reader["process"], in_process.reader["process"]) == ("child", "same")
    expected = [(5, "就业状态"), (8, "户主姓名"), (10, "是否脱贫人口"), (10, "期望日薪(元)"), (13, "户主姓名"),
                (16, "身份证号")]
    assert sorted((e.row, e.column) for e in in_process.errors) == expected
    assert [e.as_dict() for e in in_child.errors] == [e.as_dict() for e in in_process.errors], "in the same order"
    assert in_child.as_dict() == in_process.as_dict()
    assert in_child.rejected_raw == in_process.rejected_raw
    assert sorted(in_child.rejected_raw) == [5, 8, 10, 13, 16]
    assert _count(app, Worker) == 0


def test_skipping_rejected_rows_across_batches(app, small_batches, reader):
    result = _import(app, xlsx(_messy(_families(4))), skip_invalid=True)
    assert (result.written, result.created, result.rejected) == (True, 8, 5)
    assert _count(app, Worker) == 8


def test_an_error_while_writing_rolls_everything_back_and_stops_the_reader(app, monkeypatch, small_batches, reader,
                                                                          writers):
    write_batch = importer.WorkerImport.write_batch

    def failing(self, batch, result):
        if len(writers) == 3:
            raise RuntimeError("the database went away")
        return write_batch(self, batch, result)

    monkeypatch.setattr(importer.WorkerImport, "write_batch", failing)
    with pytest.raises(RuntimeError, match="went away"):
        _import(app, xlsx(_families(5)))
    assert len(writers) == 3
    assert _count(app, Worker) == 0 and _count(app, Household) == 0
    assert _no_reader_left()
    monkeypatch.setattr(importer.WorkerImport, "write_batch", write_batch)
    assert _import(app, xlsx(_families(5))).created == 15


def _with_comment_after_row(data, row):
    """The file with an XML comment slipped into the sheet data before ``row``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(f'<row r="{row}"'.encode(), f'<!-- hidden --><row r="{row}"'.encode())
            target.writestr(item, content)
    return out.getvalue()


def test_a_bad_part_far_down_the_file_stops_the_import_with_a_message(app, monkeypatch, small_batches, reader,
                                                                      writers):
    monkeypatch.setattr(xlsx_reader, "CHUNK", 2048)  # the sheet is read in many pieces
    data = _with_comment_after_row(xlsx(_families(5)), 15)
    with pytest.raises(UnreadableFile, match="不是 Excel 的标准格式"):
        _import(app, data)
    assert len(writers) >= 2, "found after batches were written"
    assert _count(app, Worker) == 0 and _count(app, Household) == 0
    assert _no_reader_left()


def test_a_reader_process_that_dies_stops_the_import(app, monkeypatch, small_batches):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    app.config["LEDGER_READER_PROCESS_MIN_BYTES"] = 0
    blank = importer._blank
    parent = os.getpid()

    def dying(row):
        if os.getpid() != parent and row[6] == "配偶3":  # only in the child: as if killed there
            os._exit(9)
        return blank(row)

    monkeypatch.setattr(importer, "_blank", dying)
    with pytest.raises(importer.ReaderFailed, match="读取文件的进程意外退出（退出码 9）"):
        _import(app, xlsx(_families(5)))
    assert _count(app, Worker) == 0
    assert _no_reader_left()


def test_the_sqlite_page_cache_is_put_back(app, monkeypatch, small_batches, reader):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("an SQLite setting")
    seen, connections = [], []
    write_batch = importer.WorkerImport.write_batch

    def spy(self, batch, result):
        connection = self.session.connection()
        connections.append(connection.connection.driver_connection)
        seen.append(connection.exec_driver_sql("PRAGMA cache_size").scalar())
        return write_batch(self, batch, result)

    monkeypatch.setattr(importer.WorkerImport, "write_batch", spy)
    _import(app, xlsx(_families(2)))
    assert set(seen) == {-importer.SQLITE_IMPORT_CACHE_KIB}
    (connection,) = set(connections)
    assert connection.execute("PRAGMA cache_size").fetchone() == (-2000,), "as SQLite sets it"


def test_rows_are_written_as_the_importing_user(app, small_batches, reader, writers):
    with app.app_context():
        user = db.session.scalar(select(LingongUser).where(LingongUser.username == "zhongtang"))
        with acting_as(user):
            result = service.import_ledger(db.session, "workers", xlsx(_families(3)), "台账.xlsx",
                                           scope=scope_for_user(user), actor_id=user.id)
        assert result.created == 9, result.errors
        assert db.session.scalar(select(func.count()).select_from(Worker).where(Worker.created_by_fk == user.id)) == 9
        assert db.session.execute(text("SELECT 1")).scalar() == 1  # the session is usable afterwards
        db.session.remove()
    assert writers == [(os.getpid(), "zhongtang", 4), (os.getpid(), "zhongtang", 4), (os.getpid(), "zhongtang", 1)]
