"""Weekly reports, scoring, bulletin, year-end and dashboard pages: roles, the row rule, the figures."""
import io
import re
from datetime import date, datetime

from openpyxl import load_workbook
from sqlalchemy import select

from app import db
from app.models import Village, WeeklyReport
from app.services import reports, scoring
from tests.services.test_scoring import AFTER, KEY, build_fixture


def _compute(app, publish=False):
    with app.app_context():
        scoring.compute(db.session, KEY, now=AFTER)
        if publish:
            scoring.publish(db.session, KEY, now=AFTER)


def _text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def test_unpublished_scores_are_the_offices_only_published_ones_everyone_allowed(app, client_for, factory):
    build_fixture(app, factory)
    _compute(app)
    shebao, zhuanban, zhongtang = client_for("shebao"), client_for("zhuanban"), client_for("zhongtang")
    page = shebao.get(f"/scoring/period/{KEY}")
    assert page.status_code == 200
    text = _text(page)
    assert "I2: 2/7" in text and "44.6" in text and "发布通报" in text
    assert zhuanban.get(f"/scoring/period/{KEY}").status_code == 200
    assert "发布通报" not in _text(zhuanban.get(f"/scoring/period/{KEY}"))
    for path in (f"/scoring/period/{KEY}", f"/scoring/bulletin/{KEY}", f"/api/v1/scoring/{KEY}"):
        assert zhongtang.get(path).status_code == 404, path
    assert client_for("jingfa").get(f"/scoring/bulletin/{KEY}").status_code in (302, 403)
    # a specialist can neither compute nor publish
    assert zhongtang.post_form("/scoring/compute", {"period": KEY}, token_from="/").status_code in (302, 403)
    zhongtang.post_form(f"/scoring/period/{KEY}/publish", {}, token_from="/")
    with app.app_context():
        assert scoring.get_period(db.session, KEY).published_at is None

    response = shebao.post_form(f"/scoring/period/{KEY}/publish", {}, token_from=f"/scoring/period/{KEY}")
    assert response.status_code == 302
    api = zhongtang.get(f"/api/v1/scoring/{KEY}")
    assert api.status_code == 200
    assert api.get_json()[3] == {"village": "中塘村", "indicators": {"I1": 0.5, "I2": 0.2857, "I3": 0.5, "I4": 0.5,
                                                                     "I5": 0.5}, "total": 44.6, "rank": 4}
    bulletin = _text(zhongtang.get(f"/scoring/bulletin/{KEY}"))
    assert "零工市场旬调度通报" in bulletin and "2024年4月下旬" in bulletin
    assert "兴泉村、迎新村、双石村并列第一名（60.0分）" in bulletin
    assert "通报表扬" in bulletin and "对中塘村、胜利村予以通报提醒" in bulletin
    refused = shebao.post_form("/scoring/compute", {"period": KEY}, token_from="/scoring/")
    assert refused.status_code == 302
    assert "已发布，不能重新计算" in _text(shebao.get("/scoring/"))


def test_records_behind_a_figure_and_xlsx(app, client_for, factory):
    ids = build_fixture(app, factory)
    _compute(app, publish=True)
    shebao = client_for("shebao")
    page = _text(shebao.get(f"/scoring/period/{KEY}/records/{ids['中塘村']}/I5"))
    assert "JF-2024-001" in page and "JF-2024-005" not in page
    page = _text(shebao.get(f"/scoring/period/{KEY}/records/{ids['中塘村']}/I1"))
    assert "按时" in page and "逾期" in page
    # a specialist sees another village's published figures, never its records
    other = _text(client_for("xingquan").get(f"/scoring/period/{KEY}/records/{ids['中塘村']}/I5"))
    assert "JF-2024-001" not in other
    response = shebao.get(f"/scoring/bulletin/{KEY}.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet["A1"].value == "零工市场旬调度通报（2024年4月下旬）"
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=4, max_row=8)]
    assert [(r[0], r[1], r[-2]) for r in rows] == [
        (1, "兴泉村", 60.0), (1, "迎新村", 60.0), (1, "双石村", 60.0), (4, "中塘村", 44.6), (5, "胜利村", 41.3)]
    assert rows[3][-1] == "通报提醒"


