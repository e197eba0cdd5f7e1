"""Reading the first sheet of an .xlsx file as a stream, in constant memory.

python-calamine reads a whole sheet into memory before giving its first row: a ledger of
100,000 rows took 165 MB, and a hostile file (up to the unzipped-size limit) far more.
This reader decompresses the sheet in chunks of ``CHUNK`` bytes and turns each complete
row into a tuple of cell values, the same values python-calamine gives for them (so the
cell parsers see no difference): text as ``str``, numbers as ``float``, booleans as
``bool``, cells with a date format as ``date`` (or ``datetime`` with a time of day),
error and empty cells as ``''``. Only the workbook's shared-string table, which Excel
keeps in one part of its own, is held whole.

The sheet part is scanned with regular expressions over bytes rather than by an XML
parser: a parser calls Python for every element, which made reading about 6 times
slower than python-calamine. That is safe because spreadsheet writers produce one narrow
form of XML. :func:`first_sheet` checks a file is of that form — the worksheet element
without a namespace prefix, in UTF-8 — and anything inside the sheet data that the
expressions do not understand (comments, CDATA, processing instructions, a document
type, prefixed elements, unknown entities) stops the import with a message instead of
being guessed at. Files of another form (a prefixed namespace, UTF-16) are read by
python-calamine as before.
"""
import io
import math
import re
import zipfile
from datetime import datetime, timedelta
from xml.etree import ElementTree

CHUNK = 1 << 20  # bytes of decompressed sheet XML scanned at a time
MAX_SMALL_PART = 20 * 1024 * 1024  # workbook, relationships and styles parts are small
MAX_COLUMNS = 16_384  # Excel's own limit (column XFD)

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_STRICT_REL = "http://purl.oclc.org/ooxml/officeDocument/relationships"
_PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


class SheetFormatError(ValueError):
    """The sheet is not in the form spreadsheet programs write; ``str()`` is the Chinese message."""


_NOT_STANDARD = "文件内容不是 Excel 的标准格式（{}），请用 Excel 或 WPS 打开后另存为 .xlsx 再导入"


# --------------------------------------------------------------------------- the package


def _small_part(archive, name):
    info = archive.getinfo(name)
    if info.file_size > MAX_SMALL_PART:
        raise SheetFormatError(_NOT_STANDARD.format(f"{name} 过大"))
    return archive.read(name)


def _xml(archive, name):
    try:
        return ElementTree.fromstring(_small_part(archive, name))
    except ElementTree.ParseError:
        raise SheetFormatError(_NOT_STANDARD.format(f"{name} 不是有效的 XML")) from None


def _local(tag):
    return tag.rpartition("}")[2]


def _resolve(base_dir, target):
    """A relationship target as a path inside the package."""
    if target.startswith("/"):
        path = target[1:]
    else:
        parts = base_dir.split("/") if base_dir else []
        for piece in target.split("/"):
            if piece == "..":
                if parts:
                    parts.pop()
            elif piece not in ("", "."):
                parts.append(piece)
        path = "/".join(parts)
    return path


def _relationships(archive, part):
    """{relationship id: (type's last word, target path)} of a part."""
    folder, _, name = part.rpartition("/")
    rels_name = f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"
    if rels_name not in archive.NameToInfo:
        return {}
    found = {}
    for rel in _xml(archive, rels_name).iter(_PACKAGE_REL):
        if rel.get("TargetMode") == "External":
            continue
        found[rel.get("Id")] = (rel.get("Type", "").rpartition("/")[2], _resolve(folder, rel.get("Target", "")))
    return found


# Built-in number formats that show dates or times (ECMA-376 18.8.30 and the East Asian ones).
_BUILTIN_DATE_FORMATS = frozenset((*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59), *range(71, 82)))
_FORMAT_NOISE = re.compile(r'"[^"]*"|\\.|_.|\*.|\[(?!h\]|hh\]|m\]|mm\]|s\]|ss\])[^\]]*\]', re.I)


def _is_date_format(code):
    code = _FORMAT_NOISE.sub("", code or "").lower()
    if "general" in code:
        code = code.replace("general", "")
    return any(letter in code for letter in "ymdhs")


_BUILTIN_DURATION_FORMATS = frozenset((46,))  # [h]:mm:ss
_ELAPSED = re.compile(r"\[(?:h+|m+|s+)\]", re.I)


def _is_duration_format(code):
    """An elapsed-time format ([h]:mm:ss, [mm]:ss): calamine gives a timedelta."""
    return bool(_ELAPSED.search(re.sub(r'"[^"]*"', "", code or "")))


