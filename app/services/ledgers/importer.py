"""Importing a ledger: validate every row, compare with the database, write in one go.

The whole file is processed inside one transaction, exactly as it would be written;
the preview is that same run rolled back. So what the preview says is what a
confirmation writes, and a file with rejected rows writes nothing unless the user
chose to skip them. Work is set-based: one query per batch of rows to find existing
records, and bulk inserts and updates — never a query per row. A large file is read in
a child process while this one checks and writes its rows (see ``_ChildReader``).
"""
import contextlib
import multiprocessing
import operator
import os
import pickle
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import bindparam, insert, select, update

from app.models import Employer, Household, Job, Village, Worker
from app.models.job_type import JobType
from app.security import scoping
from app.services import audit, match_index
from app.services.database import BulkInsert, key_in
from app.services.ledgers import cells
from app.services.ledgers.columns import job_columns, worker_columns
from app.services.ledgers.reader import UnreadableFile, find_header

BATCH = 2000
SQLITE_IMPORT_CACHE_KIB = 32 * 1024  # the SQLite page cache while an import runs (64 MB was no faster)


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self):
        return {"row": self.row, "column": self.column, "message": self.message}

    def __str__(self):
        return f"第{self.row}行 {self.column}：{self.message}" if self.column else f"第{self.row}行：{self.message}"


@dataclass
class ImportResult:
    kind: str
    filename: str = ""
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected_rows: set = field(default_factory=set)
    errors: list = field(default_factory=list)
    changes: list = field(default_factory=list)  # {"row", "key", "fields": {header: [old, new]}}
    unknown_columns: list = field(default_factory=list)
    written: bool = False
    header_row: int = 0
    header_cells: tuple = ()
    rejected_raw: dict = field(default_factory=dict)  # sheet row → the row as it was in the file
    reader: dict = field(default_factory=lambda: {"process": "same"})  # where the file was read (diagnostics)

    @property
    def rejected(self):
        return len(self.rejected_rows)

    def reject(self, row, column, message):
        self.rejected_rows.add(row)
        self.errors.append(RowError(row, column, message))

    def absorb(self, part):
        """Add what a part of the run found (see ``LedgerImport._batches``)."""
        self.total += part.total
        self.created += part.created
        self.updated += part.updated
        self.unchanged += part.unchanged
        self.rejected_rows |= part.rejected_rows
        self.errors += part.errors
        self.changes += part.changes
        self.rejected_raw.update(part.rejected_raw)

    def as_dict(self):
        return {
            "total": self.total,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "errors": [e.as_dict() for e in self.errors],
        }


class ImportRefused(PermissionError):
    """The user may not import this ledger at all; ``str()`` is the Chinese message."""


def _blank(row):
    for value in row:
        if value is None or value == "":
            continue
        if value.__class__ is not str:  # a number, date or boolean is never blank
            return False
        if (value.strip() if value.isascii() else cells.text(value)) != "":
            return False
    return True


class _PageCache:
    """A larger SQLite page cache for the import's connection while it runs.

    Each row of a ledger goes into a dozen indexes at random places; with SQLite's default
    2 MB cache their pages are evicted and read back again and again, which made a 100,000-row
    import spend a third more time in SQLite. The cache only takes memory for pages actually
    read, up to ``SQLITE_IMPORT_CACHE_KIB``, whatever the number of rows. The setting is put
    back before the transaction ends, as the connection then returns to the pool.
    """

    def __init__(self, connection):
        self.connection = connection
        self.before = None
        if connection.dialect.name == "sqlite":
            self.before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
            connection.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_IMPORT_CACHE_KIB}")

    def restore(self):
        if self.before is not None:
            self.connection.exec_driver_sql(f"PRAGMA cache_size={int(self.before)}")
            self.before = None


