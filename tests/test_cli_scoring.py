"""``flask scoring compute|publish`` (SPEC §5)."""
import json

from tests.services.test_scoring import KEY, build_fixture


def test_compute_json_then_publish_then_refuse(app, factory):
    build_fixture(app, factory)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["scoring", "compute", KEY, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [d["village"] for d in data] == ["兴泉村", "迎新村", "双石村", "中塘村", "胜利村"]
    assert data[3] == {"village": "中塘村", "indicators": {"I1": 0.5, "I2": 0.2857, "I3": 0.5, "I4": 0.5, "I5": 0.5},
                       "total": 44.6, "rank": 4}
    assert [d["rank"] for d in data] == [1, 1, 1, 4, 5]
    text = runner.invoke(args=["scoring", "compute", KEY])
    assert "2024年4月下旬" in text.output and "第4名 中塘村 44.6分" in text.output
    result = runner.invoke(args=["scoring", "publish", KEY])
    assert result.exit_code == 0 and "已发布" in result.output
    refused = runner.invoke(args=["scoring", "compute", KEY, "--json"])
    assert refused.exit_code == 1 and "已发布，不能重新计算" in refused.output


def test_bad_period_is_a_clear_error(app):
    result = app.test_cli_runner().invoke(args=["scoring", "compute", "2024-4"])
    assert result.exit_code == 1 and "无法识别的评分期" in result.output
