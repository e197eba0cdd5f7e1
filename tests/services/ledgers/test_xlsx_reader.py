"""The streaming .xlsx reader gives python-calamine's values, refuses markup it does not read,
and reads in memory that does not grow with the number of rows.

Workbooks are saved by openpyxl (which writes every string inline, Chinese as character
references), converted to a shared-string table as Excel saves them, or written by hand for
forms openpyxl never writes. The readers lay rows out differently (calamine pads rows,
numbers them from sheet row 1 and drops leading empty columns), so they are compared
through ``cells``.
"""
import io
import itertools
import re
import tracemalloc
import zipfile
from datetime import date, datetime, time, timedelta
from xml.etree import ElementTree

import openpyxl
import pytest
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles.numbers import BUILTIN_FORMATS
from openpyxl.utils.datetime import CALENDAR_MAC_1904
from python_calamine import CalamineWorkbook

from app.services.ledgers import xlsx
from app.services.ledgers.reader import HEADER_SEARCH_ROWS, UnreadableFile, open_sheet

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
NOT_STANDARD = "不是 Excel 的标准格式"


# --------------------------------------------------------------------------- reading and comparing


def typed(value):
    """The value with its type's name, which keeps True apart from 1.0 and a date from a datetime."""
    return type(value).__name__, value


def cells(numbered_rows):
    """{(row number, column counted from the first non-empty column): typed value}, '' left out."""
    rows = list(numbered_rows)
    first = min((i for _, row in rows for i, value in enumerate(row) if value != ""), default=0)
    return {(number, i - first): typed(value) for number, row in rows for i, value in enumerate(row) if value != ""}


def calamine(data):
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    return sheet.name, cells(zip(itertools.count(1), sheet.iter_rows()))


def streamed_rows(data, max_rows=1_000_000):
    name, sheet = xlsx.first_sheet(data, max_rows)
    return name, list(sheet.rows())


def streamed(data):
    name, rows = streamed_rows(data)
    return name, cells(rows)


# --------------------------------------------------------------------------- building packages


def workbook_bytes(rows, write_only=False, merge=None, epoch=None):
    """A one-sheet workbook named 台账; a cell given as (value, number format) gets that format."""
    workbook = openpyxl.Workbook(write_only=write_only)
    if epoch is not None:
        workbook.epoch = epoch
    sheet = workbook.create_sheet() if write_only else workbook.active
    sheet.title = "台账"
    for row in rows:
        values = []
        for value in row:
            if isinstance(value, tuple):
                value, number_format = value
                value = WriteOnlyCell(sheet, value)
                value.number_format = number_format
            values.append(value)
        sheet.append(values)
    if merge:
        sheet.merge_cells(merge)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def repacked(data, changed):
    """The package with parts replaced or added: {part name: content}."""
    changed = dict(changed)
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            target.writestr(name, changed.pop(name, None) or source.read(name))
        for name, content in changed.items():
            target.writestr(name, content)
    return out.getvalue()


def with_shared_strings(data):
    """An openpyxl package with its inline strings moved to a shared-string table (t="s"), as Excel saves."""
    source = zipfile.ZipFile(io.BytesIO(data))
    sheet = ElementTree.fromstring(source.read("xl/worksheets/sheet1.xml"))
    table = ElementTree.Element(f"{{{MAIN}}}sst")
    for cell in sheet.iter(f"{{{MAIN}}}c"):
        if cell.get("t") == "inlineStr":
            text = cell.find(f"{{{MAIN}}}is")
            cell.remove(text)
            text.tag = f"{{{MAIN}}}si"
            table.append(text)
            ElementTree.SubElement(cell, f"{{{MAIN}}}v").text = str(len(table) - 1)
            cell.set("t", "s")

    def serialised(root):  # raw UTF-8 rather than character references; the main namespace unprefixed
        xml = ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
        # ElementTree picks the prefix (ns0, or the "s" openpyxl registers when lxml is missing)
        prefix = re.search(rb'xmlns:([\w.-]+)="' + MAIN.encode() + b'"', xml).group(1)
        return xml.replace(b"xmlns:" + prefix + b"=", b"xmlns=").replace(b"<" + prefix + b":", b"<").replace(
            b"</" + prefix + b":", b"</")

    rel = f'<Relationship Id="rIdS" Type="{DOC}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
    return repacked(data, {
        "xl/worksheets/sheet1.xml": serialised(sheet),
        "xl/sharedStrings.xml": serialised(table),
        "xl/_rels/workbook.xml.rels": source.read("xl/_rels/workbook.xml.rels").replace(
            b"</Relationships>", rel.encode()),
    })


