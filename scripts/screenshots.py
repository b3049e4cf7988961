"""Screenshots of the HTML report and the dashboard for docs/reports.md (make screenshots).

    python scripts/screenshots.py docs
"""

from __future__ import annotations

import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]


def main(out: str) -> None:
    import uvicorn
    from playwright.sync_api import sync_playwright

    from llmecon.cli import main as cli
    from llmecon.web.app import create_app

    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp())
    report = tmp / "report.html"
    cli(["report", "zhipu", "minimax", "--paths", "5000", "-o", str(report)])
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(tmp / "runs.duckdb"), host="127.0.0.1",
                                        port=port, log_level="warning"))
    threading.Thread(target=srv.run, daemon=True).start()
    while not srv.started:
        time.sleep(0.05)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = b.new_page(viewport={"width": 1400, "height": 900})
        page.goto(report.as_uri())
        page.wait_for_load_state("load")
        page.screenshot(path=str(folder / "report-tables.png"))
        page.locator("#trends").scroll_into_view_if_needed()
        page.locator("#trends").screenshot(path=str(folder / "report-trends.png"))
        page.locator("#stress").screenshot(path=str(folder / "report-stress.png"))
        page.goto(f"http://127.0.0.1:{port}/")
        page.wait_for_selector("#company-zhipu")
        page.check("#company-zhipu")
        page.check("#company-minimax")
        page.click("#compare-btn")
        page.wait_for_selector("#compare-result table")
        page.select_option("#sim-company", "minimax")
        page.check("#stress-price-war")
        page.click("#sim-btn")
        page.wait_for_selector("#sim-done", timeout=120_000)
        page.locator("#stress").screenshot(path=str(folder / "dashboard-stress.png"))
        page.screenshot(path=str(folder / "dashboard.png"))
        b.close()
    srv.should_exit = True
    print(f"wrote screenshots to {folder}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs")
