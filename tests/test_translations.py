"""The message catalogues: complete, compiled, covering every marked string, and used at runtime."""
import gettext
import io
import re
from html.parser import HTMLParser

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from app import cli_translate


def _catalogue(language):
    with open(cli_translate.catalogue_path(language), "rb") as po:
        return read_po(po, locale=language)


def _mo_messages(data):
    translations = gettext.GNUTranslations(io.BytesIO(data))
    return {key: value for key, value in translations._catalog.items() if key != ""}


# --- the catalogue files -------------------------------------------------------------------

def test_zh_catalogue_is_complete():
    catalog = _catalogue("zh")
    assert not catalog.fuzzy, "the zh catalogue header is marked fuzzy"
    missing = cli_translate.untranslated(catalog)
    assert not missing, f"zh entries without a translation or marked fuzzy: {missing}"


def test_en_catalogue_has_no_fuzzy_entries():
    fuzzy = [m.id for m in _catalogue("en") if m.id and m.fuzzy]
    assert not fuzzy, f"en entries marked fuzzy (they would be ignored): {fuzzy}"


@pytest.mark.parametrize("language", cli_translate.LANGUAGES)
def test_compiled_catalogue_is_up_to_date(language):
    expected = io.BytesIO()
    write_mo(expected, _catalogue(language), use_fuzzy=False)
    with open(cli_translate.catalogue_path(language, "mo"), "rb") as mo:
        committed = mo.read()
    assert _mo_messages(committed) == _mo_messages(expected.getvalue()), (
        f"translations/{language}/LC_MESSAGES/messages.mo is stale: run `flask --app run translate compile`"
    )


def test_every_marked_string_is_in_the_zh_catalogue():
    catalog = _catalogue("zh")
    known = {(m.id, m.context) for m in catalog if m.id}
    template = cli_translate.build_template()
    missing = sorted(
        (str(m.id), m.locations[0][0]) for m in template if m.id and (m.id, m.context) not in known
    )
    assert not missing, (
        "strings missing from translations/zh (run `flask --app run translate update`, "
        f"translate, then `translate compile`): {missing}"
    )


def test_project_msgids_are_chinese():
    """The zh catalogue can copy the project's msgids only because they are Chinese."""
    english = [m.id for m in cli_translate.extract_project() if m.id and not cli_translate.is_chinese(m.id)]
    assert not english, f"project strings with non-Chinese msgids: {english}"


# --- what users see ------------------------------------------------------------------------

class _VisibleText(HTMLParser):
    """Text a user can read: element text plus titles, placeholders and button values;
    script and style bodies and other attribute values are left out."""

    SKIP = {"script", "style", "template"}
    READABLE_ATTRIBUTES = {"title", "placeholder", "alt", "aria-label"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skip += 1
            return
        attrs = dict(attrs)
        for name in self.READABLE_ATTRIBUTES:
            if attrs.get(name):
                self.parts.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button", "reset") and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def visible_text(html):
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return "\n".join(parser.parts)


FAB_ENGLISH = [
    "Search", "Add Filter", "Record Count", "List", "Edit", "Delete", "Login", "Password",
    "Actions", "Show", "User Name", "Security", "Profile", "Logout", "Add", "Save", "Back",
    "Page size", "Order by", "Cancel", "OK", "Enter your login", "Sign In", "Reset", "Groups",
    "None", "__None", "Yes", "No", "True", "False",
]


def english_words(text, words=FAB_ENGLISH):
    return sorted(w for w in words if re.search(rf"(?<![A-Za-z]){re.escape(w)}(?![A-Za-z])", text))


PAGES = [
    (None, "/login/"),
    ("shebao", "/"),
    ("shebao", "/workerview/list/"),
    ("shebao", "/workerview/add"),
    ("shebao", "/householdview/list/"),
    ("shebao", "/jobview/list/"),
    ("shebao", "/resetmypassword/form"),
    ("admin", "/users/userinfo/"),
    ("admin", "/users/list/"),
    ("admin", "/users/add"),
]


@pytest.mark.parametrize("username,path", PAGES)
def test_pages_show_no_fab_english(client_for, factory, username, path):
    factory.worker(name="王五")
    page = client_for(username).get(path)
    assert page.status_code == 200, path
    text = visible_text(page.get_data(as_text=True))
    assert not english_words(text), f"English UI words on {path}: {english_words(text)}\n{text}"


def test_record_pages_show_no_fab_english(client_for, factory):
    worker = factory.worker(name="王五")
    client = client_for("shebao")
    for path in (f"/workerview/show/{worker.id}", f"/workerview/edit/{worker.id}"):
        page = client.get(path)
        assert page.status_code == 200, path
        text = visible_text(page.get_data(as_text=True))
        assert not english_words(text), f"English UI words on {path}: {english_words(text)}"


def test_failed_login_message_is_chinese(client_for):
    client = client_for(None)
    page = client.login("shebao", "wrong-password-1")
    page = client.get("/login/")
    text = visible_text(page.get_data(as_text=True))
    assert "用户名或密码错误，请重试" in text
    assert "Invalid login" not in text


def test_fab_filters_are_chinese(app):
    with app.test_request_context():
        from flask_babel import gettext as _

        for english, chinese in [("Starts with", "开头是"), ("Equal to", "等于"), ("Not Equal to", "不等于"),
                                 ("Contains", "包含"), ("Greater than", "大于"), ("Relation", "关联"),
                                 ("Access is Denied", "权限不足，操作被拒绝")]:
            assert _(english) == chinese


def test_switching_to_english(client_for, factory):
    factory.worker(name="王五")
    client = client_for("shebao")
    assert client.get("/lang/en").status_code == 302
    text = visible_text(client.get("/workerview/list/").get_data(as_text=True))
    for word in ("Search", "Record Count", "Logout", "Labour-force ledger"):
        assert word in text, f"{word!r} not on the English page"
    assert "记录数" not in text and "搜索" not in text
    client.get("/lang/zh")
    text = visible_text(client.get("/workerview/list/").get_data(as_text=True))
    assert "记录数" in text and "Record Count" not in text


def test_form_errors_are_chinese(client_for):
    client = client_for("shebao")
    page = client.post_form("/workerview/add", {"name": "", "id_number": "", "expected_daily_wage": "abc"})
    text = visible_text(page.get_data(as_text=True))
    assert "姓名" in text
    assert not re.search(r"This field|Not a valid|required|Invalid", text), text


def test_reset_password_mismatch_is_chinese(client_for):
    client = client_for("shebao")
    page = client.post_form("/resetmypassword/form", {"password": "Abcdef-12345", "conf_password": "Abcdef-54321"})
    text = visible_text(page.get_data(as_text=True))
    assert "两次输入的密码不一致" in text
    assert not english_words(text, FAB_ENGLISH + ["Passwords must match"]), text