def with_character_references(data):
    """The package with every non-ASCII character of the sheet written as a character reference
    (&#20013;), as openpyxl writes when lxml is installed."""
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode("utf-8")
    return repacked(data, {
        "xl/worksheets/sheet1.xml": "".join(c if ord(c) < 128 else f"&#{ord(c)};" for c in sheet).encode("ascii"),
    })


HAND_STYLES = (  # styles 1: built-in 14 (date), 2: a Chinese date, 3: built-in 20 (h:mm), 4: built-in 46 ([h]:mm:ss)
    f'<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m'
    '&quot;月&quot;d&quot;日&quot;"/></numFmts><cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="14"/>'
    '<xf numFmtId="164"/><xf numFmtId="20"/><xf numFmtId="46"/></cellXfs></styleSheet>'
)


def package(sheet_data="", shared_strings="", sheet_xml=None):
    """A minimal hand-written .xlsx: one sheet named 表1, shared strings and styles."""
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                               '<Default Extension="xml" ContentType="application/xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{DOC}/officeDocument" '
                       'Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets>'
                           '<sheet name="表1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{PKG}">'
            f'<Relationship Id="rId1" Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{DOC}/sharedStrings" Target="sharedStrings.xml"/>'
            f'<Relationship Id="rId3" Type="{DOC}/styles" Target="styles.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": sheet_xml or (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}">'
            f"<sheetData>{sheet_data}</sheetData></worksheet>"
        ),
        "xl/sharedStrings.xml": f'<sst xmlns="{MAIN}">{shared_strings}</sst>',
        "xl/styles.xml": HAND_STYLES,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content.encode("utf-8"))
    return out.getvalue()


# --------------------------------------------------------------------------- workbooks saved by openpyxl


PLAIN = [
    1, 150.5, 1e-7, 123456789012, -42, -0.25, True, False, date(2024, 4, 8), datetime(2024, 4, 8, 13, 45, 30),
    "a & b < c > d \" e ' f", "第一行\n第二行", "  前后空格  ", "_x000D_", "表情 😀 𠀀", "长" * 5000,
    "500114198112258320", "=1+1",
]


def as_read(value):
    """What a reader gives for a value openpyxl saved with its default number format."""
    if isinstance(value, (bool, date)):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if value.startswith("="):
        return ""  # openpyxl stores no cached result
    return "\r" if value == "_x000D_" else value  # Excel's escape of a carriage return, written as it is


