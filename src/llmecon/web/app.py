"""The dashboard: compare companies, an inference cost calculator, stress tests run in the
background with progress, and the saved runs.

It listens on loopback unless told otherwise, and then requires a token. On loopback it
answers only to the host names localhost, 127.0.0.1 and [::1] (DNS rebinding). Request
bodies are limited to 1 MB; simulations are bounded per client and in all, can be cancelled
and have a time limit. It reads the bundled data, the run store and the company files its
operator gave at launch (``llmecon serve --company PATH``, read and checked once, before it
listens): companies are chosen by id, never by path.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response

from llmecon.config.web import LOOPBACK_HOSTS, MAX_ECHO_CHARS, WebLimits
from llmecon.errors import InputError, LlmeconError, NotFoundError
from llmecon.statements.model import Company
from llmecon.web import routes_data, routes_sim
from llmecon.web.jobs import JobQueue
from llmecon.web.listen import bind, is_loopback, url
from llmecon.web.security import Guard, trimmed_errors

#: Advice for the command line, which a browser's user cannot follow (a hostile-input audit).
#: Shortest token accepted off loopback (a made-up one has 22 characters).
MIN_TOKEN_CHARS = 16
_CLI_ADVICE = re.compile(r" \(or add yours with --catalog FILE\)|; add one with --fx FILE "
                         r"\([^)]*\)")


async def _domain_error(_: Request, exc: Exception) -> JSONResponse:
    code = 404 if isinstance(exc, NotFoundError) else 400
    return JSONResponse({"detail": _CLI_ADVICE.sub("", str(exc))}, status_code=code)


async def _invalid(_: Request, exc: Exception) -> JSONResponse:
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    return JSONResponse({"detail": trimmed_errors(errors, MAX_ECHO_CHARS)}, status_code=422)


def _index() -> str:
    from importlib import resources

    return resources.files("llmecon").joinpath("web/static/index.html") \
        .read_text(encoding="utf-8")


def _favicon() -> Response:
    """The page's icon (the SVG of its ``<link rel="icon">``, one source) for a client
    that asks for ``/favicon.ico`` itself."""
    import re
    from urllib.parse import unquote

    found = re.search(r'<link rel="icon" href="data:image/svg\+xml,([^"]+)"', _index())
    if found is None:  # the page lost its icon: say so, as any missing file
        return Response(status_code=404)
    return Response(unquote(found.group(1)), media_type="image/svg+xml",
                    headers={"Cache-Control": "max-age=86400"})


def _plotly_js() -> Response:
    from llmecon.report.html import plotly_js

    return Response(plotly_js(), media_type="application/javascript")


def create_app(store: str | Path | None = None, token: str | None = None,
               max_paths: int | None = None, limits: WebLimits | None = None,
               memory_budget_bytes: int | None = None,
               companies: Sequence[Company] = ()) -> FastAPI:
    """The dashboard app. ``token`` (if given) is required on every request; ``limits``
    bound bodies, jobs, memory and accepted host names (``max_paths`` caps the paths of a
    job, ``memory_budget_bytes`` its planned memory); ``companies`` (loaded companies, see
    :func:`llmecon.web.companies.load_launch_companies`) are offered beside the bundled
    ones, by id."""
    from llmecon.store.runs import RunStore
    from llmecon.web.companies import CompanyBook

    limits = limits or WebLimits()
    changes = {k: v for k, v in (("max_paths", max_paths),
                                  ("memory_budget_bytes", memory_budget_bytes)) if v is not None}
    if changes:  # validated like any other limits
        limits = WebLimits.model_validate({**limits.model_dump(), **changes})
    # no /docs or /redoc: their pages load scripts from a CDN (nothing downloads at run time,
    # and under --token they could not read the schema); /openapi.json is the schema
    app = FastAPI(title="llmecon", version="0.1.0", docs_url=None, redoc_url=None,
                  description="Economics of large-model companies: compare, inference cost, "
                              "stress tests, saved runs.")
    book = CompanyBook(companies)
    jobs = JobQueue(limits)
    app.state.jobs = jobs
    app.add_middleware(Guard, token=token, allowed_hosts=limits.allowed_hosts,
                       max_body_bytes=limits.max_body_bytes)
    app.add_exception_handler(LlmeconError, _domain_error)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_api_route("/", _index, methods=["GET"], response_class=HTMLResponse,
                      include_in_schema=False)
    app.add_api_route("/favicon.ico", _favicon, methods=["GET"], include_in_schema=False)
    app.add_api_route("/static/plotly.min.js", _plotly_js, methods=["GET"],
                      include_in_schema=False)
    app.include_router(routes_data.router(book))
    app.include_router(routes_sim.router(jobs, RunStore(store), book))
    app.router.add_event_handler("shutdown", jobs.shutdown)
    return app


def start_line(host: str, port: int, token: str | None, *, made: bool) -> str:
    """What ``llmecon serve`` prints once it listens: the URL, and the token when it made
    one (a token the user gave is not echoed).

    >>> start_line("127.0.0.1", 8000, None, made=False)
    'llmecon dashboard: listening on http://127.0.0.1:8000/ (Ctrl+C to stop)'
    >>> start_line("[::1]", 8080, "t", made=False).split(" (")[0]
    'llmecon dashboard: listening on http://[::1]:8080/'
    """
    link = url(host, port)
    if made:
        return (f"llmecon dashboard: listening on {link}: requests need the token {token} "
                f"(open {link}?token={token}; Ctrl+C to stop)")
    need = "requests need the --token given; " if token else ""
    return f"llmecon dashboard: listening on {link} ({need}Ctrl+C to stop)"


def check_token(token: str | None, *, loopback: bool) -> None:
    """Refuse an empty or blank token (``--token ''`` silently meant no token), one with
    spaces around it (a Bearer header's value is trimmed) and, off loopback, one shorter
    than :data:`MIN_TOKEN_CHARS` characters."""
    if token is None:
        return
    if not token.strip():
        raise InputError(f"--token: {'empty' if not token else 'blank'}; give a token (off "
                         f"loopback at least {MIN_TOKEN_CHARS} characters), or leave --token "
                         "out")
    if token != token.strip():
        raise InputError("--token: has spaces at its start or end (a request's header "
                         "drops them); give the token without them")
    if not loopback and len(token) < MIN_TOKEN_CHARS:
        raise InputError(f"--token: {len(token)} characters; off loopback a token needs at "
                         f"least {MIN_TOKEN_CHARS} (leave --token out to have one made)")


def serve(host: str = "127.0.0.1", port: int = 8000, token: str | None = None,
          store: str | None = None, allowed_hosts: tuple[str, ...] | None = None, *,
          max_paths: int | None = None, memory_budget_bytes: int | None = None,
          companies: Sequence[str | Path] = ()) -> None:
    """Run the dashboard with uvicorn. Off loopback a token is required (one is made) and
    any Host is accepted unless ``allowed_hosts`` names them; on loopback (127.0.0.1, ::1
    or [::1], localhost) only the loopback names are accepted unless ``allowed_hosts`` adds
    others. ``companies`` are company files (YAML or CSV) shown beside the bundled
    companies: each is loaded and checked before the server listens (an error names the
    file and the field, as ``llmecon validate``).

    The socket is bound before the start line is printed: a port in use or a host that
    cannot be resolved raises :class:`~llmecon.errors.InputError` naming the flag."""
    import uvicorn

    from llmecon.store.runs import RunStore
    from llmecon.web.companies import load_launch_companies

    loopback = is_loopback(host)
    check_token(token, loopback=loopback)
    extra = load_launch_companies(companies)  # a bad file: one line, exit 2, before binding
    RunStore(store).check(read_existing=True)  # not found by every job at its save
    made = not loopback and not token
    if made:
        token = secrets.token_urlsafe(16)
    hosts = (*LOOPBACK_HOSTS, *(allowed_hosts or ())) if loopback else allowed_hosts
    app = create_app(store, token, max_paths, WebLimits(allowed_hosts=hosts),
                     memory_budget_bytes, extra)
    sock = bind(host, port)  # a port in use, a host unknown: one line, exit 2
    print(start_line(host, port, token, made=made), flush=True)
    # proxy_headers off: X-Forwarded-For from a local client must not pose as another
    # client (the per-client job limit is by address)
    config = uvicorn.Config(app, log_level="warning", proxy_headers=False)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
