"""The FastAPI app: pages for reviewers (Chinese, server-rendered, a little JS for progress and the
page image) and a JSON API for scripts (``/api/…``, documented at ``/api/docs`` — served by the app,
no CDN). Every route but the login page goes through ``guard``: a session or an API token, and the
CSRF token on every cookie-authenticated post."""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Annotated, Literal
from urllib.parse import quote, urlencode

from fastapi import Depends, FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from budgetlint import baseline
from budgetlint.batch import Limits
from budgetlint.findings import FAMILIES
from budgetlint.report.common import family_label, rank
from budgetlint.web import auth, db, figures, jobs, triage, uploads

log = logging.getLogger("budgetlint.web")
HERE = Path(__file__).parent
STATIC = HERE / "static"
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}


@dataclass(slots=True)
class Settings:
    data: Path
    db_url: str | None = None  # None: SQLite in ``data``
    workers: int = 1
    max_upload_mb: int = 100
    run_jobs: bool = True  # start the runner in this process
    limits: Limits = field(default_factory=Limits)
    poll: float = 1.0


# --- state shared by the routes ------------------------------------------------------------


class _State:
    factory: sessionmaker
    settings: Settings
    runner: jobs.Runner | None = None
    image_locks: dict[int, threading.Lock]


def _db(request: Request) -> Iterator[Session]:
    factory: sessionmaker = request.app.state.bl.factory
    with factory.begin() as session:
        yield session


# committed before the response leaves: a browser following the login's redirect must find its session
DB = Annotated[Session, Depends(_db, scope="function")]


def _identify(factory: sessionmaker, request: Request) -> auth.Caller | None:
    with factory.begin() as session:
        return auth.identify(session, request)


async def _in_session(state: _State, fn, *args):
    """``fn(session, *args)`` in one transaction on a worker thread: the event loop never waits on
    the database (SQLite queues writers; a loop blocked there would stall every request)."""
    def work():
        with state.factory.begin() as session:
            return fn(session, *args)

    return await run_in_threadpool(work)


async def guard(request: Request) -> None:
    """Every route: who is calling (session cookie or Bearer token), and the CSRF token on posts."""
    if request.url.path in auth.PUBLIC_PATHS:
        return
    caller = await run_in_threadpool(_identify, request.app.state.bl.factory, request)
    if caller is None or caller.user is None:
        raise auth.LoginRequired()
    await auth.check_csrf(request, caller)
    request.state.caller = caller


def caller(request: Request) -> auth.Caller:
    return request.state.caller


Caller = Annotated[auth.Caller, Depends(caller)]


def _state(request: Request) -> _State:
    return request.app.state.bl


# --- helpers -------------------------------------------------------------------------------


def _doc_or_404(session: Session, doc_id: int) -> db.Document:
    doc = session.get(db.Document, doc_id)
    if doc is None:
        raise HTTPException(404, "没有这个文档")
    return doc


def _doc_json(d: db.Document) -> dict[str, object]:
    return {"id": d.id, "name": d.original_name, "batch": d.batch, "region": d.region, "format": d.format,
            "state": d.state, "state_label": jobs.STATES.get(d.state, d.state), "error": d.error,
            "organisation": d.organisation, "year": d.year, "kind": d.kind, "title": d.title,
            "coverage": d.coverage_status, "coverage_label": d.coverage_label,
            "errors": d.errors, "warnings": d.warnings, "infos": d.infos,
            "uploaded_at": d.uploaded_at.isoformat(timespec="seconds"),
            "finished_at": d.finished_at.isoformat(timespec="seconds") if d.finished_at else None}


def _ranked(docs: list[db.Document]) -> list[db.Document]:
    """Documents in the batch report's order (``report.common.rank``): checked ones by their counts
    and coverage, then those still waiting."""
    def proxy(d: db.Document) -> SimpleNamespace:
        sev = ["error"] * d.errors + ["warning"] * d.warnings + ["info"] * d.infos
        status = d.coverage_status or ("unreadable" if d.state == "failed" else "checked")
        return SimpleNamespace(doc=d, findings=[SimpleNamespace(severity=SimpleNamespace(value=s)) for s in sev],
                               coverage=SimpleNamespace(status=SimpleNamespace(value=status)))

    final = [d for d in docs if d.state in jobs.FINAL]
    waiting = [d for d in docs if d.state not in jobs.FINAL]
    return [p.doc for p in rank([proxy(d) for d in final])] + waiting


