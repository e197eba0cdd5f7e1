"""The English-text check flags FAB interface words and nothing a Chinese page legitimately holds."""
from tests.browser.support import english_ui_words, slug


def words(text):
    return [word for word, _line in english_ui_words(text)]


def test_flags_untranslated_interface_words():
    text = "Search\n[title] Edit record\n[dialog] Are you sure you want to delete this item? Cancel"
    assert {w.lower() for w in words(text)} == {"search", "edit", "record", "sure", "delete", "item", "cancel"}


def test_reports_each_word_once_with_its_line():
    found = english_ui_words("劳动力列表\nNo records found\n  No records found  ")
    assert found == [("No", "No records found"), ("found", "No records found"), ("records", "No records found")]


def test_python_literals_in_cells_are_flagged():
    assert {w.lower() for w in words("张三\t500114198005171234\tTrue\tNone")} == {"true", "none"}


def test_legitimate_latin_text_passes():
    text = "\n".join([
        "登录IP 127.0.0.1", "邮箱 zhang.san@example.com", "https://rlsbj.cqqj.gov.cn/list/search?id=1",
        "身份证号 50011419800517123X", "统一社会信用代码 91500114MA5U8XYZ1K", "资源 ab_user",
        "案件编号 JF-2024-007", "接口文档 API Swagger", "导出 Excel xlsx CSV", "English", "shebao",
        "GB/T 6565", "JWT",
    ])
    assert english_ui_words(text) == []


def test_screenshot_names():
    assert slug("/workerview/list/?_flt_0_name=x") == "workerview-list"
    assert slug("/") == "home"
