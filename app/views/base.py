"""Base classes every ledger view and API derives from: permissions, row rule, masking."""
from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_appbuilder import ModelRestApi, ModelView, expose
from flask_appbuilder.actions import action
from flask_appbuilder.api.convert import Model2SchemaConverter
from flask_appbuilder.exceptions import DatabaseException
from flask_appbuilder.models.filters import BaseFilter
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect as sa_inspect
from wtforms import ValidationError

from app.models import Village
from app.security import scoping
from app.security.permissions import (
    ACTION_DELETE,
    ACTION_READ,
    MODEL_API_METHODS,
    MODEL_VIEW_METHODS,
    RESOURCE_PERSONAL_DATA,
    perm,
)
from app.services.identity import InvalidValue
from app.services.masking import mask_id_number, mask_phone


def may_see_personal_data():
    """Whether the current user sees ID and phone numbers unmasked (cached per request)."""
    cached = g.get("_lingong_unmasked")
    if cached is None:
        cached = current_app.appbuilder.sm.has_access(perm(ACTION_READ), RESOURCE_PERSONAL_DATA)
        g._lingong_unmasked = cached
    return cached


def masked_id(value):
    return value if may_see_personal_data() else mask_id_number(value)


def masked_phone(value):
    return value if may_see_personal_data() else mask_phone(value)


def value_check(parse):
    """A WTForms validator from a service function that raises InvalidValue."""

    def _validate(_form, field):
        if field.data in (None, ""):
            return
        try:
            parse(field.data)
        except InvalidValue as exc:
            raise ValidationError(str(exc)) from None

    return _validate


class FilterSelectableVillage(BaseFilter):
    """Relation drop-downs offer only the villages the user may record rows for."""

    name = "selectable village"
    arg_name = "svil"

    def apply(self, query, value):
        scope = scoping.current_scope()
        if scope.kind == scoping.SCOPE_VILLAGE:
            return query.filter(Village.id == scope.village_id)
        return query


VILLAGE_FIELD_QUERY = {"village": [["id", FilterSelectableVillage, None]]}


class LedgerModelView(ModelView):
    """A CRUD view whose writes obey the row rule with a clear Chinese message."""

    method_permission_name = MODEL_VIEW_METHODS
    page_size = 20
    add_form_query_rel_fields = VILLAGE_FIELD_QUERY
    edit_form_query_rel_fields = VILLAGE_FIELD_QUERY

    def _apply_fixed_values(self, item):
        values = scoping.fixed_values(self.datamodel.obj, scoping.current_scope()) or {}
        for column, value in values.items():
            current = getattr(item, column)
            relation = column[:-3] if column.endswith("_id") else None
            if relation and getattr(item, relation, None) is not None:
                current = getattr(item, relation).id
            if current not in (None, ""):
                continue
            setattr(item, column, value)
            if relation and relation in sa_inspect(type(item)).relationships:
                # The form set the relationship to None; left so, the flush would write
                # NULL over the foreign key just fixed and the row would be refused.
                target = sa_inspect(type(item)).relationships[relation].mapper.class_
                setattr(item, relation, self.datamodel.session.get(target, value))

    def pre_add(self, item):
        self._apply_fixed_values(item)
        self._sync_relation_ids(item)
        scoping.check_writable(item)

    def pre_update(self, item):
        self._sync_relation_ids(item)
        scoping.check_writable(item)

    def pre_delete(self, item):
        scoping.check_writable(item)

    def _edit(self, pk):
        """FAB's edit, refused up front for a row the user may read but not write
        (another village's published job): no form to fill in only to be refused."""
        item = self.datamodel.get(pk, self._base_filters)
        if item is not None:
            try:
                scoping.check_writable(item)
            except scoping.RowScopeViolation as exc:
                flash(str(exc), "danger")
                return None  # FAB's edit() then redirects back
        return super()._edit(pk)

    @staticmethod
    def _sync_relation_ids(item):
        """Forms set relationships; the row rule reads the foreign keys."""
        for rel in ("village", "household", "employer", "job_type"):
            obj = getattr(item, rel, None) if hasattr(type(item), rel) else None
            if obj is not None and hasattr(item, f"{rel}_id"):
                setattr(item, f"{rel}_id", obj.id)

    def __init__(self, **kwargs):
        # FAB appends action permissions to base_permissions in place: work on a copy
        # so the class list stays as declared for the next app built in this process.
        declared = None if self.base_permissions is None else list(self.base_permissions)
        self.base_permissions = None if declared is None else list(declared)
        super().__init__(**kwargs)
        # A view declared without delete (the append-only operation log) gets no bulk
        # delete either, instead of FAB adding can_delete for the action.
        if declared is not None and perm(ACTION_DELETE) not in declared:
            self.actions.pop("muldelete", None)
            if perm(ACTION_DELETE) in self.base_permissions:
                self.base_permissions.remove(perm(ACTION_DELETE))

    @action("muldelete", _l("删除所选"), _l("确定要删除所选记录吗？"), "fa-trash", single=False)
    def muldelete(self, items):
        """Bulk delete; rows were already limited to writable ones by :meth:`_run_action`."""
        try:
            for item in items:
                self.pre_delete(item)
                self.datamodel.delete(item, commit=False)
            self.datamodel.session.commit()
        except (scoping.RowScopeViolation, DatabaseException) as exc:
            self.datamodel.session.rollback()
            flash(str(exc), "danger")
        else:
            flash(str(_l("已删除%(n)d条记录", n=len(items))), "success")
        return redirect(url_for(f"{self.endpoint}.list"))

    @expose("/action/<string:name>/<pk>", methods=["GET", "POST"])
    def action(self, name, pk):
        """FAB's single-row action, through the same guard as the bulk one."""
        if request.method != "POST":
            flash(str(_l("权限不足，操作被拒绝")), "danger")
            return redirect(url_for(f"{self.endpoint}.list"))
        return self._run_action(name, [pk])

    @expose("/action_post", methods=["POST"])
    def action_post(self):
        """FAB's bulk action, minus rows the user cannot see (they come back as None)."""
        return self._run_action(request.form.get("action", ""), request.form.getlist("rowid"))

    def _run_action(self, name, pks):
        # FAB looks the action up without checking it exists: an unknown name was a 500.
        if name not in self.actions:
            abort(404)
        back = redirect(url_for(f"{self.endpoint}.list"))
        permission_name = self.get_action_permission_name(name)
        if not self.appbuilder.sm.has_access(permission_name, self.class_permission_name):
            flash(str(_l("权限不足，操作被拒绝")), "danger")
            return back
        # datamodel.get passes through the row rule: rows the user cannot read are None.
        items = [self.datamodel.get(self._deserialize_pk_if_composite(pk)) for pk in pks]
        items = [item for item in items if item is not None]
        if not items:
            flash(str(_l("没有可操作的记录")), "warning")
            return back
        try:
            for item in items:
                scoping.check_writable(item)
        except scoping.RowScopeViolation as exc:
            flash(str(exc), "danger")
            return back
        return self.actions[name].func(items)


