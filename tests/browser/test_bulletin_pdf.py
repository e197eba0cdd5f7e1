"""Issue 6 in a real browser: the published bulletin printed by Chromium to an A4 PDF.

The 社保所 computes and publishes a period; a village specialist opens the bulletin and it
is printed (print CSS: no navigation bar, A4) with Playwright's ``page.pdf``. The PDF's text,
read back with pypdf, holds the title, the period and the ranked table in rank order.
"""
import io
import re
import unicodedata
from datetime import datetime

import pytest

from tests.browser.support import browser_unavailable_reason, login

_reason = browser_unavailable_reason()
if _reason:
    pytest.skip(_reason, allow_module_level=True)

KEY = "2024-04-2"


def test_printed_bulletin_has_title_and_ranked_table(live_server, page, screenshot_dir):
    from pypdf import PdfReader

    from app import db
    from app.services import scoring

    with live_server.app.app_context():
        row = scoring.get_period(db.session, KEY)
        if row is None:
            scoring.compute(db.session, KEY, now=datetime(2024, 4, 25, 9, 0))
            scoring.publish(db.session, KEY, now=datetime(2024, 4, 25, 10, 0))
        lines = scoring.score_lines(db.session, scoring.get_period(db.session, KEY))
        expected = [(line.rank, line.village, str(line.total)) for line in lines]
        db.session.remove()

    login(page, live_server.url, "zhongtang")
    page.goto(f"{live_server.url}/scoring/bulletin/{KEY}")
    assert page.locator("#ranking tbody tr").count() == 5
    page.screenshot(path=str(screenshot_dir / "zhongtang-bulletin.png"), full_page=True)
    pdf = page.pdf(format="A4", print_background=True)
    (screenshot_dir / "bulletin.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.pages[0].mediabox.width == pytest.approx(595, abs=2)  # A4 portrait, 210 mm
    # Chromium's CJK font maps some characters to Kangxi radicals (⼯ for 工): NFKC folds them back.
    text = unicodedata.normalize("NFKC", re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages)))
    assert "零工市场旬调度通报" in text
    assert "2024年4月中旬" in text
    assert "中塘镇零工市场服务管理系统" not in text  # the navigation bar and footer are not printed
    positions = []
    for rank, village, total in expected:
        match = re.search(rf"{rank}\s*{village}.*?{re.escape(total)}", text)
        assert match, (rank, village, total, text)
        positions.append(match.start())
    assert positions == sorted(positions), "the table is printed in rank order"
    assert live_server.take_errors() == []
