"""``llmecon serve`` binds its socket before it says it listens: a port in use or a host
that cannot be resolved is one line and exit 2 (audit attack23 M4, where both printed
"listening on ..." first and then uvicorn's own ERROR line with exit 3). Real sockets; no
server is left running (uvicorn's loop is replaced by a stand-in that returns at once)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from llmecon.cli.app import main
from llmecon.errors import InputError
from llmecon.web.listen import bind, is_loopback, url


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.fixture()
def busy_port() -> Iterator[int]:
    """A port another socket already listens on (127.0.0.1)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        yield int(s.getsockname()[1])


@pytest.fixture()
def no_loop(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """uvicorn's server loop replaced: records what it was handed and returns."""
    import uvicorn

    seen: list[dict[str, Any]] = []

    def run(self: Any, sockets: list[socket.socket] | None = None) -> None:
        assert sockets is not None
        seen.append({"config": self.config, "address": sockets[0].getsockname(),
                     "family": sockets[0].family})

    monkeypatch.setattr(uvicorn.Server, "run", run)
    return seen


def test_a_port_in_use_is_named_before_anything_is_printed(busy_port: int) -> None:
    with pytest.raises(InputError) as e:
        bind("127.0.0.1", busy_port)
    assert str(e.value).startswith(f"--port {busy_port}: address already in use")


def test_serve_on_a_port_in_use_exits_2_with_one_line(
        busy_port: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["serve", "--port", str(busy_port), "--store", str(tmp_path / "r.duckdb")])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""  # no "listening on" for a server that never listened
    assert err.startswith(f"llmecon: error: --port {busy_port}: address already in use")
    assert err.count("\n") == 1


@pytest.mark.parametrize("host", ["no.such.host.invalid", "999.1.1.1"])
def test_a_host_that_cannot_be_resolved_exits_2_naming_it(
        host: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # '.invalid' is reserved never to resolve (RFC 2606); 999 is no IPv4 octet
    code = main(["serve", "--host", host, "--store", str(tmp_path / "r.duckdb")])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith(f"llmecon: error: --host {host}: cannot be resolved")
    assert err.count("\n") == 1


def test_an_empty_host_is_refused() -> None:
    with pytest.raises(InputError, match=r"^--host: expected a host name .*found ''$"):
        bind("", 8000)


def test_ipv6_loopback_is_loopback_with_or_without_brackets() -> None:
    assert is_loopback("[::1]") and is_loopback("::1") and is_loopback("LOCALHOST")
    assert not is_loopback("0.0.0.0") and not is_loopback("[::]")
    assert url("[::1]", 18734) == "http://[::1]:18734/"  # was http://[[::1]]:18734/
    assert url("::1", 18734) == "http://[::1]:18734/"


@pytest.mark.skipif(not _ipv6_loopback(), reason="no IPv6 loopback on this machine")
@pytest.mark.parametrize("host", ["[::1]", "::1"])
def test_serve_on_ipv6_loopback_binds_it_and_makes_no_token(
        host: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        no_loop: list[dict[str, Any]]) -> None:
    # port 0 is refused by the CLI (1-65535): bind a free one first, release it, use it
    with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
        s.bind(("::1", 0))
        port = int(s.getsockname()[1])
    code = main(["serve", "--host", host, "--port", str(port), "--store",
                 str(tmp_path / "r.duckdb")])
    out, _ = capsys.readouterr()
    assert code == 0
    assert out == f"llmecon dashboard: listening on http://[::1]:{port}/ (Ctrl+C to stop)\n"
    (run,) = no_loop
    assert run["family"] == socket.AF_INET6 and run["address"][:2] == ("::1", port)


def test_the_start_line_comes_after_the_bind(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        no_loop: list[dict[str, Any]]) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    assert main(["serve", "--port", str(port), "--store", str(tmp_path / "r.duckdb")]) == 0
    out, _ = capsys.readouterr()
    assert out == f"llmecon dashboard: listening on http://127.0.0.1:{port}/ (Ctrl+C to stop)\n"
    (run,) = no_loop
    assert run["address"] == ("127.0.0.1", port)
