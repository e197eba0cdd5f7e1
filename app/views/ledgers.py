"""Ledger import and export pages: template, upload → preview → confirm, rejected rows, export."""
import io
import os
import time
import uuid

from flask import current_app, flash, redirect, request, send_file, session, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_appbuilder.urltools import get_filter_args
from flask_babel import gettext

from app.security.permissions import (
    ACTION_EXPORT,
    ACTION_IMPORT,
    RESOURCE_JOB,
    RESOURCE_WORKER,
    perm,
)
from app.services.ledgers import service
from app.services.ledgers.importer import IMPORTERS_BY_KIND, ImportRefused
from app.services.ledgers.reader import UnreadableFile
from app.services.ledgers.workbook import TITLES, rejected_rows, template
from app.views.base import may_see_personal_data
from app.views.employers import JobView
from app.views.workers import WorkerView

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UPLOAD_TTL_SECONDS = 6 * 3600
_SESSION_KEY = "_lingong_ledger_uploads"
LABEL_COLUMNS = {"workers": "姓名", "jobs": "岗位名称"}


def _upload_dir():
    path = os.path.join(current_app.instance_path, "uploads")
    os.makedirs(path, exist_ok=True)
    return path


def _forget_old_uploads(directory):
    cutoff = time.time() - UPLOAD_TTL_SECONDS
    for name in os.listdir(directory):
        path = os.path.join(directory, name)
        if os.path.getmtime(path) < cutoff:
            os.remove(path)