def _filtered(session: Session, region: str, organisation: str, year: str, kind: str,
              latest: bool = True) -> list[db.Document]:
    q = select(db.Document)
    if region:
        q = q.where(db.Document.region == region)
    if organisation:
        q = q.where(db.Document.organisation.contains(organisation))
    if year.isdigit():
        q = q.where(db.Document.year == int(year))
    if kind:
        q = q.where(db.Document.kind == kind)
    docs = list(session.scalars(q.order_by(db.Document.id.desc())))
    if latest:  # one line per document: its newest version
        seen: set[str] = set()
        kept = []
        for d in docs:
            key = d.doc_key or f"#{d.id}"
            if key not in seen:
                seen.add(key)
                kept.append(d)
        docs = kept
    return _ranked(docs)


def _rule_titles() -> dict[str, str]:
    from budgetlint.rules.registry import all_rules

    return {r.id: r.title for r in all_rules()}


def _findings(session: Session, doc: db.Document) -> list[dict[str, object]]:
    judged = triage.judgements(session, doc.doc_key)
    titles = _rule_titles()
    out = []
    rows = session.scalars(select(db.FindingRow).where(db.FindingRow.document_id == doc.id)
                           .order_by(db.FindingRow.seq))
    for f in rows:
        t = judged.get(f.fingerprint)
        out.append({"seq": f.seq, "rule": f.rule, "title": titles.get(f.rule, ""), "family": f.family, "family_label": family_label(f.family),
                    "severity": f.severity, "severity_label": SEVERITY_LABELS.get(f.severity, f.severity),
                    "message": f.message, "page": f.page, "location": f.location, "fingerprint": f.fingerprint,
                    "detail": f.data,
                    "triage": None if t is None else {
                        "state": t.state, "label": triage.STATE_LABELS[t.state], "comment": t.comment,
                        "by": t.by, "at": t.at.isoformat(timespec="seconds")}})
    order = {"error": 0, "warning": 1, "info": 2}
    out.sort(key=lambda f: (order.get(f["severity"], 3), f["page"] or 0, f["seq"]))
    return out


@dataclass(slots=True)
class Tables:
    """A checked document's recovered tables as the HTML report lays them out (``report/html.py``):
    the offending cells highlighted, each mark numbered as the finding it belongs to (anchors
    ``d1-f<seq + 1>`` on the findings list), and each finding's cell (its ``goto`` anchor)."""

    html: list[str] = field(default_factory=list)
    goto: dict[int, str] = field(default_factory=dict)  # finding seq → anchor of its cell, row or table


def _tables(state: _State, doc: db.Document) -> Tables:
    from collections import Counter

    from budgetlint.report.common import cell_marks
    from budgetlint.report.html import _Ids, _table_html, _target

    out = Tables()
    result = jobs.load_result(state.settings.data, doc) if doc.state == "done" else None
    if result is None or result.document is None:
        return out
    model, ids = result.document, _Ids(1)
    marks = cell_marks(model, result.findings)
    per_table = Counter(f.location.table for f in result.findings)
    out.html = [_table_html(model, ids, t, marks, per_table[t.index]) for t in model.tables]
    for seq, f in enumerate(result.findings):
        target = _target(model, ids, f.location)
        if target:
            out.goto[seq] = target
    return out


def _finding_row(session: Session, doc: db.Document, seq: int) -> db.FindingRow:
    row = session.scalar(select(db.FindingRow).where(db.FindingRow.document_id == doc.id, db.FindingRow.seq == seq))
    if row is None:
        raise HTTPException(404, "没有这个问题")
    return row


