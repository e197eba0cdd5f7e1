"""Upgrading an empty database gives exactly the models' schema (SQLite, and PostgreSQL
when TEST_DATABASE_URL is set)."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from app import db
from app.models import Model


def test_upgrade_matches_models_and_downgrade_cleans_up(app):
    with app.app_context():
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diff = compare_metadata(context, Model.metadata)
        assert diff == [], f"migrations and models differ: {diff}"

        downgrade(directory=app.config["MIGRATIONS_DIR"], revision="base")
        db.session.remove()
        remaining = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert remaining == set()
        upgrade(directory=app.config["MIGRATIONS_DIR"], revision="heads")
        assert {"worker", "household", "job", "employer", "operation_log"} <= set(inspect(db.engine).get_table_names())