@pytest.mark.parametrize("form", ["inline strings", "write-only", "shared strings", "character references"])
def test_openpyxl_workbooks_give_calamines_values(form):
    rich = CellRichText(["普通", TextBlock(InlineFont(b=True), "粗体"), " end"])
    rows = [
        ["中塘镇劳动力信息台账"], [], PLAIN, ["甲", None, None, "丁", None, "己"],
        [(date(2024, 4, 8), 'yyyy"年"m"月"d"日"'), (45390, BUILTIN_FORMATS[14]), (45390.75, "yyyy-mm-dd hh:mm"),
         (45390, "0.00"), (45390, '"第"0"天"'), rich],
    ]
    data = workbook_bytes(rows, write_only=form == "write-only", merge=None if form == "write-only" else "A1:F1")
    if form == "shared strings":
        data = with_shared_strings(data)
    if form == "character references":
        data = with_character_references(data)
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert (b't="s"' in sheet_xml) == (form == "shared strings")
    if form == "character references":  # (openpyxl itself writes them only when lxml is installed)
        assert b"&#20013;" in sheet_xml and "中".encode() not in sheet_xml

    name, got = streamed(data)
    assert (name, got) == calamine(data)
    assert got[(1, 0)] == typed("中塘镇劳动力信息台账")
    assert [got.get((3, i), typed("")) for i in range(len(PLAIN))] == [typed(as_read(v)) for v in PLAIN]
    assert [got.get((4, i), typed("")) for i in range(6)] == [typed(v) for v in ["甲", "", "", "丁", "", "己"]]
    assert [got[(5, i)] for i in range(6)] == [  # serial 45390 is 8 April 2024
        typed(date(2024, 4, 8)), typed(date(2024, 4, 8)), typed(datetime(2024, 4, 8, 18)), typed(45390.0),
        typed(45390.0), typed("普通粗体 end"),
    ]


def test_the_first_sheet_in_tab_order_is_read_whatever_its_part_is_called():
    workbook = openpyxl.Workbook()
    workbook.active.title = "旧表"
    workbook.active.append(["旧表的数据"] * 3)
    first = workbook.create_sheet("新表")
    first.append(["新表", 1])
    workbook.move_sheet(first, offset=-1)
    out = io.BytesIO()
    workbook.save(out)
    source = zipfile.ZipFile(out)
    rels = source.read("xl/_rels/workbook.xml.rels")
    data = repacked(out.getvalue(), {  # openpyxl names parts in tab order: store the first tab in sheet2.xml
        "xl/worksheets/sheet1.xml": source.read("xl/worksheets/sheet2.xml"),
        "xl/worksheets/sheet2.xml": source.read("xl/worksheets/sheet1.xml"),
        "xl/_rels/workbook.xml.rels": rels.replace(b"sheet1", b"sheetX").replace(b"sheet2", b"sheet1")
                                          .replace(b"sheetX", b"sheet2"),
    })
    assert xlsx.first_sheet(data, 100)[1].path == "xl/worksheets/sheet2.xml"
    assert streamed(data) == calamine(data) == ("新表", {(1, 0): typed("新表"), (1, 1): typed(1.0)})


def test_1904_dates():
    data = workbook_bytes([[date(2024, 4, 8), datetime(2024, 4, 8, 13, 45, 30), (1, "yyyy-mm-dd")]],
                          epoch=CALENDAR_MAC_1904)
    assert b'date1904="1"' in zipfile.ZipFile(io.BytesIO(data)).read("xl/workbook.xml")
    assert streamed(data) == calamine(data) == ("台账", {
        (1, 0): typed(date(2024, 4, 8)), (1, 1): typed(datetime(2024, 4, 8, 13, 45, 30)),
        (1, 2): typed(date(1904, 1, 2)),
    })


def test_a_sheet_starting_at_row_3_column_c():
    data = workbook_bytes([[], [], [None, None, "姓名", None, "身份证号"], [],
                           [None, None, None, "张三", None, "500114198112258320"]])
    name, rows = streamed_rows(data)
    assert rows == [(3, ("", "", "姓名", "", "身份证号")), (5, ("", "", "", "张三", "", "500114198112258320"))]
    assert (name, cells(rows)) == calamine(data)


@pytest.mark.parametrize("form", ["write-only", "shared strings"])
@pytest.mark.parametrize("chunk", [64, 257, 1000])
def test_rows_split_across_chunks_are_neither_lost_nor_repeated(monkeypatch, chunk, form):
    rows = [[i, f"张{i}", "中塘村" if i % 3 else "长" * 300, None, i * 1.5, i % 2 == 0] for i in range(300)]
    data = workbook_bytes(rows, write_only=True)
    if form == "shared strings":
        data = with_shared_strings(data)
    whole = streamed_rows(data)
    assert [number for number, _ in whole[1]] == list(range(1, 301))
    assert cells(whole[1]) == calamine(data)[1]
    monkeypatch.setattr(xlsx, "CHUNK", chunk)
    assert streamed_rows(data) == whole