class DateStyles(frozenset):
    """Indexes of the cell styles whose number format shows a date; ``durations`` those showing elapsed time."""

    durations = frozenset()


def _date_styles(archive, path):
    """Indexes of the cell styles (``s``) whose number format shows a date."""
    if not path or path not in archive.NameToInfo:
        return DateStyles()
    root = _xml(archive, path)
    custom = {}
    styles = []
    for element in root:
        name = _local(element.tag)
        if name == "numFmts":
            for fmt in element:
                try:
                    custom[int(fmt.get("numFmtId", "-1"))] = fmt.get("formatCode", "")
                except ValueError:
                    continue
        elif name == "cellXfs":
            for xf in element:
                try:
                    styles.append(int(xf.get("numFmtId", "0")))
                except ValueError:
                    styles.append(0)
    found = DateStyles(
        index for index, fmt in enumerate(styles)
        if (_is_date_format(custom[fmt]) if fmt in custom else fmt in _BUILTIN_DATE_FORMATS)
    )
    found.durations = frozenset(
        index for index, fmt in enumerate(styles)
        if (_is_duration_format(custom[fmt]) if fmt in custom else fmt in _BUILTIN_DURATION_FORMATS)
    )
    return found


# --------------------------------------------------------------------------- text


_ENTITY = re.compile(rb"&(?:(lt|gt|amp|quot|apos)|#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6}));")
_NAMED = {b"lt": "<", b"gt": ">", b"amp": "&", b"quot": '"', b"apos": "'"}
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _entity(match):
    if match.group(1):
        return _NAMED[match.group(1)].encode()
    code = int(match.group(2)) if match.group(2) else int(match.group(3), 16)
    if code == 0:
        raise SheetFormatError(_NOT_STANDARD.format("无效的字符编码"))
    try:
        return chr(code).encode("utf-8")
    except (ValueError, OverflowError):
        raise SheetFormatError(_NOT_STANDARD.format("无效的字符编码")) from None


_UNKNOWN_ENTITY = re.compile(rb"&(?!(?:lt|gt|amp|quot|apos|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});)")


class _Texts(dict):
    """XML character data (bytes) → text, remembered: most cells of a ledger repeat a few values.

    openpyxl writes every Chinese character as a character reference (&#20013;), which
    costs a Python call each to decode; a value seen before costs one dict look-up.
    """

    __slots__ = ()
    LIMIT = 4096  # entries: enough for the repeated values, which come early; memory stays bounded
    LONGEST = 256  # bytes: long texts are rarely repeated

    def __missing__(self, raw):
        value = _decode_text(raw)
        if len(self) < self.LIMIT and len(raw) <= self.LONGEST:
            self[raw] = value
        return value


def _decode_text(raw):
    if b"&" in raw:
        if _UNKNOWN_ENTITY.search(raw):
            raise SheetFormatError(_NOT_STANDARD.format("含有未定义的实体引用"))
        raw = _ENTITY.sub(_entity, raw)
    if b"\r" in raw:  # an XML parser turns every line break into \n
        raw = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    try:
        value = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise SheetFormatError(_NOT_STANDARD.format("文字编码错误")) from None
    if "_x" in value:  # Excel's escape of control characters: _x000D_ is a carriage return
        value = _ESCAPED.sub(_unescape, value)
    return value


def _unescape(match):
    code = int(match.group(1), 16)
    return chr(code) if code else ""  # a NUL character cannot be stored (PostgreSQL refuses it)



_RPH = re.compile(rb"<rPh\b.*?</rPh>|<rPh\b[^>]*/>", re.S)  # phonetic guides are not part of the text
_T = re.compile(rb"<t(?:\s[^>]*)?(?:/>|>(.*?)</t>)", re.S)


def _rich_text(body):
    """The text of an ``<si>`` or ``<is>`` element's content: its ``<t>`` runs, phonetic runs left out."""
    if b"<rPh" in body:
        body = _RPH.sub(b"", body)
    return _decode_text(b"".join(_T.findall(body)))


# --------------------------------------------------------------------------- markup checks


