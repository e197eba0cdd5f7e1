"""Opening an uploaded ledger (.xlsx or .csv) and finding its header row.

Files are treated as hostile: anything that is not a readable spreadsheet, is
encrypted, is far too large once unzipped, or has more rows than allowed is
refused with a Chinese message before any row is processed.
"""
import csv
import io
import itertools
import re
import zipfile
import zlib
from dataclasses import dataclass, field

from app.services.ledgers import xlsx
from app.services.ledgers.cells import text

MAX_UNZIPPED_BYTES = 400 * 1024 * 1024
HEADER_SEARCH_ROWS = 20


class UnreadableFile(ValueError):
    """The file cannot be read at all; ``str()`` is the Chinese message (CLI exit 2)."""


@dataclass
class Sheet:
    """Rows of the first sheet as (sheet row number, tuple of cell values)."""

    name: str
    rows: object  # an iterator
    merged_title: bool = False
    notes: list = field(default_factory=list)


_DIMENSION = re.compile(rb'<dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"')


def _check_xlsx(data, max_rows):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise UnreadableFile("文件已损坏，无法作为 .xlsx 打开") from None
    with archive:
        names = archive.namelist()
        if "xl/workbook.xml" not in names:
            raise UnreadableFile("这不是 Excel 工作簿（.xlsx）文件")
        if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
            raise UnreadableFile("文件解压后过大，拒绝导入")
        first = _first_sheet_part(archive)
        if first:
            try:
                with archive.open(first) as handle:
                    head = handle.read(4096)
            except _BROKEN as exc:
                raise UnreadableFile(_reason(exc)) from None
            match = _DIMENSION.search(head)
            if match and int(match.group(1)) > max_rows + HEADER_SEARCH_ROWS:
                raise UnreadableFile(f"表格行数过多（{int(match.group(1))}行），一次最多导入{max_rows}行，请分批导入")


def _xlsx_rows(data, max_rows):
    """The first sheet's rows: streamed (see ``xlsx``), or read whole by python-calamine."""
    try:
        name, sheet = xlsx.first_sheet(data, max_rows + HEADER_SEARCH_ROWS)
    except xlsx.NotStreamable:
        return _calamine_rows(data, max_rows)
    except _BROKEN as exc:
        raise UnreadableFile(_reason(exc)) from None
    return name, _streamed(sheet.rows(), max_rows)


# What reading a damaged package raises (zipfile: RuntimeError for an encrypted member,
# NotImplementedError for an unknown compression method).
_BROKEN = (
    xlsx.SheetFormatError, ValueError, KeyError, zipfile.BadZipFile, EOFError, zlib.error, RuntimeError,
    NotImplementedError,
)


def _reason(exc):
    if isinstance(exc, xlsx.SheetFormatError):
        return str(exc)
    return f"文件已损坏，无法读取（{type(exc).__name__}）"


def _too_many(max_rows):
    return UnreadableFile(f"表格行数过多，一次最多导入{max_rows}行，请分批导入")


def _streamed(rows, max_rows):
    """The reader's rows, its errors as the Chinese messages the import shows."""
    try:
        yield from rows
    except xlsx.TooManyRows:
        raise _too_many(max_rows) from None
    except _BROKEN as exc:
        raise UnreadableFile(_reason(exc)) from None


_ANY_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\b")


def _calamine_rows(data, max_rows):
    """A sheet the streaming reader does not take (a namespace prefix, UTF-16): read whole.

    python-calamine holds the whole sheet in memory, so the rows are counted first.
    """
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError

    _count_rows(data, max_rows)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
    except PasswordError:
        raise UnreadableFile("文件已加密，请取消密码保护后再导入") from None
    except (CalamineError, Exception) as exc:  # calamine raises several error types for bad files
        raise UnreadableFile(f"无法读取 Excel 文件：{type(exc).__name__}") from None
    # iter_rows() starts at the sheet's first row whatever ``sheet.start`` says
    return sheet.name, zip(itertools.count(1), map(tuple, sheet.iter_rows()))