# --------------------------------------------------------------------------- hand-written sheet XML


SHARED = (
    "<si><t>甲</t></si>"
    '<si><r><rPr><b/></rPr><t>粗</t></r><r><t xml:space="preserve"> 体</t></r></si>'
    '<si><t>漢字</t><rPh sb="0" eb="2"><t>かんじ</t></rPh><phoneticPr fontId="1"/></si>'
    '<si><t xml:space="preserve"> 乙 </t></si>'
)

HAND_WRITTEN = {  # sheet data: the rows the streaming reader gives
    "no r attributes": (
        '<row><c t="s"><v>0</v></c><c><v>2</v></c></row><row><c t="inlineStr"><is><t>x</t></is></c></row>',
        [(1, ("甲", 2.0)), (2, ("x",))]),
    "attributes in another order": (
        '<row r="2"><c s="0" t="s" r="B2"><v>1</v></c><c t="s" r="D2" s="0"><v>2</v></c></row>',
        [(2, ("", "粗 体", "", "漢字"))]),
    "single quotes, date styles": (
        "<row r='3'><c r='A3' t='s'><v>3</v></c><c r='B3' s='1'><v>45390</v></c><c r='C3' s='2'><v>45390.5</v></c>"
        "</row>", [(3, (" 乙 ", date(2024, 4, 8), datetime(2024, 4, 8, 12)))]),
    "formulas with cached values": (
        '<row r="1"><c r="A1" t="str"><f>CONCAT("a","b")</f><v>ab</v></c><c r="B1"><f>1+1</f><v>2</v></c>'
        '<c r="C1" t="b"><f>TRUE()</f><v>1</v></c><c r="D1"><f>1+1</f></c><c r="E1"><v>5</v></c></row>',
        [(1, ("ab", 2.0, True, "", 5.0))]),
    "booleans and errors": (
        '<row r="1"><c r="A1" t="b"><v>1</v></c><c r="B1" t="b"><v>0</v></c><c r="C1" t="e"><v>#DIV/0!</v></c>'
        '<c r="D1" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="E1"><v>7</v></c></row>', [(1, (True, False, "", "", 7.0))]),
    "ISO dates": (
        '<row r="1"><c r="A1" t="d"><v>2024-04-08</v></c><c r="B1" t="d"><v>2024-04-08T13:45:30</v></c></row>',
        [(1, (date(2024, 4, 8), datetime(2024, 4, 8, 13, 45, 30)))]),
    "empty values and rows": (
        '<row r="1"><c r="A1"><v></v></c><c r="B1" t="s"><v></v></c><c r="C1" s="1"/><c r="D1"><v>1</v></c></row>'
        '<row r="5"/><row r="6"><c r="A6"><v>6</v></c></row>', [(1, ("", "", "", 1.0)), (5, ()), (6, (6.0,))]),
    "line breaks": (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>a\r\nb\rc</t></is></c><c r="B1" t="str"><v>x\r\ny</v></c></row>',
        [(1, ("a\nb\nc", "x\ny"))]),
    "entities": (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&#x41;&amp;&#20013;&lt;&gt;&quot;&apos;</t></is></c></row>',
        [(1, ("A&中<>\"'",))]),
    "rich runs and phonetic runs": (
        '<row r="1"><c r="A1" t="s"><v>2</v></c><c r="B1" t="inlineStr"><is><r><t>a</t></r><r><rPr><b/></rPr>'
        '<t xml:space="preserve"> b</t></r></is></c><c r="C1" t="inlineStr"><is><t>漢</t><rPh sb="0" eb="1">'
        "<t>かん</t></rPh></is></c></row>", [(1, ("漢字", "a b", "漢"))]),
    "white space between elements": (
        '\n<row r="1">\n  <c r="A1" t="s">\n    <v>1</v>\n  </c>\n  <c r="B1">\n<v>5</v>\n</c>\n</row>\n',
        [(1, ("粗 体", 5.0))]),
    "cells out of order": ('<row r="1"><c r="C1"><v>3</v></c><c r="A1"><v>1</v></c></row>', [(1, (1.0, "", 3.0))]),
    "a slash inside an attribute": (
        '<row r="1"><c r="A1" x14ac:dyDescent="a/b" t="inlineStr"><is><t>甲</t></is></c><c r="B1" s="0" cm="1/2"/>'
        '<c r="C1" vm="/" t="n"><v>4</v></c></row>', [(1, ("甲", "", 4.0))]),
}


