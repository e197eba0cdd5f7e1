"""The ledger use cases as the web views and the CLI call them."""
from flask import current_app

from app.services.ledgers.export import export_jobs, export_workers
from app.services.ledgers.importer import IMPORTERS_BY_KIND
from app.services.ledgers.reader import UnreadableFile, open_sheet

IMPORTERS = IMPORTERS_BY_KIND
EXPORTERS = {"workers": export_workers, "jobs": export_jobs}
LABELS = {"workers": "劳动力台账", "jobs": "用工需求台账"}


def import_ledger(session, kind, data, filename, scope=None, actor_id=None, write=True, skip_invalid=False):
    """Read, validate and (unless ``write`` is False or rows were rejected) write a ledger file."""
    if kind not in IMPORTERS:
        raise UnreadableFile(f"暂不支持导入{LABELS.get(kind, kind)}")
    importer = IMPORTERS[kind](session, scope=scope, actor_id=actor_id)
    sheet = open_sheet(data, filename, current_app.config["LEDGER_MAX_ROWS"])
    threshold = current_app.config["LEDGER_READER_PROCESS_MIN_BYTES"]
    return importer.run(sheet, filename=filename, write=write, skip_invalid=skip_invalid,
                        reader_process=threshold >= 0 and len(data) >= threshold)


def export_ledger(session, kind, unmasked, where=None, filename=""):
    if kind not in EXPORTERS:
        raise UnreadableFile(f"暂不支持导出{LABELS.get(kind, kind)}")
    return EXPORTERS[kind](session, unmasked, where=where, filename=filename, town=current_app.config["TOWN_SHORT_NAME"])


def summary(result, dry_run=False):
    """One Chinese sentence on what the import did (or would do)."""
    head = f"共{result.total}行：新增{result.created}，更新{result.updated}，未变{result.unchanged}，拒绝{result.rejected}。"
    if result.unknown_columns:
        head += f"未识别的列已忽略：{'、'.join(result.unknown_columns)}。"
    if result.written:
        return head + "已写入。"
    if dry_run:
        return head + "（预览，未写入）"
    if result.rejected:
        return head + "存在被拒绝的行，未写入任何数据。"
    return head + "未写入。"