def _first_sheet_part(archive):
    """The first tab's part; failing that (a damaged workbook part), the lowest-numbered sheet part."""
    found = xlsx.first_sheet_path(archive)
    if found:
        return found
    numbered = [(int(m.group(1)), n) for n in archive.namelist() if (m := re.match(r"xl/worksheets/sheet(\d+)\.xml$", n))]
    return min(numbered)[1] if numbered else None


def _count_rows(data, max_rows):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        name = _first_sheet_part(archive)
        if name:
            count = 0
            tail = b""
            with archive.open(name) as stream:
                while True:
                    chunk = stream.read(xlsx.CHUNK)
                    piece = tail + chunk
                    # a tag that may go on in the next chunk is counted there
                    limit = len(piece) - 64 if chunk else len(piece)
                    count += sum(1 for found in _ANY_ROW.finditer(piece) if found.start() < limit)
                    if not chunk:
                        break
                    tail = piece[max(limit, 0):]
            if count > max_rows + HEADER_SEARCH_ROWS:
                raise _too_many(max_rows)


def _decode_csv(data):
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile("无法识别 CSV 文件的编码，请另存为 UTF-8 或 GBK 编码")


def _csv_rows(data, max_rows):
    content = _decode_csv(data)
    if "\x00" in content:
        raise UnreadableFile("这不是文本格式的 CSV 文件")

    def rows():
        reader = csv.reader(io.StringIO(content, newline=""))
        for number, row in enumerate(reader, start=1):
            if number > max_rows + HEADER_SEARCH_ROWS:
                raise UnreadableFile(f"表格行数过多，一次最多导入{max_rows}行，请分批导入")
            yield number, tuple(row)

    return "CSV", rows()


def open_sheet(data, filename, max_rows):
    """The first sheet of an .xlsx or .csv file given as bytes."""
    if not data:
        raise UnreadableFile("文件是空的")
    lower = (filename or "").lower()
    if data[:4] == b"PK\x03\x04":
        _check_xlsx(data, max_rows)
        name, rows = _xlsx_rows(data, max_rows)
        return Sheet(name, rows)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UnreadableFile("文件已加密，或是旧版 .xls 格式：请在 Excel 中取消密码并另存为 .xlsx 后再导入")
    if lower.endswith((".xlsx", ".xlsm", ".xls")):
        raise UnreadableFile("文件已损坏，无法作为 Excel 文件打开")
    if lower.endswith(".csv") or not lower:
        name, rows = _csv_rows(data, max_rows)
        return Sheet(name, rows)
    raise UnreadableFile("只能导入 .xlsx 或 .csv 文件")


def normalise_header(value):
    """Header cells may carry spaces, full-width brackets, a required-mark * or line breaks."""
    return re.sub(r"[\s*＊]", "", text(value))


def find_header(sheet, known_headers, required_headers):
    """Skip title and blank rows; the header row is the first naming a required column.

    Returns (header row number, the header cells, {column index: header name}, unknown header names).
    """
    for _ in range(HEADER_SEARCH_ROWS):
        try:
            number, row = next(sheet.rows)
        except StopIteration:
            break
        names = [normalise_header(cell) for cell in row]
        hits = [n for n in names if n in known_headers]
        if len(hits) >= 2 and any(n in required_headers for n in hits):
            mapping = {}
            unknown = []
            for index, name in enumerate(names):
                if name in known_headers:
                    if name in mapping.values():
                        raise UnreadableFile(f"表头中“{name}”出现了两次")
                    mapping[index] = name
                elif name:
                    unknown.append(name)
            return number, tuple(text(c) for c in row), mapping, unknown
    raise UnreadableFile("找不到表头行：前20行中没有包含“" + "”“".join(sorted(required_headers)) + "”等列名的行")