class LedgerIOView(BaseView):
    """One ledger's Excel page. Subclasses name the kind, the resource and the list view."""

    kind = ""
    list_view = None
    default_view = "index"
    method_permission_name = {
        "index": ACTION_IMPORT,
        "template": ACTION_IMPORT,
        "upload": ACTION_IMPORT,
        "confirm": ACTION_IMPORT,
        "rejected": ACTION_IMPORT,
        "export": ACTION_EXPORT,
    }

    @property
    def title(self):
        return TITLES[self.kind]

    # -- import ----------------------------------------------------------------------

    @expose("/")
    @has_access
    def index(self):
        return self.render_template(
            "lingong/ledger_import.html", title=gettext("导入%(name)s", name=self.title), kind=self.kind,
            max_rows=current_app.config["LEDGER_MAX_ROWS"],
            max_mb=current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024),
        )

    @expose("/template")
    @has_access
    def template(self):
        importer = IMPORTERS_BY_KIND[self.kind](self.appbuilder.session)
        data = template(self.kind, importer.columns, town=current_app.config["TOWN_SHORT_NAME"])
        return self._xlsx(data, f"{self.title}模板.xlsx")

    @expose("/upload", methods=["POST"])
    @has_access
    def upload(self):
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            flash(gettext("请选择要导入的文件"), "warning")
            return redirect(url_for(f"{self.__class__.__name__}.index"))
        data = upload.read()
        token = uuid.uuid4().hex
        directory = _upload_dir()
        _forget_old_uploads(directory)
        with open(os.path.join(directory, token), "wb") as handle:
            handle.write(data)
        uploads = session.get(_SESSION_KEY, {})
        uploads[token] = {"kind": self.kind, "filename": os.path.basename(upload.filename)[:200]}
        session[_SESSION_KEY] = dict(list(uploads.items())[-5:])
        return self._preview(token)

    def _pending(self, token):
        meta = session.get(_SESSION_KEY, {}).get(token or "")
        path = os.path.join(_upload_dir(), token or "")
        if not meta or meta["kind"] != self.kind or not token.isalnum() or not os.path.exists(path):
            return None, None, None
        with open(path, "rb") as handle:
            return meta, handle.read(), path

    def _run(self, token, write, skip_invalid=False):
        meta, data, path = self._pending(token)
        if meta is None:
            raise UnreadableFile(gettext("上传的文件已过期，请重新上传"))
        result = service.import_ledger(
            self.appbuilder.session, self.kind, data, meta["filename"], actor_id=self.appbuilder.sm.current_user.id,
            write=write, skip_invalid=skip_invalid,
        )
        return meta, result, path

    def _preview(self, token):
        try:
            meta, result, _path = self._run(token, write=False)
        except (UnreadableFile, ImportRefused) as exc:
            flash(str(exc), "danger")
            return redirect(url_for(f"{self.__class__.__name__}.index"))
        return self.render_template(
            "lingong/ledger_preview.html", title=gettext("导入预览：%(name)s", name=meta["filename"]),
            result=result, token=token, kind=self.kind, changes=result.changes[:300], errors=result.errors[:500],
            row_labels=self._row_labels(result),
        )

    def _row_labels(self, result):
        """Sheet row → the name (or job title) in that row, so a rejected row can be found."""
        header = LABEL_COLUMNS[self.kind]
        if header not in result.header_cells:
            return {}
        index = result.header_cells.index(header)
        return {number: (row[index] if index < len(row) else "") for number, row in result.rejected_raw.items()}

    @expose("/confirm", methods=["POST"])
    @has_access
    def confirm(self):
        token = request.form.get("token", "")
        skip_invalid = request.form.get("skip_invalid") == "1"
        try:
            meta, result, path = self._run(token, write=True, skip_invalid=skip_invalid)
        except (UnreadableFile, ImportRefused) as exc:
            flash(str(exc), "danger")
            return redirect(url_for(f"{self.__class__.__name__}.index"))
        if not result.written:
            flash(gettext("有%(n)d行被拒绝，未写入任何数据。请修改后重新上传，或选择跳过错误行。", n=result.rejected), "danger")
            return self._preview(token)
        os.remove(path)
        session.get(_SESSION_KEY, {}).pop(token, None)
        session.modified = True
        flash(service.summary(result), "success")
        return redirect(url_for(f"{self.list_view.__name__}.list"))

    @expose("/rejected/<token>")
    @has_access
    def rejected(self, token):
        try:
            meta, result, _path = self._run(token, write=False)
        except (UnreadableFile, ImportRefused) as exc:
            flash(str(exc), "danger")
            return redirect(url_for(f"{self.__class__.__name__}.index"))
        data = rejected_rows(self.kind, result, town=current_app.config["TOWN_SHORT_NAME"])
        stem = os.path.splitext(meta["filename"])[0]
        return self._xlsx(data, f"{stem}-被拒绝的行.xlsx")

    # -- export ----------------------------------------------------------------------

    @expose("/export")
    @has_access
    def export(self):
        """The list as currently filtered (FAB's ``_flt_*`` arguments), in the template layout."""
        view = next(v for v in self.appbuilder.baseviews if isinstance(v, self.list_view))
        filters = view.datamodel.get_filters(view.search_columns)
        get_filter_args(filters, disallow_if_not_in_search=False)
        model = view.datamodel.obj
        where = None
        if filters.filters:
            narrowed = filters.apply_all(self.appbuilder.session.query(model.id))
            where = model.id.in_(narrowed.statement)
        filename = f"{self.title}{time.strftime('%Y%m%d')}.xlsx"
        data, _count = service.export_ledger(
            self.appbuilder.session, self.kind, may_see_personal_data(), where=where, filename=filename
        )
        return self._xlsx(data, filename)

    @staticmethod
    def _xlsx(data, filename):
        return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=filename)


class WorkerLedgerView(LedgerIOView):
    route_base = "/ledger/workers"
    kind = "workers"
    class_permission_name = RESOURCE_WORKER
    list_view = WorkerView


class JobLedgerView(LedgerIOView):
    route_base = "/ledger/jobs"
    kind = "jobs"
    class_permission_name = RESOURCE_JOB
    list_view = JobView


LEDGER_VIEWS = {RESOURCE_WORKER: WorkerLedgerView, RESOURCE_JOB: JobLedgerView}


def ledger_links(resource):
    """Import and export links for a list page, as the user's permissions allow."""
    sm = current_app.appbuilder.sm
    view = LEDGER_VIEWS[resource]
    links = {}
    if sm.has_access(perm(ACTION_IMPORT), resource):
        links["import"] = url_for(f"{view.__name__}.index")
    if sm.has_access(perm(ACTION_EXPORT), resource):
        links["export"] = url_for(f"{view.__name__}.export", **request.args)
    return links