def test_specialist_writes_and_submits_only_their_own_weekly_report(app, client_for, factory):
    factory.worker("中塘村", verified_on=date.today())
    zhongtang, xingquan = client_for("zhongtang"), client_for("xingquan")
    year, week = reports.week_of(date.today())
    response = zhongtang.get("/weekly-report/")
    assert response.status_code == 302 and f"/weekly-report/{year}/{week}" in response.headers["Location"]
    page = zhongtang.get(f"/weekly-report/{year}/{week}")
    assert "新增劳动力" in _text(page)
    path = f"/weekly-report/{year}/{week}"
    zhongtang.post_form(f"{path}/save", {"summary": "走访3个组", "problems": "", "submit": "1"}, token_from=path)
    with app.app_context():
        report = db.session.scalar(select(WeeklyReport))
        village = db.session.get(Village, report.village_id).name
        assert (village, report.status, report.new_workers, report.summary) == ("中塘村", "已报送", 1, "走访3个组")
        zt_id = report.village_id
    # read-only afterwards
    zhongtang.post_form(f"{path}/save", {"summary": "改写"}, token_from=path)
    with app.app_context():
        assert db.session.scalar(select(WeeklyReport.summary)) == "走访3个组"
    # another village sees its own report, never 中塘村's, through the page or the API
    assert "走访3个组" not in _text(xingquan.get(f"{path}?village={zt_id}"))
    assert xingquan.get("/api/v1/weekly_report/").get_json()["count"] == 1  # its own draft only
    assert zhongtang.get("/api/v1/weekly_report/").get_json()["result"][0]["summary"] == "走访3个组"
    assert client_for("zhuanban").get("/api/v1/weekly_report/").get_json()["count"] == 2


def test_office_grid_and_paper_report_with_its_real_time(app, client_for):
    shebao = client_for("shebao")
    with app.app_context():
        zt = db.session.scalar(select(Village.id).where(Village.name == "中塘村"))
    year, week = reports.week_of(date(2024, 4, 21))
    # record a paper report for a past week: it lands in the grid as late or on time by its real time
    today_week = reports.week_of(date.today())
    shebao.post_form("/weekly-report/record", {
        "village": zt, "year": today_week[0], "week": today_week[1], "channel": "纸质",
        "submitted_at": datetime.now().strftime("%Y-%m-%dT%H:%M"), "summary": "纸质报送"}, token_from="/weekly-report/")
    with app.app_context():
        report = db.session.scalar(select(WeeklyReport))
        assert (report.channel, report.status, report.summary) == ("纸质", "已报送", "纸质报送")
    grid = _text(shebao.get("/weekly-report/"))
    assert "中塘村 " in grid and "按时" in grid and "未报" in grid
    assert client_for("zhuanban").get("/weekly-report/").status_code == 200
    assert "登记纸质" not in _text(client_for("zhuanban").get("/weekly-report/"))
    with app.app_context():
        assert reports.week_days(year, week) == (date(2024, 4, 15), date(2024, 4, 21))


def test_settings_and_year_end_pages(app, client_for, factory):
    build_fixture(app, factory)
    shebao = client_for("shebao")
    bad = shebao.post_form("/scoring-settings/save", {
        "weight_i1": 30, "weight_i2": 25, "weight_i3": 15, "weight_i4": 25, "weight_i5": 10,
        "i2_window_days": 29, "i3_target": 2}, token_from="/scoring-settings/")
    assert "五项权重之和应为100，现为105" in _text(bad)
    shebao.post_form("/scoring-settings/save", {
        "weight_i1": 20, "weight_i2": 25, "weight_i3": 20, "weight_i4": 25, "weight_i5": 10,
        "i2_window_days": 29, "i3_target": 2, "first_period": "2024-4-3"}, token_from="/scoring-settings/")
    with app.app_context():
        settings = scoring.current_settings(db.session)
        assert (settings.weight_i1, settings.weight_i3, settings.first_period) == (20, 20, "2024-04-3")
    assert client_for("zhongtang").get("/scoring-settings/").status_code in (302, 403)
    _compute(app, publish=True)
    page = _text(client_for("zhongtang").get("/year-end/?year=2024"))
    assert "2024年零工市场旬调度年终考核" in page and "中塘村" in page


def test_dashboard_figures_follow_the_fixture_and_the_row_rule(app, client_for, factory):
    build_fixture(app, factory)
    _compute(app, publish=True)
    shebao = _text(client_for("shebao").get("/"))
    assert "共15人" in shebao  # 11 in 中塘村 (6 + 5 household members), 4 in 胜利村
    assert "中塘村 1 2" in shebao  # key households: 1 covered of 2
    assert "最新旬调度通报" in shebao and "胜利村 41.3" in shebao
    zhongtang = _text(client_for("zhongtang").get("/"))
    assert "共11人" in zhongtang and "兴泉村 本周未到期" not in zhongtang
    assert "超期未办结： 1" in shebao and "调解成功 3" in shebao  # JF-2024-003 is past its deadline
    assert "本周周报报送" in zhongtang
    nongfu = _text(client_for("nongfu").get("/"))
    assert "劳动力就业状态" not in nongfu and "招聘中的用工需求" in nongfu
    assert "vendor/echarts/echarts.min.js" in client_for("shebao").get("/").get_data(as_text=True)
    script = client_for("shebao").get("/static/vendor/echarts/echarts.min.js")
    assert script.status_code == 200 and b"echarts" in script.data[:2000]
    script.close()
