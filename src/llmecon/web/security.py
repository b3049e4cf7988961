"""The dashboard's guard, in front of every route (a plain ASGI middleware):

- the Host header must name an allowed host (on loopback: localhost, 127.0.0.1, [::1]), so
  a web page on another name that resolves to 127.0.0.1 cannot talk to it (DNS rebinding);
- with a token, every request must carry it (``Authorization: Bearer TOKEN`` or
  ``?token=TOKEN``), compared in constant time as bytes (any characters, never a 500);
- a request body may hold at most ``max_body_bytes`` (413 otherwise, before it is read).
"""

from __future__ import annotations

import hmac
import json
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qs

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class ClientGone(Exception):
    """The client disconnected before its whole body arrived."""


class BodyTooLarge(HTTPException):
    """A body over the limit, noticed while it is read (no Content-Length given)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body over the limit of {limit:,} bytes")


def host_name(value: str) -> str:
    """The host of a Host header without its port, lower case.

    >>> host_name("LOCALHOST:8000"), host_name("[::1]:80"), host_name("127.0.0.1")
    ('localhost', '[::1]', '127.0.0.1')
    >>> host_name("[::1]evil.com")  # not [::1] with a port: kept whole, so refused
    '[::1]evil.com'
    """
    v = value.strip().lower()
    if v.startswith("["):  # "[::1]" or "[::1]:80"; anything else after "]" is not a port
        end = v.find("]") + 1
        rest = v[end:] if end else ""
        return v[:end] if end and (rest == "" or (rest[:1] == ":" and rest[1:].isdigit())) \
            else v
    name, sep, port = v.rpartition(":")
    return name if sep and port.isdigit() else v


def given_token(scope: Scope) -> bytes:
    """The token a request carries (header first, then the query), as bytes."""
    for key, value in scope.get("headers", ()):
        if key.lower() == b"authorization":
            header = bytes(value).removeprefix(b"Bearer ").strip()
            if header:
                return header
    raw: bytes = scope.get("query_string", b"")
    query: dict[str, list[str]] = parse_qs(raw.decode("latin-1"), errors="replace")
    return query.get("token", [""])[0].encode("utf-8")


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


#: Headers on every response: the pages may not be framed by another site.
FRAME_HEADERS = ((b"x-frame-options", b"DENY"),
                 (b"content-security-policy", b"frame-ancestors 'none'"))
#: Most validation errors a response lists (a body of 100,000 bad keys got them all back).
MAX_ERRORS = 20
#: The longest input compared with the allowed values for a suggestion (difflib's time
#: grows with the product of the lengths).
MAX_CHOICE_INPUT = 64


async def reject(send: Send, status: int, detail: str,
                 headers: Sequence[tuple[bytes, bytes]] = ()) -> None:
    body = json.dumps({"detail": detail}).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()), *FRAME_HEADERS,
                            *headers]})
    await send({"type": "http.response.body", "body": body})


#: Query parameters that are lists (repeated once per value).
LIST_PARAMETERS = ("companies",)


def known_query(request: Request) -> None:
    """A router dependency: a query parameter the endpoint does not take, or one that is not
    a list given twice, is refused (422): a typo (``?perod=FY2024``) was ignored and answered
    for the latest period, and of a parameter given twice the last value won."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    taken = {p.alias for p in dependant.query_params} if dependant is not None else set()
    unknown = sorted(set(request.query_params) - taken - {"token"})
    if unknown:
        raise HTTPException(422, f"unknown query parameter(s) {', '.join(map(repr, unknown))};"
                                 f" this endpoint takes {', '.join(sorted(taken)) or 'none'}")
    keys = [k for k, _ in request.query_params.multi_items()]
    twice = [k for k in set(keys) if keys.count(k) > 1 and k not in LIST_PARAMETERS]
    if twice:
        raise HTTPException(422, f"query parameter {sorted(twice)[0]!r} is given more than "
                                 f"once; give it once (only {', '.join(LIST_PARAMETERS)} may "
                                 "repeat)")


class Guard:
    """Host check, token and body limit for an ASGI app."""

    def __init__(self, app: ASGIApp, *, token: str | None,
                 allowed_hosts: Sequence[str] | None, max_body_bytes: int) -> None:
        self.app = app
        self.token = None if token is None else token.encode("utf-8")
        self.allowed = None if allowed_hosts is None else {h.lower() for h in allowed_hosts}
        self.max_body = max_body_bytes

    def _problem(self, scope: Scope) -> tuple[int, str] | None:
        if self.allowed is not None:
            host = _header(scope, b"host")
            if host is None or host_name(host) not in self.allowed:
                return 400, ("this server answers only to the host names "
                             f"{', '.join(sorted(self.allowed))} (Host header refused)")
        if self.token is not None and not hmac.compare_digest(given_token(scope), self.token):
            return 401, ("a valid token is required (Authorization: Bearer TOKEN, "
                         "or ?token=TOKEN)")
        length = _header(scope, b"content-length")
        if length is not None:
            if not length.strip().isdigit():
                return 400, "Content-Length: expected a whole number of bytes"
            if int(length) > self.max_body:
                return 413, f"request body over the limit of {self.max_body:,} bytes"
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        problem = self._problem(scope)
        if problem is not None:
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
            else:
                await reject(send, *problem)
            return
        await self._limited(scope, receive, send)

    async def _limited(self, scope: Scope, receive: Receive, send: Send) -> None:
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise BodyTooLarge(self.max_body)
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                # no other site may frame the dashboard (and trick a click on "run")
                message = {**message, "headers": [*message.get("headers", ()),
                                                  *FRAME_HEADERS]}
            await send(message)

        try:
            app_receive: Receive = limited_receive
            if _json_body(scope):
                body, app_receive = await _buffered(limited_receive, receive)
                twice = duplicate_key(body)
                if twice is not None:  # json.loads keeps the last and the app never knows
                    await reject(send, 422, f"body: key {twice[:60]!r} given twice (give "
                                 "each key once)")
                    return
            await self.app(scope, app_receive, watched_send)
        except BodyTooLarge as e:
            if started:
                raise
            await reject(send, 413, str(e.detail))
        except ClientGone:
            return


