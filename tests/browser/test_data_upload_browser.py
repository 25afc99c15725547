"""Issue 15, finding 1, end to end: files uploaded under a path-like name (`../../x.csv`, `/tmp/x.csv`) write nothing there."""

import re
import tempfile
import uuid
from pathlib import Path

from playwright.sync_api import expect

from portfolio_engine import storage
from portfolio_engine.security import access
from tests.browser.waiting import idle

ROOT = Path(__file__).resolve().parents[2]
PASSCODE = "browser-steward-pass"
VALUES = b"geo_id,geo_level,indicator_id,period_label,value\nriverside,city,poverty,2023,21.5\n"


def test_path_like_upload_names_write_nothing_outside_the_upload_folder(browser, server, server_db, monkeypatch):
    monkeypatch.setenv("PORTFOLIO_DB", str(server_db))
    monkeypatch.delenv("PORTFOLIO_STEWARD_FILE", raising=False)
    access.set_steward(PASSCODE)  # steward.hash beside the server's database, where the server looks
    stem = f"issue15-{uuid.uuid4().hex}"
    relative, absolute = f"../../{stem}.csv", f"{tempfile.gettempdir()}/{stem}-abs.csv"
    targets = {(Path(tempfile.gettempdir()) / "upload" / relative).resolve(), (ROOT / relative).resolve(), ROOT / f"{stem}.csv",
               Path(absolute)}

    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(f"{server}/data")
    expect(page.get_by_text("Import a file", exact=True)).to_be_visible(timeout=30_000)
    idle(page)
    page.get_by_text("Import a file", exact=True).click()
    expect(page.get_by_label("Data steward passcode")).to_be_visible(timeout=20_000)
    idle(page)
    page.get_by_label("Data steward passcode").fill(PASSCODE)
    page.get_by_role("button", name="Sign in as data steward").click()
    # signed in: the importer replaces the form (one clean-clone run on a busy machine waited more than 20 s for it)
    expect(page.get_by_role("button", name="Sign out (data steward)")).to_be_visible(timeout=60_000)
    for number, name in enumerate((relative, absolute)):
        chooser = page.locator("input[type=file]")
        expect(chooser).to_have_count(1, timeout=20_000)
        chooser.set_input_files({"name": name, "mimeType": "text/csv", "buffer": VALUES.replace(b"21.5", str(20 + number).encode())})
        imported = page.get_by_text(re.compile("Imported 1 values"))
        expect(imported).to_have_count(0, timeout=20_000)  # the new file's rerun cleared the previous message
        page.get_by_role("button", name="Import", exact=True).click()
        expect(imported).to_be_visible(timeout=30_000)
    page.close()

    assert not [target for target in targets if target.exists()]
    with storage.reading(server_db) as db:
        names = [row["file_name"] for row in storage.select(db, "provenance", order="imported_at")]
    assert len(names) == 2 and not any("/" in name for name in names)