@pytest.mark.parametrize("sheet_data, expected", HAND_WRITTEN.values(), ids=HAND_WRITTEN.keys())
def test_hand_written_sheet_xml(sheet_data, expected):
    data = package(sheet_data, SHARED)
    name, rows = streamed_rows(data)
    assert (name, rows) == ("表1", expected)
    assert (name, cells(rows)) == calamine(data)


ONE_CELL = '<row r="1"><c r="A1"><v>1</v></c></row>'
REFUSED = {  # (sheet data, shared strings)
    "comment between rows": (ONE_CELL + "<!-- 备注 -->", ""),
    "comment in a cell": ('<row r="1"><c r="A1"><!-- 备注 --><v>1</v></c></row>', ""),
    "CDATA": ('<row r="1"><c r="A1" t="inlineStr"><is><t><![CDATA[甲]]></t></is></c></row>', ""),
    "processing instruction": (ONE_CELL + "<?pi x?>", ""),
    "prefixed element": ('<row r="1"><c r="A1"><v>1</v></c><x:ext xmlns:x="urn:x"/></row>', ""),
    "prefixed closing tag": (ONE_CELL + '<x:ext xmlns:x="urn:x"></x:ext>', ""),
    "undefined entity": ('<row r="1"><c r="A1" t="inlineStr"><is><t>甲&nbsp;乙</t></is></c></row>', ""),
    "undefined entity in a shared string": ('<row r="1"><c r="A1" t="s"><v>0</v></c></row>', "<si><t>&nbsp;</t></si>"),
}


@pytest.mark.parametrize("sheet_data, shared_strings", REFUSED.values(), ids=REFUSED.keys())
def test_markup_the_reader_does_not_read_is_refused(sheet_data, shared_strings):
    assert streamed_rows(package(ONE_CELL))[1] == [(1, (1.0,))]
    data = package(sheet_data, shared_strings)
    with pytest.raises(xlsx.SheetFormatError, match=NOT_STANDARD):
        streamed_rows(data)
    with pytest.raises(UnreadableFile, match=NOT_STANDARD):
        list(open_sheet(data, "台账.xlsx", 100).rows)


def test_a_sheet_as_excel_writes_it_is_streamed():
    """Excel 2016 and WPS: markup-compatibility namespaces on the root, ``spans`` (with a colon) and prefixed
    ``x14ac:dyDescent`` attributes on rows, prefixed elements after the sheet data."""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        f'<worksheet xmlns="{MAIN}" xmlns:r="{DOC}" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac xr" '
        'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" '
        'xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision" xr:uid="{00000000-0001}">'
        '<dimension ref="A1:C2"/><sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews>'
        '<sheetFormatPr defaultRowHeight="14.25" x14ac:dyDescent="0.2"/><sheetData>'
        '<row r="1" spans="1:3" x14ac:dyDescent="0.2"><c r="A1" t="s"><v>0</v></c><c r="B1" s="1"><v>45390</v></c>'
        '<c r="C1"><v>3.5</v></c></row><row r="2" spans="1:3" ht="15" customHeight="1" x14ac:dyDescent="0.2">'
        '<c r="A2" s="0" t="s"><v>3</v></c></row></sheetData><phoneticPr fontId="1" type="noConversion"/>'
        '<extLst><ext uri="{x}" xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
        '<x14:dataValidations count="0"/></ext></extLst></worksheet>'
    )
    data = package(shared_strings=SHARED, sheet_xml=sheet)
    name, rows = streamed_rows(data)
    assert rows == [(1, ("甲", date(2024, 4, 8), 3.5)), (2, (" 乙 ",))]
    assert (name, cells(rows)) == calamine(data)


