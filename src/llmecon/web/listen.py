"""Where ``llmecon serve`` listens: the ``--host`` as given read once (``[::1]`` and ``::1``
alike), whether it is loopback, its URL, and the listening socket, bound before anything is
printed so that a port in use or a host that cannot be resolved is one line and exit 2.
"""

from __future__ import annotations

import errno
import socket

from llmecon.errors import InputError

#: Hosts (as :func:`bare_host` gives them) that only this machine can reach.
LOOPBACK = ("127.0.0.1", "::1", "localhost")


def bare_host(host: str) -> str:
    """``host`` without the brackets an IPv6 address takes in a URL, lower case.

    >>> bare_host("[::1]"), bare_host("::1"), bare_host("LocalHost"), bare_host(" 0.0.0.0 ")
    ('::1', '::1', 'localhost', '0.0.0.0')
    """
    h = host.strip().lower()
    return h[1:-1] if h.startswith("[") and h.endswith("]") else h


def is_loopback(host: str) -> bool:
    """Whether ``host`` is one of the loopback names (:data:`LOOPBACK`), with or without
    brackets.

    >>> is_loopback("[::1]"), is_loopback("::1"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    return bare_host(host) in LOOPBACK


def url(host: str, port: int) -> str:
    """The dashboard's URL: an IPv6 address in brackets, once.

    >>> url("[::1]", 8000), url("::1", 8000), url("127.0.0.1", 80)
    ('http://[::1]:8000/', 'http://[::1]:8000/', 'http://127.0.0.1:80/')
    """
    h = bare_host(host)
    return f"http://{f'[{h}]' if ':' in h else h}:{port}/"


def _address(host: str, port: int) -> tuple[socket.AddressFamily, tuple[object, ...]]:
    """The family and socket address ``host`` resolves to (IPv4 first, as uvicorn binds);
    :class:`InputError` naming ``--host`` when it resolves to nothing."""
    h = bare_host(host)
    if not h or any(c.isspace() or not c.isprintable() for c in h) or len(h) > 253:
        raise InputError("--host: expected a host name or an IP address (127.0.0.1, ::1, "
                         f"0.0.0.0, localhost), found {host[:80]!r}")
    try:
        found = socket.getaddrinfo(h, port, type=socket.SOCK_STREAM,
                                   flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as e:
        why = e.strerror if isinstance(e, socket.gaierror) and e.strerror else str(e)
        raise InputError(f"--host {host}: cannot be resolved ({why}); expected a host "
                         "name or an IP address of this machine") from None
    best = next((a for a in found if a[0] == socket.AF_INET), found[0])
    return best[0], best[4]


def bind(host: str, port: int) -> socket.socket:
    """A socket bound to ``host``:``port`` and listening, for uvicorn to serve on.

    Raises :class:`InputError` naming the flag at fault: ``--port N: address already in
    use``, ``--host X: cannot be resolved``, ``--host X: not an address of this machine``.
    """
    family, address = _address(host, port)
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        # as uvicorn does: a port left in TIME_WAIT by a stopped server can be bound again
        # (a port another server listens on still cannot)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as e:
        sock.close()
        raise InputError(_bind_error(host, port, e)) from None
    sock.set_inheritable(True)
    return sock


def _bind_error(host: str, port: int, e: OSError) -> str:
    """The one line for a failed bind, naming the flag at fault."""
    if e.errno == errno.EADDRINUSE:
        return f"--port {port}: address already in use (another server listens on it)"
    if e.errno == errno.EADDRNOTAVAIL:
        return (f"--host {host}: not an address of this machine (expected one of its "
                "addresses, 127.0.0.1, ::1 or 0.0.0.0)")
    if e.errno == errno.EACCES:
        return f"--port {port}: permission denied (ports below 1024 need privileges)"
    return f"--host {host} --port {port}: cannot listen ({e.strerror or e})"
