"""The administrator's role pages name permissions in Chinese."""
import re


def _visible_text(html):
    html = re.sub(r"<script.*?</script>|<style.*?</style>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_role_list_and_edit_show_chinese_permission_names(app, client_for):
    client = client_for("admin")
    listing = _visible_text(client.get("/roles/list/").get_data(as_text=True))
    assert "查看 · 劳动力" in listing
    assert "can read on" not in listing and "menu access on" not in listing
    with app.app_context():
        from app import db
        from flask_appbuilder.security.sqla.models import Role
        from sqlalchemy import select

        role_id = db.session.scalar(select(Role.id).where(Role.name == "社保所"))
    edit = _visible_text(client.get(f"/roles/edit/{role_id}").get_data(as_text=True))
    assert "导入 · 劳动力" in edit and "完整身份证号和电话" in edit
    assert "can " not in edit