class ForeignKeySchemaConverter(Model2SchemaConverter):
    """FAB's schema converter with foreign-key columns (SPEC §3 names them ``*_id``)."""

    def _meta_schema_factory(self, columns, model, class_mixin, parent_schema_name=None):
        schema = super()._meta_schema_factory(columns, model, class_mixin, parent_schema_name)

        class WithForeignKeys(schema):
            class Meta(schema.Meta):
                include_fk = True

        return WithForeignKeys


class LedgerApi(ModelRestApi):
    """A REST resource with the same permissions, row rule and masking as the UI."""

    model2schemaconverter = ForeignKeySchemaConverter

    method_permission_name = MODEL_API_METHODS
    allow_browser_login = True
    page_size = 20
    masked_columns = {}  # column → masking function for users without PersonalData

    def _init_model_schemas(self):
        super()._init_model_schemas()
        # A village specialist need not send the village: it is fixed to theirs in pre_add.
        field = self.add_model_schema.fields.get("village_id")
        if field is not None:
            field.required = False

    def pre_add(self, item):
        values = scoping.fixed_values(self.datamodel.obj, scoping.current_scope()) or {}
        for column, value in values.items():
            if getattr(item, column) in (None, ""):
                setattr(item, column, value)
        village = type(item).__table__.c.get("village_id")
        if village is not None and not village.nullable and item.village_id is None:
            raise InvalidValue(str(_l("请填写村(社区)（village_id）")))
        scoping.check_writable(item)

    def pre_update(self, item):
        scoping.check_writable(item)

    def pre_delete(self, item):
        scoping.check_writable(item)

    def _mask(self, row):
        for column, mask in self.masked_columns.items():
            if column in row:
                row[column] = mask(row[column])

    def pre_get_list(self, data):
        if not may_see_personal_data():
            for row in data.get("result", []):
                self._mask(row)

    def pre_get(self, data):
        if not may_see_personal_data():
            self._mask(data.get("result", {}))

    def post_headless(self):
        return self._guarded(super().post_headless)

    def put_headless(self, pk):
        return self._guarded(super().put_headless, pk)

    def delete_headless(self, pk):
        return self._guarded(super().delete_headless, pk)

    def _guarded(self, call, *args):
        try:
            return call(*args)
        except scoping.RowScopeViolation as exc:
            self.datamodel.session.rollback()
            return self.response(403, message=str(exc))
        except InvalidValue as exc:
            self.datamodel.session.rollback()
            return self.response_422(message=str(exc))