def _json_body(scope: Scope) -> bool:
    """A request whose body the routes read as JSON: a POST, PUT or PATCH without a
    Content-Type, or of application/json or application/...+json (FastAPI's rule).

    >>> s = {"type": "http", "method": "POST", "headers": []}
    >>> _json_body(s), _json_body({**s, "headers": [(b"content-type", b"text/plain")]})
    (True, False)
    >>> _json_body({**s, "headers": [(b"content-type", b"application/merge-patch+json")]})
    True
    """
    if scope["type"] != "http" or scope.get("method") not in ("POST", "PUT", "PATCH"):
        return False
    given = _header(scope, b"content-type")
    if given is None:
        return True
    main, _, sub = given.split(";")[0].strip().lower().partition("/")
    return main == "application" and (sub == "json" or sub.endswith("+json"))


async def _buffered(read: Receive, receive: Receive) -> tuple[bytes, Receive]:
    """The whole body (read through ``read``, the size limit on it), and a receive that
    hands it to the app once, then passes on whatever comes next (a disconnect)."""
    chunks: list[bytes] = []
    while True:
        message = await read()
        if message["type"] != "http.request":  # the client went away: nothing to answer
            raise ClientGone
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    given = False

    async def replay() -> Message:
        nonlocal given
        if given:
            return await receive()
        given = True
        return {"type": "http.request", "body": body, "more_body": False}
    return body, replay


def duplicate_key(body: bytes) -> str | None:
    """The first key given twice in an object of a JSON body (None: none, or not JSON,
    which the route refuses itself).

    >>> duplicate_key(b'{"gpus": 8, "gpus": 9}'), duplicate_key(b'{"a": {"b": 1}, "b": 2}')
    ('gpus', None)
    """
    found: list[str] = []

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: set[str] = set()
        for k, _ in pairs:
            if k in seen and not found:
                found.append(k)
            seen.add(k)
        return dict(pairs)

    try:
        json.loads(body, object_pairs_hook=pairs_hook)
    except (ValueError, RecursionError):
        return None
    return found[0] if found else None


def trimmed_errors(errors: Sequence[Any], max_chars: int) -> list[dict[str, Any]]:
    """Validation errors without the rejected input (only a short preview of it), so a
    large body is never sent back."""

    def cut(text: str) -> str:
        return text if len(text) <= max_chars else text[:max_chars - 3] + "..."

    out: list[dict[str, Any]] = []
    for e in errors[:MAX_ERRORS]:
        item = {"loc": [cut(str(p)) if isinstance(p, str) else p for p in e.get("loc", ())],
                "msg": choice_message(e) or cut(str(e.get("msg", ""))),
                "type": str(e.get("type", ""))}
        if "input" in e:
            item["input"] = cut(repr(e["input"]))
        out.append(item)
    if len(errors) > MAX_ERRORS:
        out.append({"loc": [], "msg": f"and {len(errors) - MAX_ERRORS:,} more errors",
                    "type": "more_errors"})
    return out


#: Error types whose message lists the allowed values (the server's, not the user's input).
CHOICE_ERRORS = ("enum", "literal_error")


def choice_message(e: Any) -> str | None:
    """The message of a value that is not one of the allowed ones (an enum or literal, or
    a validator's :class:`~llmecon.config.web.ServerWords`): every allowed value (they are
    the server's, so not cut like an echo of the input) and the closest to what was given;
    None for any other error.

    >>> choice_message({"type": "enum", "input": "minmax",
    ...                 "ctx": {"expected": "'minimax', 'mobvoi' or 'zhipu'"}})
    "Input should be 'minimax', 'mobvoi' or 'zhipu'; did you mean 'minimax'?"
    """
    from llmecon.config.web import ServerWords
    from llmecon.errors import did_you_mean

    if e.get("type") == "value_error" and isinstance((e.get("ctx") or {}).get("error"),
                                                     ServerWords):
        return str(e["ctx"]["error"])  # the server's words (allowed values, known names), uncut
    expected = (e.get("ctx") or {}).get("expected")
    if e.get("type") not in CHOICE_ERRORS or not isinstance(expected, str):
        return None
    given = e.get("input")
    hint = did_you_mean(given[:MAX_CHOICE_INPUT], re.findall(r"'([^']*)'", expected)) \
        if isinstance(given, str) else ""
    return f"Input should be {expected}" + (f"; {hint}" if hint else "")