_HEAD = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml\b([^>]*)\?>)?\s*<([A-Za-z_][\w.:-]*)")
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([^"']*)["']""")
_PREFIX = re.compile(rb"/?[A-Za-z_][\w.-]*")  # what may stand between "<" and ":" in a prefixed tag


def _root_is(head, name):
    """Whether a part starts (after an XML declaration in UTF-8) with the element ``name``, unprefixed."""
    match = _HEAD.match(head)
    if match is None or match.group(2) != name:
        return False
    encoding = _ENCODING.search(match.group(1) or b"")
    return encoding is None or encoding.group(1).lower() in (b"utf-8", b"utf8")


def _check_markup(piece):
    """Refuse what the expressions would misread: comments, CDATA, instructions, prefixed elements.

    A regular expression looking for prefixed tags at every "<" took a sixth of the reading
    time; colons are rare in sheet data, so each one is looked at instead.
    """
    # A one-byte search is several times faster than a two-byte one, and "!" and "?" are rare in ledgers.
    if (b"!" in piece and b"<!" in piece) or (b"?" in piece and b"<?" in piece):
        raise SheetFormatError(_NOT_STANDARD.format("含有注释或处理指令"))
    find, rfind, prefix = piece.find, piece.rfind, _PREFIX.fullmatch
    colon = find(b":")
    while colon >= 0:
        tag = rfind(b"<", max(0, colon - 256), colon)
        if tag >= 0 and prefix(piece, tag + 1, colon):
            raise SheetFormatError(_NOT_STANDARD.format("含有带命名空间前缀的元素"))
        colon = find(b":", colon + 1)


# --------------------------------------------------------------------------- shared strings


_SI = re.compile(rb"<si\b[^>]*?(?:/>|>(.*?)</si>)", re.S)


def _shared_strings(archive, path):
    if not path or path not in archive.NameToInfo:
        return []
    strings = []
    append = strings.append
    buffer = b""
    with archive.open(path) as stream:
        while True:
            chunk = stream.read(CHUNK)
            buffer += chunk
            cut = len(buffer) if not chunk else buffer.rfind(b"<si")
            if cut > 0:
                piece = buffer[:cut]
                for body in _SI.findall(piece):
                    if body[:3] == b"<t>" and body.find(b"<", 3) == len(body) - 4:
                        append(_decode_text(body[3:-4]))
                    else:
                        append(_rich_text(body))
                buffer = buffer[cut:]
            if not chunk:
                return strings


# --------------------------------------------------------------------------- cells


_EPOCH = datetime(1899, 12, 30)
_EPOCH_1904 = datetime(1904, 1, 1)
_LAST_SERIAL = 2_958_466  # 9999-12-31


def _excel_date(serial, date1904):
    """A date-formatted number as calamine gives it: a date, a datetime when it has a time of
    day, a time when it is less than a day."""
    if not 0 <= serial < _LAST_SERIAL:
        return serial
    if serial < 1:
        return (datetime.min + timedelta(milliseconds=round(serial * 86_400_000))).time()
    if date1904:
        epoch = _EPOCH_1904
    else:
        epoch = _EPOCH
        if serial < 60:  # Excel counts a 29 February 1900 that never was
            serial += 1
    days = math.floor(serial)
    fraction = serial - days
    if fraction == 0:
        return (epoch + timedelta(days=days)).date()
    return epoch + timedelta(days=days, milliseconds=round(fraction * 86_400_000))


def _iso_date(raw):
    value = raw.decode("ascii", "replace").strip()
    try:
        if "T" in value or " " in value:
            return datetime.fromisoformat(value.rstrip("Z"))
        return datetime.fromisoformat(value).date()
    except ValueError:
        return value


_ATTR = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_REF = re.compile(rb"([A-Z]{1,3})([0-9]*)$")
_ROW_NUMBER = re.compile(rb"""\br\s*=\s*["']([0-9]+)["']""")


def _column_index(letters):
    index = 0
    for letter in letters:
        index = index * 26 + letter - 64
    if index > MAX_COLUMNS:
        raise SheetFormatError(_NOT_STANDARD.format("列号超出范围"))
    return index - 1


class _Columns(dict):
    """Column letters (bytes) → index from 0."""

    def __missing__(self, letters):
        index = self[letters] = _column_index(letters)
        return index


_PLAIN = (0, b"n", None)  # a cell without attributes


class _CellAttributes(dict):
    """attributes (bytes, without ``r``) → (style index, type); a ledger has only a few distinct ones."""

    def __missing__(self, attrs):
        found = {name: (double if double or not single else single) for name, double, single in _ATTR.findall(attrs)}
        try:
            style = int(found.get(b"s", b"0") or 0)
        except ValueError:
            raise SheetFormatError(_NOT_STANDARD.format("单元格样式编号错误")) from None
        result = (style, found.get(b"t", b"n"), found.get(b"r"))
        if result[2] is None and len(self) < 1024:
            self[attrs] = result
        return result


# A row start, or a cell. The usual forms are taken apart here, in C: ``<c r="B4" ...>`` gives its
# column letters, ``<v>…</v>`` and ``<is><t>…</t></is>`` bodies their raw value; any other body
# is left whole for :meth:`StreamingSheet._general`. The cell's other attributes are taken by
# possessive loops (a "/" only when no ">" follows it), which never give back what they took:
# a third faster than a lazy ``[^>]*?``, which tries the rest of the pattern after every byte.
_TOKEN = re.compile(
    rb"(<row)\b([^>]*?)(/?)>"
    rb"|<c(?:\s+r=\"([A-Z]{1,3})[0-9]+\")?(\s[^>/]*+(?:/(?!>)[^>/]*+)*+)?"
    rb"(?:/>|><v>([^<]*+)</v></c>|><is><t>([^<]*+)</t></is></c>|>(.*?)</c>)",
    re.S,
)
_F = re.compile(rb"<f\b[^>]*?(?:/>|>.*?</f>)", re.S)
_V = re.compile(rb"<v\b[^>]*?(?:/>|>(.*?)</v>)", re.S)
_IS = re.compile(rb"<is\b[^>]*?(?:/>|>(.*?)</is>)", re.S)


class StreamingSheet:
    """The rows of one worksheet part, read chunk by chunk."""

    def __init__(self, archive, path, shared_strings, date_styles, date1904, max_rows):
        self.archive = archive
        self.path = path
        self.strings = shared_strings
        self.date_styles = date_styles
        self.date1904 = date1904
        self.max_rows = max_rows
        self.columns = _Columns()
        self.attributes = _CellAttributes()
        self.texts = _Texts()

    def _pieces(self):
        """The sheet data's XML in pieces that each end before a ``<row``."""
        buffer = b""
        started = False
        with self.archive.open(self.path) as stream:
            while True:
                chunk = stream.read(CHUNK)
                buffer += chunk
                if not started:
                    start = buffer.find(b"<sheetData")
                    if start < 0:
                        if not chunk:
                            return
                        buffer = buffer[-16:]
                        continue
                    close = buffer.find(b">", start)
                    if close < 0:
                        if not chunk:
                            raise SheetFormatError(_NOT_STANDARD.format("工作表不完整"))
                        continue
                    if buffer[close - 1:close] == b"/":
                        return  # <sheetData/>: no rows
                    buffer = buffer[close + 1:]
                    started = True
                end = buffer.find(b"</sheetData>")
                if end >= 0:
                    yield buffer[:end]
                    return
                if not chunk:
                    raise SheetFormatError(_NOT_STANDARD.format("工作表不完整"))
                cut = buffer.rfind(b"<row")
                if cut > 0:
                    yield buffer[:cut]
                    buffer = buffer[cut:]

    def rows(self):
        """(sheet row number, tuple of cell values) for every row element, in the file's order."""
        strings = self.strings
        columns, attributes, texts = self.columns, self.attributes, self.texts
        number = 0
        count = 0
        cells = None
        size = 0
        for piece in self._pieces():
            _check_markup(piece)
            for mark, row_attrs, empty, letters, attrs, v, t, body in _TOKEN.findall(piece):
                if mark:
                    if cells is not None:
                        yield number, tuple(cells)
                    count += 1
                    if count > self.max_rows:
                        raise TooManyRows(count)
                    found = _ROW_NUMBER.search(row_attrs)
                    number = int(found.group(1)) if found else number + 1
                    cells = []
                    size = 0
                    if empty:
                        yield number, ()
                        cells = None
                    continue
                if cells is None:
                    raise SheetFormatError(_NOT_STANDARD.format("单元格不在行内"))
                style, kind, ref = attributes[attrs] if attrs else _PLAIN
                if t:
                    value = texts[t] if kind == b"inlineStr" else self._value(kind, t, style)
                elif v:
                    if kind == b"s":
                        try:
                            value = strings[int(v)]
                        except (ValueError, IndexError):
                            raise SheetFormatError(_NOT_STANDARD.format("共享字符串编号错误")) from None
                    else:
                        value = self._value(kind, v, style)
                elif body:
                    value = self._general(kind, body, style)
                else:
                    value = ""
                column = columns[letters] if letters else self._column(ref, size)
                if column == size:
                    cells.append(value)
                    size += 1
                elif column > size:
                    cells.extend([""] * (column - size))
                    cells.append(value)
                    size = column + 1
                else:  # cells out of order: the later one wins, as in calamine
                    cells[column] = value
        if cells is not None:
            yield number, tuple(cells)

    @staticmethod
    def _column(ref, size):
        if ref is None:
            return size  # a cell without a reference follows the one before
        match = _REF.match(ref)
        if match is None:
            raise SheetFormatError(_NOT_STANDARD.format("单元格引用错误"))
        return _column_index(match.group(1))

    def _general(self, kind, body, style):
        if kind == b"inlineStr":
            found = _IS.search(body)
            return _rich_text(found.group(1)) if found and found.group(1) else ""
        body = _F.sub(b"", body)
        found = _V.search(body)
        return self._value(kind, found.group(1), style) if found and found.group(1) else ""

    def _value(self, kind, raw, style):
        if not raw:
            return ""
        if kind == b"s":
            try:
                return self.strings[int(raw)]
            except (ValueError, IndexError):
                raise SheetFormatError(_NOT_STANDARD.format("共享字符串编号错误")) from None
        if kind == b"n":
            try:
                number = float(raw)
            except ValueError:
                raise SheetFormatError(_NOT_STANDARD.format("数字格式错误")) from None
            if not math.isfinite(number):
                raise SheetFormatError(_NOT_STANDARD.format("数字格式错误"))
            if style not in self.date_styles:
                return number
            if style in self.date_styles.durations:
                return timedelta(days=number)
            return _excel_date(number, self.date1904)
        if kind == b"str" or kind == b"inlineStr":
            return self.texts[raw]
        if kind == b"b":
            flag = raw.strip().lower()
            if flag in (b"1", b"true"):
                return True
            if flag in (b"0", b"false"):
                return False
            raise SheetFormatError(_NOT_STANDARD.format("逻辑值错误"))
        if kind == b"e":
            return ""
        if kind == b"d":
            return _iso_date(raw)
        raise SheetFormatError(_NOT_STANDARD.format("未知的单元格类型"))


class TooManyRows(ValueError):
    """More row elements than may be imported at once; ``args[0]`` is how many were seen."""


class NotStreamable(ValueError):
    """The package is readable but not in the form :class:`StreamingSheet` reads (use calamine)."""


def _workbook(archive):
    """(workbook part path, its root element, its relationships) of a package."""
    workbook_path = "xl/workbook.xml"
    for _id, (kind, target) in _relationships(archive, "").items():
        if kind == "officeDocument":
            workbook_path = target
    if workbook_path not in archive.NameToInfo:
        raise NotStreamable("no workbook part")
    return workbook_path, _xml(archive, workbook_path), _relationships(archive, workbook_path)


def _first_tab(workbook, relationships):
    """(the first <sheet> element in tab order, (relationship type, part path)) or (element, None)."""
    sheets = [e for e in workbook.iter() if _local(e.tag) == "sheet"]
    if not sheets:
        raise SheetFormatError("工作簿中没有工作表")
    first = sheets[0]
    rel_id = first.get(f"{{{_REL}}}id") or first.get(f"{{{_STRICT_REL}}}id")
    return first, relationships.get(rel_id)


def first_sheet_path(archive):
    """The part of the first sheet in tab order, or None when the package does not say."""
    try:
        _path, workbook, relationships = _workbook(archive)
        _first, target = _first_tab(workbook, relationships)
    except (ValueError, KeyError):
        return None
    return target[1] if target and target[1] in archive.NameToInfo else None


def first_sheet(data, max_rows):
    """(sheet name, StreamingSheet) of the workbook's first sheet; raises NotStreamable."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    _path, workbook, relationships = _workbook(archive)
    first, target = _first_tab(workbook, relationships)
    if target is None or target[1] not in archive.NameToInfo:
        raise NotStreamable("the first sheet's part is missing")
    kind, sheet_path = target
    if kind != "worksheet":  # a chart sheet or a macro sheet first
        raise NotStreamable(f"first sheet is a {kind}")
    properties = next((e for e in workbook.iter() if _local(e.tag) == "workbookPr"), None)
    date1904 = properties is not None and properties.get("date1904", "0").lower() in ("1", "true")
    parts = {kind: target for kind, target in relationships.values()}
    strings_path = parts.get("sharedStrings")
    for path, root in ((sheet_path, b"worksheet"), (strings_path, b"sst")):
        if path and path in archive.NameToInfo:
            with archive.open(path) as stream:
                if not _root_is(stream.read(4096), root):
                    raise NotStreamable(f"{path} is not plain UTF-8 SpreadsheetML")
    sheet = StreamingSheet(
        archive, sheet_path, _shared_strings(archive, strings_path), _date_styles(archive, parts.get("styles")),
        date1904, max_rows,
    )
    return first.get("name") or "", sheet
