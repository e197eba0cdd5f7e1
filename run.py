"""Builds the application; ``python run.py`` also prepares the database and serves it."""
import os

from app import create_app

app = create_app()


def main():
    from app.cli import database_is_new, load_demo
    from app.services import bootstrap
    from app.services.accounts import DEMO_ACCOUNTS

    with app.app_context():
        bootstrap.initialise(app.appbuilder)
        new = database_is_new()
        if new and app.config["DEMO_ENABLED"]:
            print("新数据库：正在生成演示数据……")
            load_demo(app.config["DEMO_WORKERS"], app.config["DEMO_PASSWORD"])
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "5000"))
    print(f"\n中塘镇零工市场服务管理系统已启动： http://{host}:{port}/")
    if app.config["DEMO_ENABLED"]:
        print(f"演示账号（密码均为 {app.config['DEMO_PASSWORD']}）：")
        for username, role, village in DEMO_ACCOUNTS:
            print(f"  {username:<10} {role}{'（' + village + '）' if village else ''}")
    print("接口文档：/swagger/v1\n")
    app.run(host=host, port=port, debug=False)


if __name__ == "__main__":
    main()