def test_a_prefixed_sheet_is_read_by_calamine():
    data = package(sheet_xml=(
        f'<?xml version="1.0" encoding="UTF-8"?><x:worksheet xmlns:x="{MAIN}"><x:sheetData>'
        '<x:row r="2"><x:c r="B2" t="inlineStr"><x:is><x:t>甲</x:t></x:is></x:c><x:c r="C2"><x:v>5</x:v></x:c>'
        '</x:row><x:row r="4"><x:c r="B4" t="inlineStr"><x:is><x:t>乙</x:t></x:is></x:c></x:row>'
        "</x:sheetData></x:worksheet>"
    ))
    with pytest.raises(xlsx.NotStreamable):
        xlsx.first_sheet(data, 100)
    sheet = open_sheet(data, "台账.xlsx", 100)
    assert sheet.name == "表1"
    assert cells(sheet.rows) == {(2, 0): typed("甲"), (2, 1): typed(5.0), (4, 0): typed("乙")}


def test_too_many_row_elements_are_refused_while_reading():
    data = workbook_bytes([[i, f"张{i}"] for i in range(100)], write_only=True)
    assert b"<dimension" not in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert len(list(open_sheet(data, "台账.xlsx", 100).rows)) == 100
    rows = open_sheet(data, "台账.xlsx", 50).rows  # no <dimension>: nothing to refuse before reading
    read = []
    with pytest.raises(UnreadableFile, match="行数过多"):
        for row in rows:
            read.append(row)
    assert len(read) == 50 + HEADER_SEARCH_ROWS


# --------------------------------------------------------------------------- memory


def peak_memory(data):
    """(rows, peak traced bytes) while every row is read and dropped."""
    tracemalloc.start()
    try:
        count = sum(1 for _ in xlsx.first_sheet(data, 1_000_000)[1].rows())
        return count, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("row, small, large", [
    (lambda i: [i, f"张{i}", f"备注 {i} 号", 150.5 + i], 2_000, 20_000),
    (lambda i: [i, f"{i:05d}" + "x" * 5_000], 200, 2_000),
], ids=["ledger rows", "long distinct texts"])
def test_memory_does_not_grow_with_rows(monkeypatch, row, small, large):
    monkeypatch.setattr(xlsx, "CHUNK", 1 << 16)  # both sheets span many chunks
    peaks = [peak_memory(workbook_bytes(map(row, range(rows)), write_only=True)) for rows in (small, large)]
    assert [count for count, _ in peaks] == [small, large]
    assert peaks[1][1] < 1.5 * peaks[0][1] + (1 << 20), peaks


# --------------------------------------------------------------------------- values of rarer forms


DIFFERENCES = {  # one cell: the value calamine gives
    "boolean written as a word": ('<c r="A1" t="b"><v>true</v></c>', True),
    "time of day alone (h:mm)": ('<c r="A1" s="3"><v>0.5</v></c>', time(12)),
    "duration ([h]:mm:ss)": ('<c r="A1" s="4"><v>1.5</v></c>', timedelta(hours=36)),
}


@pytest.mark.parametrize("cell, value", DIFFERENCES.values(), ids=DIFFERENCES.keys())
def test_rarer_forms_are_read_as_calamine_reads_them(cell, value):
    data = package(f'<row r="1">{cell}</row>')
    assert calamine(data) == ("表1", {(1, 0): typed(value)})
    assert streamed(data) == ("表1", {(1, 0): typed(value)})