def _page_image(state: _State, doc: db.Document, seq: int) -> Path | None:
    """The finding's page picture (report/page_images.py), made for the whole document on first use."""
    from budgetlint.report.page_images import finding_images
    from budgetlint.report.pdf_annotate import NotPdf

    folder = state.settings.data / "results" / f"{doc.id}-pages"
    manifest = folder / "manifest.json"
    lock = state.image_locks.setdefault(doc.id, threading.Lock())
    with lock:
        if not manifest.exists():
            result = jobs.load_result(state.settings.data, doc)
            if result is None:
                return None
            try:
                shots = finding_images(result, folder)
            except NotPdf:
                shots = []
            folder.mkdir(parents=True, exist_ok=True)
            manifest.write_text(json.dumps([s.path.name if s.path else None for s in shots]), "utf-8")
    names = json.loads(manifest.read_text("utf-8"))
    if 0 <= seq < len(names) and names[seq]:
        return folder / names[seq]
    return None


def _figures_of(state: _State, doc: db.Document) -> dict | None:
    """The document's compare figures: stored with its job, or (a result stored before they were,
    or by an older summary) computed once from the stored result and kept."""
    if doc.figures and doc.figures.get("version") == figures.VERSION:
        return doc.figures
    if doc.state != "done":
        return None
    result = jobs.load_result(state.settings.data, doc)
    if result is None:
        return None
    doc.figures = figures.summarise(result)
    return doc.figures


def _latest_done(session: Session, kind: str, **where: object) -> list[db.Document]:
    """The newest checked version of each document matching ``where`` (column == value)."""
    q = select(db.Document).where(db.Document.state == "done")
    for name, value in where.items():
        q = q.where(getattr(db.Document, name) == value)
    if kind:
        q = q.where(db.Document.kind == kind)
    seen: set[str] = set()
    out = []
    for d in session.scalars(q.order_by(db.Document.id.desc())):
        key = d.doc_key or f"#{d.id}"
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out


def _compare(state: _State, docs: list[db.Document], label, title: str) -> dict[str, object]:
    kinds = {d.kind for d in docs}
    columns = []
    for d in docs:
        text = label(d) + (f" {d.kind}" if len(kinds) > 1 and d.kind else "")
        columns.append({"id": d.id, "label": text, "name": d.original_name, "organisation": d.organisation,
                        "year": d.year, "kind": d.kind, "region": d.region, "errors": d.errors,
                        "warnings": d.warnings, "figures": _figures_of(state, d)})
    charts = figures.compare(columns)
    for c in columns:
        c.pop("figures")
    return {"title": title, "unit": figures.UNIT, "columns": columns, "charts": charts}


def compare_body(state: _State, session: Session, organisation: str, kind: str = "") -> dict[str, object]:
    """One body across years (oldest first)."""
    docs = _latest_done(session, kind, organisation=organisation.strip()) if organisation.strip() else []
    docs.sort(key=lambda d: (d.year or 0, d.kind, d.id))
    return _compare(state, docs, lambda d: f"{d.year}年" if d.year else d.original_name,
                    f"{organisation.strip()} 各年度比较")


def compare_region(state: _State, session: Session, region: str, year: str = "",
                   kind: str = "") -> dict[str, object]:
    """The bodies of a region side by side (one year, when given)."""
    where: dict[str, object] = {"region": region.strip()}
    if year.isdigit():
        where["year"] = int(year)
    docs = _latest_done(session, kind, **where) if region.strip() else []
    docs.sort(key=lambda d: (d.organisation or d.original_name, d.year or 0, d.id))
    many_years = len({d.year for d in docs}) > 1
    return _compare(state, docs, lambda d: (d.organisation or d.original_name) + (f" {d.year}" if many_years else ""),
                    f"{region.strip()}{f' {year}年' if year.isdigit() else ''} 各单位比较")


def _upload(state: _State, session: Session, user: db.User, files: list[UploadFile], region: str,
            datas: list[bytes]) -> dict[str, object]:
    batch = uuid.uuid4().hex
    originals = state.settings.data / "originals"
    limit = state.settings.max_upload_mb * 2**20
    created, skipped, errors = [], [], []
    for up, data in zip(files, datas, strict=True):
        name = Path((up.filename or "未命名").replace("\\", "/")).name
        try:
            got = uploads.accept(data, name, originals, limit)
        except uploads.UploadError as e:
            errors.append(str(e))
            continue
        skipped += got.skipped
        for s in got.files:
            doc = db.Document(batch=batch, original_name=s.original_name, stored_name=s.stored_name, size=s.size,
                              sha256=s.sha256, format=s.format, region=region.strip() or got.folder,
                              uploaded_by=user.id)
            session.add(doc)
            session.flush()
            created.append(doc)
    triage.audit(session, user.name, "upload", f"batch:{batch}", files=[d.original_name for d in created],
                 refused=errors)
    return {"batch": batch, "documents": [_doc_json(d) for d in created], "skipped": skipped, "errors": errors}


