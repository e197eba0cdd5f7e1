"""Every signed-in user can read their own profile and change their own password."""
import pytest

from tests.conftest import ACCOUNTS, Client, PASSWORD


@pytest.mark.parametrize("username", sorted(ACCOUNTS))
def test_own_profile_and_password_form(app, username):
    client = Client(app, username)
    profile = client.get("/users/userinfo/")
    assert profile.status_code == 200, username
    assert username in profile.get_data(as_text=True)
    assert client.get("/resetmypassword/form").status_code == 200


def test_password_change_follows_the_policy(app):
    client = Client(app, "zhongtang")
    weak = client.post_form("/resetmypassword/form", {"password": "short", "conf_password": "short"})
    assert "至少需要10个字符" in weak.get_data(as_text=True)
    client.post_form("/resetmypassword/form", {"password": "Zhongtang2025", "conf_password": "Zhongtang2025"})
    fresh = Client(app)
    fresh.login("zhongtang", "Zhongtang2025")
    assert fresh.get("/workerview/list/").status_code == 200
    old = Client(app)
    old.login("zhongtang", PASSWORD)
    assert old.get("/workerview/list/").status_code in (302, 401, 403)
