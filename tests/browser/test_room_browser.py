"""Two people in Chromium through `make serve`'s nginx: each moves a slider, sees their own result and downloads it."""

import json
import re

import pytest
from playwright.sync_api import expect

from serving.room import free_port, serve_room


@pytest.fixture(scope="module")
def room(nginx, tmp_path_factory):
    folder = tmp_path_factory.mktemp("room")
    with serve_room("127.0.0.1", free_port(), 2, {"PORTFOLIO_DB": str(folder / "portfolio.db")}, folder / "run") as served:
        yield served


def test_people_in_a_room_each_see_and_download_their_own_allocation(browser, room, shots, tmp_path):
    people = []
    for n, presses in enumerate((2, 5)):
        context = browser.new_context(viewport={"width": 1280, "height": 900})  # separate cookies: separate routes
        page = context.new_page()
        page.goto(room.url)
        panel = page.frame_locator('iframe[title="ui.components.projection.projection"]')
        expect(panel.get_by_text("Thriving in year 20")).to_be_visible(timeout=30_000)  # the projection drawn: the tables came through nginx
        slider = page.frame_locator('iframe[title="ui.components.allocation_board.allocation_board"]').get_by_role("slider", name=re.compile("Humane housing"))
        slider.focus()
        for step in range(1, presses + 1):
            page.keyboard.press("ArrowRight")
            expect(page).to_have_url(re.compile(f"humane_housing={8_000_000 + step * 500_000}&"), timeout=20_000)
        people.append((context, page, 8_000_000 + presses * 500_000))
        page.screenshot(path=shots / f"room-person-{n + 1}.png")
    for context, page, amount in people:
        assert any(c["name"] == "portfolio_route" for c in context.cookies())
        page.get_by_text("Download this allocation (JSON, CSV)").click()
        with page.expect_download() as download:
            page.get_by_role("button", name="Download JSON").click()
        saved = tmp_path / f"{amount}.json"
        download.value.save_as(saved)
        assert json.loads(saved.read_text())["allocations"]["humane_housing"] == amount
        context.close()