async def _read_limited(up: UploadFile, limit: int) -> bytes:
    """The upload's bytes, refused past ``limit`` without reading them all."""
    chunks, size = [], 0
    while chunk := await up.read(1 << 20):
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"{up.filename}：文件超过上限 {limit // 2**20} MB")
        chunks.append(chunk)
    return b"".join(chunks)


def _attachment(body: bytes, media_type: str, name: str) -> Response:
    return Response(body, media_type=media_type,
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


def _report(state: _State, docs: list[db.Document], fmt: str, stem: str) -> Response:
    """The CLI's report of ``docs`` (the existing renderers): json, html, xlsx; pdf is the annotated
    original — one PDF, or a zip of them for several documents."""
    import tempfile

    if fmt not in ("json", "html", "xlsx", "pdf"):
        raise HTTPException(404, "不支持的报告格式（json、html、xlsx、pdf）")
    if not docs:
        raise HTTPException(404, "没有已检查完成的文档")
    results = [(d, jobs.load_result(state.settings.data, d)) for d in docs]
    if any(r is None for _, r in results):
        raise HTTPException(409, "文档尚未检查完成")
    shown = [jobs.shown_as(r, d.original_name) for d, r in results]
    if fmt == "json":
        from budgetlint.report.json_report import render_json

        return Response(render_json(shown), media_type="application/json")
    if fmt == "html":
        from budgetlint.report.html import render_html

        return HTMLResponse(render_html(shown))
    with tempfile.TemporaryDirectory() as tmp:
        if fmt == "xlsx":
            from budgetlint.report.excel import write_report_xlsx

            path = Path(tmp) / "report.xlsx"
            write_report_xlsx(shown, path)
            return _attachment(path.read_bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                               f"{stem}.budgetlint.xlsx")
        from budgetlint.report.pdf_annotate import NotPdf, annotate_pdf

        made: list[tuple[str, Path]] = []
        for i, (d, r) in enumerate(results):
            path = Path(tmp) / f"{i}.pdf"
            try:
                annotate_pdf(r, path)  # reads the stored original
            except NotPdf:
                continue
            made.append((f"{Path(d.original_name).stem}.budgetlint.pdf", path))
        if not made:
            raise HTTPException(404, "原始文件不是 PDF，没有批注版")
        if len(docs) == 1:
            return _attachment(made[0][1].read_bytes(), "application/pdf", made[0][0])
        import io
        import zipfile

        buf, used = io.BytesIO(), set()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for name, path in made:
                while name in used:
                    name = "_" + name
                used.add(name)
                z.write(path, name)
        return _attachment(buf.getvalue(), "application/zip", f"{stem}.budgetlint-pdf.zip")


class TokenIn(BaseModel):
    label: str = ""


class TriageIn(BaseModel):
    state: Literal["dismissed", "confirmed", "fixed", ""]
    comment: str = ""


# --- the app ---------------------------------------------------------------------------------


def create_app(settings: Settings) -> FastAPI:
    settings.data.mkdir(parents=True, exist_ok=True)
    engine = db.make_engine(settings.db_url or db.default_url(settings.data))
    state = _State()
    state.settings, state.factory, state.image_locks = settings, db.sessions(engine), {}
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals.update(STATES=jobs.STATES, TRIAGE=triage.STATE_LABELS, FAMILIES=FAMILIES)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        db.upgrade(engine)
        if settings.run_jobs:
            state.runner = jobs.Runner(state.factory, settings.data, workers=settings.workers,
                                       limits=settings.limits, poll=settings.poll)
            state.runner.start()
        yield
        if state.runner is not None:
            state.runner.stop()
        engine.dispose()

    app = FastAPI(title="budgetlint 审阅工作台 API", version="1", lifespan=lifespan, docs_url=None,
                  redoc_url=None, openapi_url=None, dependencies=[Depends(guard)],
                  description="上传预决算公开文档、查看检查进度与问题、标记问题（确认/不是问题/已改正）、导出报告与基线。"
                              "脚本使用 `Authorization: Bearer <令牌>`（`budgetlint user token 用户名` 生成）。")
    app.state.bl = state

    @app.exception_handler(auth.LoginRequired)
    async def _login_required(request: Request, _exc: auth.LoginRequired) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": "需要登录或 API 令牌"}, status_code=401,
                                headers={"WWW-Authenticate": "Bearer"})
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)

    def page(request: Request, name: str, status_code: int = 200, **ctx: object) -> HTMLResponse:
        c: auth.Caller | None = getattr(request.state, "caller", None)
        return templates.TemplateResponse(request, name, {"user": c.user if c else None,
                                                          "csrf": c.csrf if c else "", **ctx}, status_code=status_code)

    # --- login ---

    @app.get("/login", include_in_schema=False)
    def login_form(request: Request, next: str = "/", error: str = "") -> HTMLResponse:
        token = uuid.uuid4().hex
        resp = page(request, "login.html", next=next, login_csrf=token, error=error)
        resp.set_cookie(auth.LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict")
        return resp

    @app.post("/login", include_in_schema=False)
    def login(request: Request, session: DB, name: Annotated[str, Form()], password: Annotated[str, Form()],
              csrf: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "/") -> Response:
        if not csrf or csrf != request.cookies.get(auth.LOGIN_CSRF_COOKIE):
            raise HTTPException(403, "缺少或无效的 CSRF 令牌，请刷新页面后重试")
        user = auth.authenticate(session, name, password)
        if user is None:
            triage.audit(session, name[:100], "login.failed")
            return RedirectResponse(f"/login?error=1&next={quote(next)}", status_code=303)
        token = auth.start_session(session, user)
        triage.audit(session, user.name, "login")
        target = next if next.startswith("/") and not next.startswith("//") else "/"
        resp = RedirectResponse(target, status_code=303)
        resp.set_cookie(auth.COOKIE, token, httponly=True, samesite="lax", secure=request.url.scheme == "https",
                        max_age=auth.SESSION_DAYS * 86400)
        resp.delete_cookie(auth.LOGIN_CSRF_COOKIE)
        return resp

    @app.post("/logout", include_in_schema=False)
    def logout(request: Request, session: DB, who: Caller) -> Response:
        auth.end_session(session, request.cookies.get(auth.COOKIE, ""))
        triage.audit(session, who.user.name, "logout")
        resp = RedirectResponse("/login", status_code=303)
        resp.delete_cookie(auth.COOKIE)
        return resp

    # --- pages ---

    @app.get("/", include_in_schema=False)
    def home(request: Request, session: DB, region: str = "", organisation: str = "", year: str = "",
             kind: str = "") -> HTMLResponse:
        docs = _filtered(session, region, organisation, year, kind)
        options = {
            "regions": sorted(x for x in session.scalars(select(db.Document.region).distinct()) if x),
            "years": sorted((x for x in session.scalars(select(db.Document.year).distinct()) if x), reverse=True),
            "kinds": sorted(x for x in session.scalars(select(db.Document.kind).distinct()) if x),
        }
        return page(request, "index.html", docs=docs, options=options,
                    filters={"region": region, "organisation": organisation, "year": year, "kind": kind},
                    max_mb=settings.max_upload_mb)

    @app.post("/upload", include_in_schema=False)
    async def upload_form(request: Request, who: Caller, files: Annotated[list[UploadFile], File()],
                          region: Annotated[str, Form()] = "") -> Response:
        datas = [await _read_limited(f, settings.max_upload_mb * 2**20) for f in files]
        out = await _in_session(state, lambda session: _upload(state, session, who.user, files, region, datas))
        if not out["documents"]:
            return page(request, "message.html", title="上传失败",
                        lines=out["errors"] or ["没有可检查的文档"], status_code=400)
        return RedirectResponse(f"/batches/{out['batch']}", status_code=303)

    @app.get("/batches/{batch}", include_in_schema=False)
    def batch_page(request: Request, session: DB, batch: str) -> HTMLResponse:
        docs = list(session.scalars(select(db.Document).where(db.Document.batch == batch).order_by(db.Document.id)))
        if not docs:
            raise HTTPException(404, "没有这次上传")
        return page(request, "batch.html", batch=batch, docs=docs)

    @app.get("/documents/{doc_id}", include_in_schema=False)
    def document_page(request: Request, session: DB, doc_id: int) -> HTMLResponse:
        doc = _doc_or_404(session, doc_id)
        versions = list(session.scalars(select(db.Document).where(db.Document.doc_key == doc.doc_key,
                                                                  db.Document.id != doc.id)
                                        .order_by(db.Document.id.desc()))) if doc.doc_key else []
        return page(request, "document.html", doc=doc, findings=_findings(session, doc), versions=versions,
                    is_pdf=doc.format == "pdf", tables=_tables(state, doc))

    @app.post("/documents/{doc_id}/findings/{seq}/triage", include_in_schema=False)
    def triage_form(session: DB, who: Caller, doc_id: int, seq: int, state_: Annotated[str, Form(alias="state")],
                    comment: Annotated[str, Form()] = "") -> Response:
        doc = _doc_or_404(session, doc_id)
        row = _finding_row(session, doc, seq)
        try:
            triage.judge(session, who.user.name, doc.doc_key, row.fingerprint, state_, comment.strip(),
                         row.rule, row.message)
        except ValueError as e:
            raise HTTPException(400, str(e)) from e
        return RedirectResponse(f"/documents/{doc_id}#f{seq}", status_code=303)

    @app.get("/audit", include_in_schema=False)
    def audit_page(request: Request, session: DB) -> HTMLResponse:
        events = list(session.scalars(select(db.AuditEvent).where(db.AuditEvent.action != "job.done")
                                      .order_by(db.AuditEvent.id.desc()).limit(500)))
        return page(request, "audit.html", events=events)

    @app.post("/baseline", include_in_schema=False)
    async def baseline_form(request: Request, who: Caller, file: Annotated[UploadFile, File()]) -> Response:
        data = await _read_limited(file, 20 * 2**20)
        try:
            n = await _in_session(state, triage.import_baseline, who.user.name, data)
        except baseline.BaselineError as e:
            return page(request, "message.html", title="导入失败", lines=[str(e)], status_code=400)
        return page(request, "message.html", title="已导入基线", lines=[f"导入 {n} 条标记"])

    @app.get("/admin/users", include_in_schema=False)
    def users_page(request: Request, session: DB, who: Caller) -> HTMLResponse:
        auth.require_admin(who)
        users = list(session.scalars(select(db.User).order_by(db.User.name)))
        return page(request, "users.html", users=users)

    @app.post("/admin/users", include_in_schema=False)
    def users_add(request: Request, session: DB, who: Caller, name: Annotated[str, Form()],
                  password: Annotated[str, Form()], role: Annotated[str, Form()] = "reviewer") -> Response:
        auth.require_admin(who)
        try:
            auth.add_user(session, name, password, role)
        except auth.AccountError as e:
            return page(request, "message.html", title="无法添加用户", lines=[str(e)], status_code=400)
        triage.audit(session, who.user.name, "user.add", name.strip(), role=role)
        return RedirectResponse("/admin/users", status_code=303)

    def options(session: Session) -> dict[str, list]:
        def distinct(col) -> list:
            return sorted(x for x in session.scalars(select(col).distinct()) if x)

        return {"regions": distinct(db.Document.region), "years": distinct(db.Document.year)[::-1],
                "kinds": distinct(db.Document.kind), "organisations": distinct(db.Document.organisation)}

    @app.get("/compare/body", include_in_schema=False)
    def compare_body_page(request: Request, session: DB, organisation: str = "", kind: str = "") -> HTMLResponse:
        data = compare_body(state, session, organisation, kind)
        api = "/api/compare/body?" + urlencode({"organisation": organisation, "kind": kind})
        return page(request, "compare.html", mode="body", data=data, api=api, options=options(session),
                    filters={"organisation": organisation, "kind": kind})

    @app.get("/compare/region", include_in_schema=False)
    def compare_region_page(request: Request, session: DB, region: str = "", year: str = "",
                            kind: str = "") -> HTMLResponse:
        data = compare_region(state, session, region, year, kind)
        api = "/api/compare/region?" + urlencode({"region": region, "year": year, "kind": kind})
        return page(request, "compare.html", mode="region", data=data, api=api, options=options(session),
                    filters={"region": region, "year": year, "kind": kind})

    @app.get("/static/{name:path}", include_in_schema=False)
    def static(name: str) -> FileResponse:
        # only the files shipped in static/ (vendor/ included), never a path built from the request
        allowed = {p.relative_to(STATIC).as_posix(): p for p in STATIC.rglob("*") if p.is_file()}
        if name not in allowed:
            raise HTTPException(404, "没有这个文件")
        return FileResponse(allowed[name])

    # --- API ---

    @app.post("/api/uploads", summary="上传文档（可多个文件，或一个文件夹的 zip 压缩包）", tags=["文档"])
    async def api_upload(who: Caller, files: Annotated[list[UploadFile], File()],
                         region: Annotated[str, Form()] = "") -> JSONResponse:
        datas = [await _read_limited(f, settings.max_upload_mb * 2**20) for f in files]
        out = await _in_session(state, lambda session: _upload(state, session, who.user, files, region, datas))
        return JSONResponse(out, status_code=201 if out["documents"] else 400)

    @app.get("/api/batches/{batch}", summary="一次上传的检查进度", tags=["文档"])
    def api_batch(session: DB, batch: str) -> dict[str, object]:
        docs = list(session.scalars(select(db.Document).where(db.Document.batch == batch).order_by(db.Document.id)))
        if not docs:
            raise HTTPException(404, "没有这次上传")
        done = sum(d.state in jobs.FINAL for d in docs)
        return {"batch": batch, "total": len(docs), "finished": done, "complete": done == len(docs),
                "documents": [_doc_json(d) for d in docs]}

    @app.get("/api/documents", summary="文档列表（按批量报告的顺序排列：错误多、未完整检查的在前）", tags=["文档"])
    def api_documents(session: DB, region: str = "", organisation: str = "", year: str = "", kind: str = "",
                      all_versions: bool = False) -> list[dict[str, object]]:
        return [_doc_json(d) for d in _filtered(session, region, organisation, year, kind, not all_versions)]

    @app.get("/api/documents/{doc_id}", summary="一个文档的状态与识别信息", tags=["文档"])
    def api_document(session: DB, doc_id: int) -> dict[str, object]:
        return _doc_json(_doc_or_404(session, doc_id))

    @app.get("/api/documents/{doc_id}/findings", summary="一个文档的问题（含标记）", tags=["问题"])
    def api_findings(session: DB, doc_id: int) -> list[dict[str, object]]:
        return _findings(session, _doc_or_404(session, doc_id))

    @app.get("/api/documents/{doc_id}/findings/{seq}/image", summary="问题所在页面图（PNG，问题单元格已框出）",
             tags=["问题"], response_class=FileResponse)
    def api_image(doc_id: int, seq: int) -> FileResponse:
        with state.factory.begin() as session:  # closed before the pages are rendered (seconds)
            doc = _doc_or_404(session, doc_id)
            _finding_row(session, doc, seq)
        path = _page_image(state, doc, seq)
        if path is None:
            raise HTTPException(404, "该问题没有可显示的页面图（非 PDF 文档或没有可定位的单元格）")
        return FileResponse(path, media_type="image/png")

    @app.post("/api/documents/{doc_id}/findings/{seq}/triage", summary="标记一个问题（state 为空则清除）",
              tags=["问题"])
    def api_triage(session: DB, who: Caller, doc_id: int, seq: int, body: TriageIn) -> dict[str, object]:
        doc = _doc_or_404(session, doc_id)
        row = _finding_row(session, doc, seq)
        triage.judge(session, who.user.name, doc.doc_key, row.fingerprint, body.state, body.comment.strip(),
                     row.rule, row.message)
        return {"fingerprint": row.fingerprint, "state": body.state}

    @app.get("/api/documents/{doc_id}/original", summary="下载原始文件", tags=["文档"])
    def api_original(session: DB, doc_id: int) -> FileResponse:
        doc = _doc_or_404(session, doc_id)
        return FileResponse(jobs.original_path(settings.data, doc), filename=doc.original_name)

    @app.get("/api/documents/{doc_id}/report.{fmt}", summary="报告（json、html、xlsx、pdf 批注版，与命令行相同）", tags=["报告"])
    def api_report(doc_id: int, fmt: str) -> Response:
        with state.factory.begin() as session:  # closed before the report is rendered
            doc = _doc_or_404(session, doc_id)
        return _report(state, [doc], fmt, Path(doc.original_name).stem)

    @app.get("/api/report.{fmt}", tags=["报告"],
             summary="多个文档的报告：文档列表的筛选条件（地区、单位、年度、类型），或 ids=1,2,3（如比较页的文档）；"
                     "pdf 为各 PDF 批注版的 zip")
    def api_reports(fmt: str, region: str = "", organisation: str = "", year: str = "", kind: str = "",
                    ids: str = "") -> Response:
        with state.factory.begin() as session:  # closed before the report is rendered
            if ids:
                wanted = [int(x) for x in ids.split(",") if x.strip().isdigit()]
                docs = [d for d in (session.get(db.Document, i) for i in wanted) if d is not None]
            else:
                docs = _filtered(session, region, organisation, year, kind)
        docs = [d for d in docs if d.state in jobs.FINAL]
        return _report(state, docs, fmt, "budgetlint-report")

    @app.get("/api/baseline", summary="导出基线文件（与 check --baseline 相同格式）", tags=["标记"])
    def api_baseline_export(session: DB) -> Response:
        return Response(triage.export_baseline(session), media_type="application/json",
                        headers={"Content-Disposition": "attachment; filename=baseline.json"})

    @app.post("/api/baseline", summary="导入基线文件", tags=["标记"])
    async def api_baseline_import(who: Caller, file: Annotated[UploadFile, File()]) -> dict[str, int]:
        data = await _read_limited(file, 20 * 2**20)
        try:
            return {"imported": await _in_session(state, triage.import_baseline, who.user.name, data)}
        except baseline.BaselineError as e:
            raise HTTPException(400, str(e)) from e

    @app.get("/api/audit", summary="操作记录（谁、何时、做了什么）", tags=["标记"])
    def api_audit(session: DB, limit: int = 200) -> list[dict[str, object]]:
        rows = session.scalars(select(db.AuditEvent).order_by(db.AuditEvent.id.desc()).limit(min(limit, 5000)))
        return [{"at": e.at.isoformat(timespec="seconds"), "user": e.user, "action": e.action, "target": e.target,
                 "detail": e.detail} for e in rows]

    @app.get("/api/compare/body", summary="一个单位各年度比较（收支结构、三公、基本/项目、问题类别；金额单位万元）",
             tags=["比较"])
    def api_compare_body(session: DB, organisation: str, kind: str = "") -> dict[str, object]:
        return compare_body(state, session, organisation, kind)

    @app.get("/api/compare/region", summary="一个地区各单位比较（可限定年度、类型；金额单位万元）", tags=["比较"])
    def api_compare_region(session: DB, region: str, year: str = "", kind: str = "") -> dict[str, object]:
        return compare_region(state, session, region, year, kind)

    @app.get("/api/stats", summary="任务计数", tags=["文档"])
    def api_stats(session: DB) -> dict[str, int]:
        return dict(session.execute(select(db.Document.state, func.count()).group_by(db.Document.state)).all())

    @app.post("/api/tokens", summary="为当前用户生成一个 API 令牌（只返回一次）", tags=["账户"], status_code=201)
    def api_token(session: DB, who: Caller, body: TokenIn) -> dict[str, str]:
        user = session.get(db.User, who.user.id)
        token = auth.new_api_token(session, user, body.label)
        triage.audit(session, who.user.name, "token.add", who.user.name, label=body.label)
        return {"token": token}

    @app.get("/api/openapi.json", include_in_schema=False)
    def openapi() -> dict[str, object]:
        return app.openapi()

    @app.get("/api/docs", include_in_schema=False)
    def api_docs(request: Request) -> HTMLResponse:
        return page(request, "api_docs.html", spec=app.openapi())

    return app
