"""Issue 3 in a real browser: a village specialist imports a worker ledger and exports a filtered list.

`zhongtang` (村(社区)就业服务专员 of 中塘村) opens the worker list, follows 导入Excel台账, downloads
the blank template, uploads a real .xlsx with one family and one row with a wrong ID number,
sees the preview (counts and the rejected row in Chinese), skips the rejected row, confirms,
lands on the list with the success message and the new names, then filters the list by
name and exports exactly the filtered rows. Screenshots of the preview and of the list go
to test-output/screenshots/.
"""
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from tests.browser.support import browser_unavailable_reason, login
from tests.services.ledgers.sheets import WORKER_HEADERS, person_id, worker_row, xlsx

_reason = browser_unavailable_reason()
if _reason:
    pytest.skip(_reason, allow_module_level=True)

USER = "zhongtang"
SURNAME = "欧阳"  # not among the demo data's surnames, so the new people are easy to single out
HEAD, SPOUSE, CHILD, WRONG = "欧阳山林", "欧阳秀芬", "欧阳晓东", "欧阳错号"


def _wrong_check_digit(number):
    last = "0" if number[-1] != "0" else "1"
    return number[:-1] + last


def _ledger():
    """A 中塘村 family of three, and a fourth row whose ID number has a wrong check digit."""
    head_id = person_id(901)
    family = {"户主姓名": HEAD, "户主身份证号": head_id, "村(社区)": "中塘村", "村民小组": "5组"}
    rows = [
        worker_row(1, **family, **{"姓名": HEAD, "身份证号": head_id, "与户主关系": "户主"}),
        worker_row(2, **family, **{"姓名": SPOUSE, "身份证号": person_id(902, date(1983, 2, 9), male=False),
                                   "与户主关系": "配偶", "联系电话": "13812345679"}),
        worker_row(3, **family, **{"姓名": CHILD, "身份证号": person_id(903, date(2004, 9, 1)),
                                   "与户主关系": "子女", "联系电话": "13812345680", "文化程度": "高中(中专)"}),
        worker_row(4, **family, **{"姓名": WRONG, "身份证号": _wrong_check_digit(person_id(904)),
                                   "与户主关系": "子女", "联系电话": "13812345681"}),
    ]
    # Title row, blank row, header row: the data starts on sheet row 4, so the wrong one is row 7.
    return xlsx(rows), 7


def _header_row(sheet):
    for row in sheet.iter_rows(min_row=1, max_row=10):
        values = [cell.value for cell in row]
        if "姓名" in values and "身份证号" in values:
            return row[0].row, values
    raise AssertionError("no header row with 姓名 and 身份证号 in the first 10 rows")


def _names_in(workbook_bytes):
    sheet = load_workbook(io.BytesIO(workbook_bytes), read_only=True).worksheets[0]
    header_at, headers = _header_row(sheet)
    column = headers.index("姓名")
    return [row[column] for row in sheet.iter_rows(min_row=header_at + 1, values_only=True) if any(row)]


def _download(page, locator):
    with page.expect_download() as info:
        locator.click()
    download = info.value
    assert download.failure() is None, download.failure()
    with open(download.path(), "rb") as handle:
        return download.suggested_filename, handle.read()


