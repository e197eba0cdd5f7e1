"""Issue 5 in a real browser: the printable dispute forms rendered by Chromium to A4 PDF.

`zhongtang` (中塘村's specialist) opens a concluded case registered in their village, sees the
action panel and the timeline, then opens each printable page (劳资纠纷登记表, 调解协议书, 案卷).
Each is printed with Chromium's own PDF engine (``page.pdf``, A4, print CSS) and the PDF's text
is read back with pypdf: the Chinese headings, the town's name and the case's data must be there.
The PDFs go to test-output/pdf/ for a look by eye.
"""
import io
import re
import unicodedata
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app import db
from app.models import Dispute, Village
from app.services import disputes
from tests.browser.support import browser_unavailable_reason, login

_reason = browser_unavailable_reason()
if _reason:
    pytest.skip(_reason, allow_module_level=True)
pypdf = pytest.importorskip("pypdf")

USER = "zhongtang"


def _case(app):
    with app.app_context():
        village_id = db.session.scalar(select(Village.id).where(Village.name == "中塘村"))
        case = disputes.register(db.session, Dispute(
            village_id=village_id, received_on=date(2024, 2, 8), source="来访", kind="拖欠工资",
            applicant_names="印刷甲、印刷乙", workers_involved=2, respondent_name="印刷测试建筑公司",
            amount_claimed=Decimal("16800"), description="拖欠2023年12月至2024年1月工资"))
        disputes.transition(db.session, case, "调解中", date(2024, 2, 19), handler="冉调解")
        disputes.transition(db.session, case, "调解成功", date(2024, 2, 21), agreement="被申请人分两期支付全部欠薪",
                            amount_recovered="16800")
        disputes.add_event(db.session, case, date(2024, 3, 5), "回访", "回访确认款项已付清")
        result = case.id, case.case_no
        db.session.remove()
    return result


def _pdf_text(data):
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    # Fonts map some characters to their Kangxi-radical twins (⼄ for 乙): NFKC folds them back.
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)), reader


def test_printed_dispute_forms(page, live_server, browser, request):
    pk, case_no = _case(live_server.app)
    login(page, live_server.url, USER)
    page.goto(f"{live_server.url}/disputeview/show/{pk}")
    assert page.locator("#dispute-timeline").inner_text().count("回访确认款项已付清") == 1
    out = request.config.rootpath / "test-output" / "pdf"
    out.mkdir(parents=True, exist_ok=True)
    expected = {
        "registration": ("中塘镇劳资纠纷登记表", "印刷测试建筑公司", "印刷甲、印刷乙", "2024-02-23", "申请人（签字）"),
        "agreement": ("调解协议书", "被申请人分两期支付全部欠薪", "16800.00", "2024-03-01", "一式三份", "甲方（签字）",
                      "劳动争议调解委员会"),
        "file": ("中塘镇劳资纠纷案卷", "办理记录", "回访确认款项已付清", "冉调解", "2024-02-21"),
    }
    for form, needles in expected.items():
        page.goto(f"{live_server.url}/disputeview/print/{pk}/{form}?pay_by=2024-03-01")
        page.emulate_media(media="print")
        data = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
        (out / f"{case_no}-{form}.pdf").write_bytes(data)
        text, reader = _pdf_text(data)
        width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
        assert abs(width - 595) < 3 and abs(height - 842) < 3, (form, width, height)  # A4 in points
        assert "黔江区" in text, form
        assert case_no in text, form
        for needle in needles:
            assert unicodedata.normalize("NFKC", needle) in text, (form, needle)
        assert "打印" not in text, form  # the print button is screen-only
    assert live_server.take_errors() == []
