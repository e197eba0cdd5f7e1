"""Each role signs in and opens its ledger lists."""
import pytest


@pytest.mark.parametrize("username", ["admin", "shebao", "zhongtang", "jingfa", "nongfu", "zhuanban"])
def test_home_after_login(client_for, username):
    client = client_for(username)
    page = client.get("/")
    assert page.status_code == 200
    assert username in page.get_data(as_text=True)


def test_specialist_sees_only_own_village(client_for, factory):
    factory.worker(village="中塘村", name="中塘人")
    factory.worker(village="兴泉村", name="兴泉人")
    page = client_for("zhongtang").get("/workerview/list/").get_data(as_text=True)
    assert "中塘人" in page
    assert "兴泉人" not in page
    page = client_for("shebao").get("/workerview/list/").get_data(as_text=True)
    assert "中塘人" in page and "兴泉人" in page