def test_upload_preview_confirm_and_filtered_export(page, live_server, screenshot_dir, tmp_path):
    base = live_server.url
    login(page, base, USER)
    page.goto(base + "/workerview/list/")
    assert not page.url.split("?")[0].endswith("/login/"), "the login did not hold"

    # The menu offers the import page too: 劳动力台账 → 导入劳动力台账.
    page.locator(".navbar-collapse a.dropdown-toggle", has_text="劳动力台账").first.click()
    menu_entry = page.locator(".navbar-collapse ul.dropdown-menu a", has_text="导入劳动力台账").first
    menu_entry.wait_for(state="visible")
    assert menu_entry.get_attribute("href").startswith("/ledger/workers")
    page.keyboard.press("Escape")

    # The list page's own link leads to the import page.
    with page.expect_navigation():
        page.locator("a", has_text="导入Excel台账").first.click()
    assert "/ledger/workers/" in page.url

    # The blank template: a real workbook with the header row under the title.
    filename, data = _download(page, page.locator("a", has_text="下载空白模板"))
    assert filename.endswith(".xlsx"), filename
    template = load_workbook(io.BytesIO(data))
    sheet = template.worksheets[0]
    assert sheet["A1"].value.endswith("劳动力信息台账")
    header_at, headers = _header_row(sheet)
    assert [h for h in headers if h] == WORKER_HEADERS
    assert header_at == 2

    # Upload a real ledger and preview it.
    ledger, wrong_row = _ledger()
    upload = tmp_path / "中塘村劳动力台账.xlsx"
    upload.write_bytes(ledger)
    page.set_input_files("input[type=file][name=file]", str(upload))
    with page.expect_navigation():
        page.locator("button[type=submit]", has_text="上传并预览").click()
    page.wait_for_load_state("load")

    assert page.locator("#count-total").inner_text().strip() == "4"
    assert page.locator("#count-created").inner_text().strip() == "3"
    assert page.locator("#count-rejected").inner_text().strip() == "1"
    errors = page.locator("#errors tbody tr")
    assert errors.count() == 1
    error_text = errors.first.inner_text()
    assert f"第{wrong_row}行" in error_text, error_text
    assert "身份证号" in error_text and "校验位错误" in error_text, error_text
    page.screenshot(path=str(screenshot_dir / f"{USER}-ledger-import-preview.png"), full_page=True)

    # The rejected rows can be downloaded as they were, with 错误原因, to fix and upload again.
    filename, data = _download(page, page.locator("a", has_text="下载被拒绝的行"))
    assert filename.endswith(".xlsx"), filename
    rejected = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    header_at, headers = _header_row(rejected)
    assert "错误原因" in headers and "原行号" in headers, headers
    (only,) = [r for r in rejected.iter_rows(min_row=header_at + 1, values_only=True) if any(r)]
    assert only[headers.index("姓名")] == WRONG
    assert "校验位错误" in only[headers.index("错误原因")]
    assert only[headers.index("原行号")] == wrong_row

    # Skip the rejected row and confirm: back on the list with the success message.
    page.locator("input[name=skip_invalid]").check()
    with page.expect_navigation():
        page.locator("#confirm-import").click()
    page.wait_for_load_state("load")
    assert "/workerview/list" in page.url, page.url
    flash = page.locator(".alert-success").first.inner_text()
    assert "新增3" in flash and "拒绝1" in flash and "已写入" in flash, flash
    listing = page.locator("body").inner_text()
    for name in (HEAD, SPOUSE, CHILD):
        assert name in listing, name
    assert WRONG not in listing
    page.screenshot(path=str(screenshot_dir / f"{USER}-ledger-import-list.png"), full_page=True)

    # Filter the list by name with the search form (姓名 starts with 欧阳), then export it.
    page.locator('a.accordion-toggle[href="#accordion1_href"]').click()
    page.locator("#filter_form button.dropdown-toggle").click()
    page.locator('#filter_form a.filter[name="name"]').click()
    page.locator("#filter_form .filter_val").first.fill(SURNAME)
    with page.expect_navigation():
        page.locator("#filter_form button[type=submit]").click()
    page.wait_for_load_state("load")
    assert "_flt_" in page.url, page.url
    rows = page.locator("table tbody tr:has(td)").all_inner_texts()
    shown = sorted(n for n in (HEAD, SPOUSE, CHILD) if any(n in r for r in rows))
    assert shown == sorted([HEAD, SPOUSE, CHILD]), rows

    filename, data = _download(page, page.locator("a", has_text="按当前条件导出Excel"))
    assert filename.endswith(".xlsx"), filename
    assert sorted(_names_in(data)) == sorted([HEAD, SPOUSE, CHILD])

    assert live_server.take_errors() == []