def _memory_kib():
    """(resident set size, its peak) of this process in KiB; zeros where /proc is missing."""
    try:
        with open("/proc/self/status") as handle:
            status = handle.read()
    except OSError:
        return 0, 0
    found = dict(re.findall(r"(VmRSS|VmHWM):\s+(\d+)", status))
    return int(found.get("VmRSS", 0)), int(found.get("VmHWM", 0))


class ReaderFailed(UnreadableFile):
    """The child process reading the file stopped without saying why (killed, out of memory)."""


class _ChildReader:
    """The file's rows read in a child process, handed over a chunk at a time.

    Reading the spreadsheet is more than half the work of an import and needs no database:
    a forked child does it on the second core while this process parses and checks the
    cells (ID numbers, households, duplicates) and writes the rows. That split keeps both
    processes about equally busy; rows go through the pipe as read, which pickles at a
    fraction of the cost of parsed values. The child never touches the database connection
    it inherits: it only writes to its pipe and ends with ``os._exit``. Rows go ``BATCH``
    at a time; the pipe's buffer holds little, so the child is at most a chunk ahead and
    memory does not grow with the number of rows.
    What the child raises (an unreadable row further down, a bug) is raised here; the
    caller rolls back as for any error, and the child is stopped if it is still running.
    """

    POLL_SECONDS = 1.0

    def __init__(self, importer, sheet):
        context = multiprocessing.get_context("fork")
        self.receiver, sender = context.Pipe(duplex=False)
        self.process = context.Process(
            target=self._produce, args=(importer, sheet, sender), name="ledger-import-reader", daemon=True,
        )
        self.process.start()
        sender.close()
        self.memory = None

    @staticmethod
    def _produce(importer, sheet, sender):  # runs in the child
        start_kib, _peak = _memory_kib()
        try:
            for chunk in importer._chunks(sheet):
                sender.send_bytes(pickle.dumps(("rows", chunk), protocol=pickle.HIGHEST_PROTOCOL))
            _rss, peak = _memory_kib()
            sender.send_bytes(pickle.dumps(("done", {"start_kib": start_kib, "peak_kib": peak})))
        except BaseException as exc:  # handed to the parent, which raises it
            try:
                payload = pickle.dumps(("error", exc))
            except Exception:
                payload = pickle.dumps(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
            sender.send_bytes(payload)
        finally:
            sender.close()

    def __iter__(self):
        while True:
            while not self.receiver.poll(self.POLL_SECONDS):
                if not self.process.is_alive() and not self.receiver.poll(0):
                    raise self._failed()
            try:
                message = pickle.loads(self.receiver.recv_bytes())
            except EOFError:  # the pipe closed without a last word
                raise self._failed() from None
            kind, content = message
            if kind == "done":
                self.memory = content
                return
            if kind == "error":
                raise content
            yield content

    def _failed(self):
        self.process.join(self.POLL_SECONDS)
        return ReaderFailed(f"读取文件的进程意外退出（退出码 {self.process.exitcode}），未写入任何数据，请重试")

    def close(self):
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.process.close()
        self.receiver.close()


def reader_process_possible():
    """A child process for reading needs fork() (not on Windows) and a second CPU to run on."""
    return hasattr(os, "fork") and (os.cpu_count() or 1) > 1


class LedgerImport:
    """The shared run: header, row parsing, duplicate keys, batches, one transaction.

    Subclasses name the model, the columns, the row key and how a batch is written.
    """

    kind = ""
    model = None
    resource = ""
    label = ""
    key_column = ""

    def __init__(self, session, scope=None, today=None, actor_id=None):
        self.session = session
        self.scope = scope or scoping.current_scope()
        self.today = today or date.today()
        self.actor_id = actor_id
        self.fixed = scoping.fixed_values(self.model, self.scope)
        if self.fixed is None or self.scope.kind == scoping.SCOPE_KEY_GROUPS:
            raise ImportRefused(f"您无权导入{self.label}")
        villages = self.session.execute(select(Village.name, Village.id).order_by(Village.sort_order)).all()
        self.village_ids = dict(villages)
        self.village_names = {v: k for k, v in self.village_ids.items()}
        self.job_type_ids = dict(self.session.execute(select(JobType.name, JobType.id).order_by(JobType.sort_order)).all())
        self.columns = self.build_columns(list(self.village_ids), list(self.job_type_ids))
        self.by_header = {c.header: c for c in self.columns}
        self.present = set()

    def build_columns(self, village_names, job_type_names):
        raise NotImplementedError

    def plan_cells(self, mapping):
        """(column index, field, parser, header) of the mapped columns that carry a field."""
        self.cell_plan = [
            (index, self.by_header[header].field, self.by_header[header].parse, header)
            for index, header in mapping.items() if self.by_header[header].field is not None
        ]
        self.row_width = max(mapping, default=-1) + 1
        # A clean row is parsed without a Python-level loop: pick the cells, call the parsers.
        indexes = [index for index, *_rest in self.cell_plan]
        self._pick = (lambda row: (row[indexes[0]],)) if len(indexes) == 1 else operator.itemgetter(*indexes)
        self._fields = [field for _index, field, *_rest in self.cell_plan]
        self._parsers = [parse for _index, _field, parse, _header in self.cell_plan]

    def parse_cells(self, row):
        """Every mapped cell parsed: a dict of fields, or a list of (header, message) for the bad cells."""
        if len(row) < self.row_width:
            row = (*row, *(None,) * (self.row_width - len(row)))
        if self.cell_plan:
            try:
                return dict(zip(self._fields, map(operator.call, self._parsers, self._pick(row))))
            except cells.CellError:
                pass  # parse again cell by cell to report every bad cell of the row
        values = {}
        errors = []
        for index, name, parse, header in self.cell_plan:
            try:
                values[name] = parse(row[index])
            except cells.CellError as exc:
                errors.append((header, str(exc)))
        return errors or values

    def check_village(self, number, values, result, header):
        """A village-bound user may only bring in rows of their own village."""
        name = values.pop("village", None)
        values["village_id"] = self.village_ids[name] if name else None
        allowed = self.fixed.get("village_id")
        if allowed is not None and values["village_id"] != allowed:
            result.reject(number, header, f"只能导入本村(社区)（{self.village_names[allowed]}）的数据")
            return False
        return True

    def prepare(self, number, values, result):
        """Row-level rules after the cells parsed; return False to reject."""
        return True

    def key(self, values):
        raise NotImplementedError

    def write_batch(self, batch, result):
        raise NotImplementedError

    def run(self, sheet, filename="", write=True, skip_invalid=False, reader_process=False):
        """Read, check and (when allowed) write the sheet; ``reader_process`` reads it in a child process."""
        result = ImportResult(self.kind, filename)
        required = {c.header for c in self.columns if c.required}
        result.header_row, header, mapping, result.unknown_columns = find_header(sheet, set(self.by_header), required)
        missing = [c.header for c in self.columns if c.required and c.header not in mapping.values()]
        if missing:
            raise UnreadableFile("缺少必需的列：" + "、".join(missing))
        self.present = {self.by_header[h].field for h in mapping.values()} - {None}
        self.plan_cells(mapping)
        result.header_cells = header
        cache = _PageCache(self.session.connection())
        child = _ChildReader(self, sheet) if reader_process and reader_process_possible() else None
        try:
            for part, batch, raw in self._batches(child if child is not None else self._chunks(sheet)):
                self._write_part(part, batch, raw, result)
            cache.restore()
        except BaseException:
            with contextlib.suppress(Exception):  # the error that stopped the import is the one to see
                cache.restore()
            self.session.rollback()
            raise
        finally:
            if child is not None:
                result.reader = {"process": "child", **(child.memory or {})}
                child.close()
        if write and (skip_invalid or not result.rejected_rows):
            audit.record(
                self.session, audit.ACTION_IMPORT, resource=self.resource,
                summary=f"导入{self.label} {filename}：共{result.total}行，新增{result.created}，更新{result.updated}，"
                        f"未变{result.unchanged}，拒绝{result.rejected}",
            )
            self.session.commit()
            result.written = True
        else:
            self.session.rollback()
        return result

    @staticmethod
    def _chunks(sheet):
        """The sheet's rows that are not blank, as lists of (number, row) of ``BATCH`` rows.

        This is the part of the work a child process does: it needs nothing but the file.
        """
        chunk = []
        for number, row in sheet.rows:
            if _blank(row):
                continue
            chunk.append((number, row))
            if len(chunk) >= BATCH:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def _batches(self, chunks):
        """Parse and check the rows: (part, batch, raw) for every ``BATCH`` rows that passed.

        What is found while checking a batch goes into its ``part`` of the result, which is
        added to the result just before the batch is written: the errors come in file order.
        """
        seen = {}
        parse = self.parse_cells
        part, batch, raw = ImportResult(self.kind), [], {}
        for chunk in chunks:
            for number, row in chunk:
                part.total += 1
                values = parse(row)
                if values.__class__ is list:  # bad cells
                    for header, message in values:
                        part.reject(number, header, message)
                    part.rejected_raw[number] = row
                    continue
                if not self.prepare(number, values, part):
                    part.rejected_raw[number] = row
                    continue
                key = self.key(values)
                first = seen.get(key)
                if first is not None:
                    part.reject(number, self.key_column, f"与第{first}行重复")
                    part.rejected_raw[number] = row
                    continue
                seen[key] = number
                batch.append((number, values))
                raw[number] = row
                if len(batch) >= BATCH:
                    yield part, batch, raw
                    part, batch, raw = ImportResult(self.kind), [], {}
        yield part, batch, raw

    def _write_part(self, part, batch, raw, result):
        """Add what checking the batch found, write it, and keep the rows writing rejected as they were."""
        result.absorb(part)
        if batch:
            self.write_batch(batch, result)
            for number in raw.keys() & result.rejected_rows:
                result.rejected_raw[number] = raw[number]

    def changed_fields(self, found, values, columns):
        """Columns whose value in the file differs from the database."""
        old = found._mapping
        return {c: values[c] for c in columns if c in values and values[c] != old[c]}

    def show_changes(self, found, changed):
        labels = {c.field: c.header for c in self.columns if c.field}
        labels.update(self.extra_labels)
        return {labels.get(c, c): [_show(getattr(found, c)), _show(v)] for c, v in changed.items()
                if c not in self.hidden_changes}

    extra_labels = {}
    hidden_changes = ()


class WorkerImport(LedgerImport):
    """The labour-force ledger (劳动力信息台账), matched by 身份证号."""

    kind = "workers"
    model = Worker
    resource = "worker"
    label = "劳动力台账"
    key_column = "身份证号"
    extra_labels = {"village_id": "村(社区)", "household_id": "户主身份证号"}
    hidden_changes = ("gender", "birth_date")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.households_seen = {}
        self.head_numbers = {}  # 户主身份证号 as written → normalised, for the heads seen so far

    def build_columns(self, village_names, job_type_names):
        return worker_columns(village_names, job_type_names)

    def key(self, values):
        return values["id_number"]

    def prepare(self, number, values, result):
        if not self.check_village(number, values, result, "村(社区)"):
            return False
        parsed = values.pop("id_number")
        values["id_number"] = parsed.number
        values["gender"] = parsed.gender
        values["birth_date"] = parsed.birth_date
        head = values.pop("head_id_number", None)
        if head:
            head_number = self.head_numbers.get(head)
            if head_number is None:
                if head == values["id_number"]:  # the head's own row: already parsed as 身份证号
                    head_number = self.head_numbers[head] = head
                else:
                    try:
                        head_number = self.head_numbers[head] = cells.id_number(head).number
                    except cells.CellError as exc:
                        result.reject(number, "户主身份证号", str(exc))
                        return False
            values["_head"] = head_number
        return self._check_household(number, values, self.households_seen, result)

    def _check_household(self, number, values, seen, result):
        head = values.get("_head")
        if not head:
            return True
        facts = (values.get("village_id"), values.get("category"), values.get("head_name"))
        first = seen.get(head)
        if first is None:
            seen[head] = (number, facts)
            return True
        first_row, first_facts = first
        labels = ("村(社区)", "户类别", "户主姓名")
        for label, mine, theirs in zip(labels, facts, first_facts):
            if mine is not None and theirs is not None and mine != theirs:
                result.reject(number, label, f"与第{first_row}行同一户主身份证号的{label}不一致")
                return False
        return True

    def _households(self, batch, result):
        """Find or create the households the batch refers to; head ID → household id."""
        table = Household.__table__
        heads = {v["_head"] for _, v in batch if v.get("_head")}
        if not heads:
            return {}
        existing = {row.head_id_number: row for row in self.session.execute(self._FIND_HOUSEHOLDS, {"keys": list(heads)})}
        now = datetime.now()
        to_insert, to_update = {}, {}
        for number, values in batch:
            head = values.get("_head")
            if not head:
                continue
            found = existing.get(head)
            if found is None:
                if head not in to_insert:
                    head_name = values.get("head_name") or (values["name"] if head == values["id_number"] else None)
                    if head_name:
                        to_insert[head] = (values["village_id"], values.get("group_name"), head_name, head,
                                           values.get("category") or "一般户")
                    else:
                        result.reject(number, "户主姓名", "新的户需要填写户主姓名")
                        values["_bad"] = True
                continue
            if found.village_id != values["village_id"]:
                result.reject(number, "户主身份证号", "该户登记在其他村(社区)，请核实")
                values["_bad"] = True
                continue
            changes = {}
            if values.get("category") and values["category"] != found.category:
                changes["category"] = values["category"]
            if values.get("head_name") and values["head_name"] != found.head_name:
                changes["head_name"] = values["head_name"]
            if changes:
                to_update.setdefault(found.id, {"category": found.category, "head_name": found.head_name}).update(changes)
                values["_household_changes"] = {
                    ("户类别" if k == "category" else "户主姓名"): [getattr(found, k), v] for k, v in changes.items()
                }
        ids = {head: found.id for head, found in existing.items()}
        if to_insert:
            tail = (now, now, self.actor_id, self.actor_id)
            self._insert_households(self.session.connection(), [row + tail for row in to_insert.values()])
            ids.update(self.session.execute(self._HOUSEHOLD_IDS, {"keys": list(to_insert)}).all())
        if to_update:
            statement = (
                update(table).where(table.c.id == bindparam("_id"))
                .values(category=bindparam("category"), head_name=bindparam("head_name"),
                        changed_on=now, changed_by_fk=self.actor_id)
            )
            self.session.connection().execute(statement, [{"_id": key, **row} for key, row in to_update.items()])
        return ids

    # Built once: an IN list of literal values is built and compiled again for every batch. The keys
    # go in one parameter, "keys" (an array on PostgreSQL: see key_in).
    _FIND_HOUSEHOLDS = select(
        *(Household.__table__.c[c] for c in ("id", "head_id_number", "village_id", "category", "head_name"))
    ).where(key_in(Household.__table__.c.head_id_number, "keys"))
    _HOUSEHOLD_IDS = select(Household.__table__.c.head_id_number, Household.__table__.c.id).where(
        key_in(Household.__table__.c.head_id_number, "keys")
    )
    _insert_households = BulkInsert(Household.__table__, (
        "village_id", "group_name", "head_name", "head_id_number", "category",
        "created_on", "changed_on", "created_by_fk", "changed_by_fk",
    ))

    _COMPARED = (
        "name", "gender", "birth_date", "phone", "village_id", "group_name", "household_id", "relation",
        "is_poverty_alleviated", "is_monitored", "is_hard_to_employ", "education", "health", "labor_capacity",
        "employment_status", "work_place", "employer_name", "skills", "wanted_job_types", "work_range",
        "expected_daily_wage", "notes",
    )
    _compared_values = operator.itemgetter(*_COMPARED)
    _FIND_WORKERS = select(
        *(Worker.__table__.c[c] for c in ("id", "id_number", "verified_on", *_COMPARED))
    ).where(key_in(Worker.__table__.c.id_number, "keys"))
    _INSERTED = (*_COMPARED, "id_number", "verified_on")
    _inserted_values = operator.itemgetter(*_INSERTED)
    _insert_workers = BulkInsert(Worker.__table__, (*_INSERTED, "created_on", "changed_on", "created_by_fk", "changed_by_fk"))
    # What a column the file does not have gets in a new row: the model's default.
    _DEFAULTS = {c.name: c.default.arg for c in Worker.__table__.columns if c.default is not None and c.default.is_scalar}

    def write_batch(self, batch, result):
        table = Worker.__table__
        ids = [v["id_number"] for _, v in batch]
        existing = {row.id_number: row for row in self.session.execute(self._FIND_WORKERS, {"keys": ids}).all()}
        allowed = self.fixed.get("village_id")
        if allowed is not None:  # people registered elsewhere stay where they are
            for number, values in batch:
                found = existing.get(values["id_number"])
                if found is not None and found.village_id != allowed:
                    result.reject(number, "身份证号", "此人已在其他村(社区)登记，请联系社保所核实")
                    values["_bad"] = True
            batch = [(n, v) for n, v in batch if not v.get("_bad")]
        household_ids = self._households(batch, result)
        now = datetime.now()
        inserts, updates = [], []
        for number, values in batch:
            if values.pop("_bad", False):
                continue
            head = values.pop("_head", None)
            household_changes = values.pop("_household_changes", {})
            values.pop("head_name", None)
            values.pop("category", None)
            if head:
                values["household_id"] = household_ids.get(head)
            elif "head_id_number" in self.present:  # a blank 户主身份证号 cell detaches the person
                values["household_id"] = None
            given_verified = values.pop("verified_on", None)
            found = existing.get(values["id_number"])
            if found is None:
                values["verified_on"] = given_verified or self.today
                inserts.append(values)
                continue
            try:
                same = self._compared_values(values) == found[3:]  # the columns selected after the 3 first
            except KeyError:  # a column the file does not have: compare those it has
                same = False
            changed = {} if same else self.changed_fields(found, values, self._COMPARED)
            if given_verified is not None and given_verified != found.verified_on:
                changed["verified_on"] = given_verified
            elif changed and given_verified is None:
                changed["verified_on"] = self.today
            if not changed and not household_changes:
                result.unchanged += 1
                continue
            if changed:
                updates.append({"_id": found.id, **{c: values.get(c, getattr(found, c)) for c in self._COMPARED},
                                "verified_on": changed.get("verified_on", found.verified_on),
                                "changed_on": now, "changed_by_fk": self.actor_id})
            fields = self.show_changes(found, changed)
            fields.update(household_changes)
            result.changes.append({"row": number, "key": values["name"], "fields": fields})
            result.updated += 1
        if inserts:
            try:
                rows = list(map(self._inserted_values, inserts))
            except KeyError:  # a column the file does not have
                rows = [tuple(v.get(c, self._DEFAULTS.get(c)) for c in self._INSERTED) for v in inserts]
            tail = (now, now, self.actor_id, self.actor_id)
            self._insert_workers(self.session.connection(), [row + tail for row in rows])
            result.created += len(rows)
        if updates:
            statement = (
                update(table)
                .where(table.c.id == bindparam("_id"))
                .values({c: bindparam(c) for c in (*self._COMPARED, "verified_on", "changed_on", "changed_by_fk")})
            )
            self.session.connection().execute(statement, updates)
        if inserts or updates:  # the matching index follows the rows just written (and their households)
            # Members are found through their households (old and new); only people without one by key.
            updated = {row["_id"] for row in updates}
            match_index.refresh(
                self.session.connection(),
                household_ids={row.get("household_id") for row in (*inserts, *updates)}
                | {found.household_id for found in existing.values() if found.id in updated},
                id_numbers=[row["id_number"] for row in inserts if row.get("household_id") is None],
                worker_ids=[row["_id"] for row in updates if row.get("household_id") is None],
            )


def _show(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)




class JobImport(LedgerImport):
    """The job-demand ledger (用工需求台账), matched by 用工主体 + 岗位名称 + 开始日期.

    Employers are found by name (and checked against the credit code when both are
    given) or created from the row; an existing employer is never changed by a job
    ledger. New rows get the importing office as their source (SPEC §3).
    """

    kind = "jobs"
    model = Job
    resource = "job"
    label = "用工需求台账"
    key_column = "岗位名称"
    extra_labels = {"village_id": "采集村(社区)", "job_type_id": "工种", "age_min": "年龄要求", "age_max": "年龄要求"}

    _COMPARED = (
        "job_type_id", "headcount", "work_place", "work_end", "work_hours", "wage_amount", "wage_unit",
        "requirements", "age_min", "age_max", "gender_req", "meals", "lodging", "transport", "insured",
        "village_id", "collected_on", "status", "contact_name", "contact_phone",
    )

    def build_columns(self, village_names, job_type_names):
        return job_columns(village_names, job_type_names)

    def key(self, values):
        return (values["employer_name"], values["title"], values.get("work_start"))

    def prepare(self, number, values, result):
        if not self.check_village(number, values, result, "采集村(社区)"):
            return False
        values["job_type_id"] = self.job_type_ids[values.pop("job_type")]
        if "age" in values:
            values["age_min"], values["age_max"] = values.pop("age")
        if "gender_req" in values:
            values["gender_req"] = values["gender_req"] or "不限"
        start, end = values.get("work_start"), values.get("work_end")
        if start and end and end < start:
            result.reject(number, "结束日期", "结束日期不能早于开始日期")
            return False
        return True

    def _source_office(self):
        if self.scope.kind == scoping.SCOPE_OFFICE:
            return self.scope.office
        if self.scope.kind == scoping.SCOPE_VILLAGE:
            return "村(社区)采集"
        return "社保所"

    def _employers(self, batch, result):
        """Employer name → id, creating the missing ones; rows with a conflicting code are rejected."""
        table = Employer.__table__
        names = {v["employer_name"] for _, v in batch}
        existing = {
            row.name: row
            for row in self.session.execute(select(table.c.id, table.c.name, table.c.credit_code).where(table.c.name.in_(names)))
        }
        criterion = scoping.read_criterion(Employer, self.scope)
        readable = set(self.session.execute(
            select(table.c.id).where(table.c.name.in_(names), *([criterion] if criterion is not None else []))
        ).scalars())
        codes = {v["credit_code"] for _, v in batch if v.get("credit_code")}
        code_owner = dict(
            self.session.execute(select(table.c.credit_code, table.c.name).where(table.c.credit_code.in_(codes))).all()
        ) if codes else {}
        now = datetime.now()
        new = {}
        for number, values in batch:
            name, code = values["employer_name"], values.get("credit_code")
            found = existing.get(name)
            owner = code_owner.get(code) if code else None
            if found is not None:
                if found.id not in readable:  # a job may only hang under an employer the user can see
                    result.reject(number, "用工主体", f"“{name}”已由其他村(社区)或单位登记，请联系社保所")
                    values["_bad"] = True
                elif code and found.credit_code and found.credit_code != code:
                    result.reject(number, "统一社会信用代码", f"与系统中“{name}”的统一社会信用代码不一致")
                    values["_bad"] = True
                continue
            if owner is not None and owner != name:
                result.reject(number, "统一社会信用代码", f"该代码已属于用工主体“{owner}”")
                values["_bad"] = True
                continue
            if name in new:
                continue
            if not values.get("employer_kind"):
                result.reject(number, "主体类型", "新的用工主体需要填写主体类型")
                values["_bad"] = True
                continue
            new[name] = {
                "name": name, "kind": values["employer_kind"], "credit_code": code,
                "contact_name": values.get("contact_name"), "contact_phone": values.get("contact_phone"),
                "village_id": self.fixed.get("village_id", values.get("village_id")),
                "source_office": self._source_office(),
                "created_on": now, "changed_on": now, "created_by_fk": self.actor_id, "changed_by_fk": self.actor_id,
            }
        if new:
            self.session.execute(insert(table), list(new.values()))
        return dict(self.session.execute(select(table.c.name, table.c.id).where(table.c.name.in_(names))).all())

    def write_batch(self, batch, result):
        table = Job.__table__
        employer_ids = self._employers(batch, result)
        batch = [(n, v) for n, v in batch if not v.pop("_bad", False)]
        titles = {v["title"] for _, v in batch}
        candidates = self.session.execute(
            select(table).where(table.c.employer_id.in_(set(employer_ids.values())), table.c.title.in_(titles))
        ).all()
        existing = {(row.employer_id, row.title, row.work_start): row for row in candidates}
        now = datetime.now()
        inserts, updates = [], []
        for number, values in batch:
            employer_id = employer_ids[values["employer_name"]]
            found = existing.get((employer_id, values["title"], values.get("work_start")))
            if found is None:
                row = {c: values.get(c) for c in self._COMPARED if c in values}
                row.update(
                    employer_id=employer_id, title=values["title"], work_start=values.get("work_start"),
                    source_office=self._source_office(), collected_on=values.get("collected_on") or self.today,
                    published_on=self.today if values["status"] != "待发布" else None,
                    created_on=now, changed_on=now, created_by_fk=self.actor_id, changed_by_fk=self.actor_id,
                )
                for flag in ("meals", "lodging", "insured"):
                    row.setdefault(flag, False)
                row.setdefault("gender_req", "不限")
                inserts.append(row)
                result.created += 1
                continue
            if not self._may_change(found):
                result.reject(number, "岗位名称", "该岗位由其他村(社区)或单位采集，无权修改")
                continue
            changed = self.changed_fields(found, values, self._COMPARED)
            if not changed:
                result.unchanged += 1
                continue
            update_row = {"_id": found.id, **{c: values.get(c, getattr(found, c)) for c in self._COMPARED}}
            update_row["published_on"] = found.published_on or (self.today if update_row["status"] != "待发布" else None)
            update_row.update(changed_on=now, changed_by_fk=self.actor_id)
            updates.append(update_row)
            result.changes.append({"row": number, "key": values["title"], "fields": self.show_changes(found, changed)})
            result.updated += 1
        if inserts:
            self.session.execute(insert(table), inserts)
        if updates:
            columns = (*self._COMPARED, "published_on", "changed_on", "changed_by_fk")
            statement = update(table).where(table.c.id == bindparam("_id")).values({c: bindparam(c) for c in columns})
            self.session.connection().execute(statement, updates)

    def _may_change(self, found):
        return all(getattr(found, column) == value for column, value in self.fixed.items())

    def show_changes(self, found, changed):
        shown = dict(changed)
        if "job_type_id" in shown:
            names = {v: k for k, v in self.job_type_ids.items()}
            return {**super().show_changes(found, {k: v for k, v in shown.items() if k != "job_type_id"}),
                    "工种": [names.get(found.job_type_id, ""), names.get(shown["job_type_id"], "")]}
        return super().show_changes(found, shown)


IMPORTERS_BY_KIND = {"workers": WorkerImport, "jobs": JobImport}
