"""The public job board on a phone: no login, open jobs only, a job page with its QR code,
and 复制发布文案 puts the ready WeChat message on the clipboard. A screenshot of the job page
goes to test-output/screenshots/board-job.png."""
import pytest
from sqlalchemy import select

from app import db
from app.models import Job, Worker
from tests.browser.support import browser_unavailable_reason

_reason = browser_unavailable_reason()
if _reason:
    pytest.skip(_reason, allow_module_level=True)

PHONE = {"width": 390, "height": 844}


def test_board_on_a_phone_copies_the_wechat_text(browser, live_server, screenshot_dir):
    with live_server.app.app_context():
        open_jobs = db.session.scalars(select(Job).where(Job.status == "招聘中")).all()
        worker_names = set(db.session.scalars(select(Worker.name).limit(40)))
        titles = {job.title for job in open_jobs}
        db.session.remove()
    assert titles
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True,
                                  permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        page.goto(f"{live_server.url}/jobs/")
        cards = page.locator(".card.job h2").all_inner_texts()
        assert set(cards) == titles  # every open job, and no other
        body = page.inner_text("body")
        assert [name for name in worker_names if len(name) >= 3 and name in body] == []
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling
        page.locator(".card.job h2 a").first.click()
        page.wait_for_load_state("load")
        assert page.locator(".qr img").evaluate("img => img.naturalWidth > 0")
        page.click("#copy-wechat")
        page.locator("#copied").wait_for(state="visible")
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied.startswith("【招工信息】") and page.url in copied
        assert copied == page.input_value("#wechat-text")
        page.screenshot(path=str(screenshot_dir / "board-job.png"), full_page=True)
        assert live_server.take_errors() == []
    finally:
        context.close()
