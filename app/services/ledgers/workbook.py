"""Writing ledgers: the blank template and exports in exactly the template layout.

Cells are always written as values, never as formulas: a cell that starts with
``=``, ``+``, ``-`` or ``@`` is written as an explicit string, so a hostile
``=HYPERLINK(...)`` that came in through an import goes back out as inert text.
"""
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

TITLES = {"workers": "劳动力信息台账", "jobs": "单位岗位需求台账"}
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_BOLD = Font(bold=True)
_TITLE_FONT = Font(bold=True, size=14)


def _cell(sheet, value):
    cell = WriteOnlyCell(sheet, value=_plain(value))
    if isinstance(cell.value, str) and cell.value[:1] in ("=", "+", "-", "@"):
        cell.data_type = "s"  # text, never a formula
    return cell


def _plain(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _sheet_head(sheet, kind, columns, town):
    title = WriteOnlyCell(sheet, value=f"{town}{TITLES[kind]}")
    title.font = _TITLE_FONT
    sheet.append([title])
    headers = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        headers.append(cell)
    sheet.append(headers)


def _layout(sheet, columns):
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width + 2
    sheet.freeze_panes = "A3"


def export_rows(kind, columns, rows, town="中塘镇"):
    """An .xlsx (bytes) with a title row, the header row and one row per record.

    ``rows`` yields lists of cell values in column order; streamed (write-only mode).
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(TITLES[kind])
    _layout(sheet, columns)
    _sheet_head(sheet, kind, columns, town)
    for values in rows:
        sheet.append([_cell(sheet, v) for v in values])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template(kind, columns, town="中塘镇", data_rows=500):
    """The blank template: drop-down lists for every enumerated column, a frozen header,
    widths, and a second sheet explaining each column."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = TITLES[kind]
    sheet.append([f"{town}{TITLES[kind]}"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    sheet["A1"].font = _TITLE_FONT
    sheet.append([c.header for c in columns])
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=2, column=index)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(index)].width = column.width + 2
    sheet.freeze_panes = "A3"
    lists = workbook.create_sheet("可选值")
    lists.sheet_state = "hidden"
    for index, column in enumerate(columns, start=1):
        if not column.choices:
            continue
        letter = get_column_letter(index)
        for row, value in enumerate(column.choices, start=1):
            lists.cell(row=row, column=index, value=value)
        validation = DataValidation(
            type="list", formula1=f"'可选值'!${letter}$1:${letter}${len(column.choices)}", allow_blank=not column.required,
            showErrorMessage=True, errorTitle="输入有误", error=f"请从下拉列表中选择{column.header}",
        )
        validation.add(f"{letter}3:{letter}{data_rows + 2}")
        sheet.add_data_validation(validation)
    guide = workbook.create_sheet("填写说明")
    guide.append(["列名", "是否必填", "填写说明"])
    for cell in guide[1]:
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
    for column in columns:
        guide.append([column.header, "必填" if column.required else "选填", column.help or ""])
    guide.column_dimensions["A"].width = 18
    guide.column_dimensions["B"].width = 10
    guide.column_dimensions["C"].width = 70
    guide.append([])
    guide.append(["说明", "", "第1行为标题，第2行为表头，从第3行开始每行填写一条记录；列的顺序可以调整，但列名不能修改。"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rejected_rows(kind, result, town="中塘镇"):
    """The rejected rows as they were in the file, with a 错误原因 column, ready to fix and upload again."""
    reasons = {}
    for error in result.errors:
        reasons.setdefault(error.row, []).append(f"{error.column}：{error.message}" if error.column else error.message)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("被拒绝的行")
    title = WriteOnlyCell(sheet, value=f"{town}{TITLES[kind]}（被拒绝的行）")
    title.font = _TITLE_FONT
    sheet.append([title])
    header = [WriteOnlyCell(sheet, value=h) for h in (*result.header_cells, "错误原因", "原行号")]
    for cell in header:
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
    sheet.append(header)
    width = len(result.header_cells)
    for number in sorted(result.rejected_raw):
        row = list(result.rejected_raw[number])[:width]
        row += [None] * (width - len(row))
        sheet.append([_cell(sheet, v) for v in row] + [_cell(sheet, "；".join(reasons.get(number, []))), number])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
