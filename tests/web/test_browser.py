"""Browser tests: Playwright drives Debian's Chromium against a real `python -m academichub serve`.

The server runs on a free port over a demo-like home (the bundled real snapshot,
hashing embedder). Screenshots of the main pages go to artifacts/screenshots/.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from web_demo_site import PASSWORD, seed_demo_home

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
SERVER_START_TIMEOUT_S = 60.0
LATEX_TITLE = "Equivariant to Discrete Subgroups"  # arXiv 2606.27864: "… of $\mathrm{O}(2)$" in the snapshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's Chromium is not installed at /usr/bin/chromium"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"academichub serve exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"academichub serve did not listen on {port} within {SERVER_START_TIMEOUT_S} s")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("browser-home")
    seed_demo_home(home)
    port = free_port()
    env = {**os.environ, "ACADEMICHUB_HOME": str(home), "ACADEMICHUB_EMBEDDER": "hashing"}
    env["ACADEMICHUB_DAILY_SCHEDULE"] = ""  # no scheduled run-daily (it would fetch) during the tests
    env.pop("ACADEMICHUB_CONFIG", None)
    log = (home / "serve.log").open("wb")
    command = [sys.executable, "-m", "academichub", "serve", "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.fixture(scope="module")
def browser_page(server: str) -> Iterator[Any]:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=server, locale="zh-CN", viewport={"width": 1280, "height": 900})
        tab = context.new_page()
        errors: list[str] = []
        tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        tab.set_default_timeout(15_000)
        yield tab
        context.close()
        browser.close()
        assert not [e for e in errors if "Content Security Policy" in e], errors


@pytest.fixture
def page(browser_page: Any) -> Any:
    """The browser signed in as the admin: the first test on this server signs up (any order, any xdist worker)."""
    browser_page.goto("/")
    if browser_page.url.endswith("/setup"):
        shoot(browser_page, "01-setup")
        browser_page.fill("input[name=name]", "admin")
        browser_page.fill("input[name=password]", PASSWORD)
        browser_page.fill("input[name=password_again]", PASSWORD)
        browser_page.click("form[action='/setup'] button[type=submit]")
        browser_page.wait_for_selector("ol.papers article.paper")
    return browser_page


def shoot(page: Any, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)


def test_first_visit_creates_the_admin_then_shows_the_curated_daily(page: Any) -> None:
    page.goto("/")
    assert urlparse(page.url).path == "/"  # signed in: no redirect to /setup or /login
    page.click("button.lang-btn[data-lang=zh]")
    page.wait_for_selector("h1:has-text('每日精选')")
    assert page.locator("article.paper").count() >= 1
    assert page.locator(".badge.source").first.inner_text().startswith("arXiv (")
    shoot(page, "02-daily-zh")


def test_katex_renders_latex_in_titles(page: Any) -> None:
    page.goto("/?radar=all")
    title = page.locator("article.paper h2.title", has_text=LATEX_TITLE).first
    title.scroll_into_view_if_needed()
    title.locator(".katex").first.wait_for()
    visible_text = title.evaluate(
        "el => { const c = el.cloneNode(true); c.querySelectorAll('.katex-mathml').forEach(m => m.remove());"
        " return c.textContent; }"
    )
    assert "$" not in visible_text and "\\mathrm" not in visible_text, visible_text
    shoot(page, "03-daily-all-katex")


def test_thumbs_up_is_recorded_and_survives_reload(page: Any) -> None:
    page.goto("/")
    first = page.locator("article.paper").first
    paper_id = first.get_attribute("id")
    first.locator("button.fb-up").click()
    page.locator(f"#{paper_id} button.fb-up.active").wait_for()
    page.reload()
    assert page.locator(f"#{paper_id} button.fb-up").get_attribute("aria-pressed") == "true"


def test_switch_language_and_back(page: Any) -> None:
    page.goto("/")
    page.click("button.lang-btn[data-lang=en]")
    page.wait_for_selector("h1:has-text('Curated Daily')")
    shoot(page, "04-daily-en")
    page.click("button.lang-btn[data-lang=zh]")
    page.wait_for_selector("h1:has-text('每日精选')")


def test_search_highlights_matches(page: Any) -> None:
    page.goto("/search")
    page.fill("input[name=q]", "transformer")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("ol.papers mark")
    shoot(page, "05-search")


def test_radar_editor_preview_updates_as_description_changes(page: Any) -> None:
    page.goto("/radars")
    page.click("ul.radar-list a:has-text('编辑')")
    page.wait_for_selector("#preview-results h2")
    page.fill("textarea[name=description]", "vision transformers equivariant to rotations")
    page.wait_for_selector(f"#preview-results article.paper:has-text('{LATEX_TITLE}')")
    shoot(page, "06-radar-editor")


def test_paper_and_sources_pages(page: Any) -> None:
    page.goto("/?radar=all")
    page.locator("article.paper h2.title a").first.click()
    page.wait_for_selector(".paper-page dl.facts")
    shoot(page, "07-paper")
    page.goto("/sources")
    page.wait_for_selector("h1")
    shoot(page, "08-sources")


def test_thumbs_up_on_a_low_ranked_paper_moves_it_up_after_reload(page: Any) -> None:
    page.goto("/")
    ids = page.locator("ol.papers article.paper").evaluate_all("els => els.map(e => e.id)")
    low = ids[-1]
    page.locator(f"#{low} button.fb-up").click()
    page.locator(f"#{low} button.fb-up.active").wait_for()
    page.reload()
    after = page.locator("ol.papers article.paper").evaluate_all("els => els.map(e => e.id)")
    assert low in after and after.index(low) < ids.index(low), (ids, after)
    page.locator(f"#{low}").scroll_into_view_if_needed()
    shoot(page, "09-daily-after-thumbs-up")


def test_open_the_briefing_and_follow_a_citation(page: Any) -> None:
    page.goto("/")
    page.click("a.briefing-link")
    cite = page.locator(".briefing a.cite").first
    cite.wait_for()
    cite.hover()
    cite.locator(".cite-card").wait_for(state="visible")
    shoot(page, "10-briefing-hover-card")
    page.locator("footer.briefing-foot").scroll_into_view_if_needed()
    shoot(page, "11-briefing-footer")
    target = cite.get_attribute("href") or ""
    cite.click()
    page.wait_for_url("**/?radar=*#paper-*")
    anchor = target.rsplit("#", 1)[1]
    assert page.locator(f"article#{anchor}").is_visible()
    assert page.evaluate("location.hash") == f"#{anchor}"


def test_saved_settings_and_api_docs_pages(page: Any) -> None:
    page.goto("/")
    page.locator("article.paper").first.locator("button.fb-save").click()
    page.locator("article.paper").first.locator("button.fb-save.active").wait_for()
    page.goto("/saved")
    page.wait_for_selector("ol.papers article.paper")
    assert page.locator("a.export[data-format=ris]").get_attribute("href") == "/saved/export?format=ris"
    shoot(page, "12-saved")
    page.goto("/settings")
    page.fill("input[name=label]", "zotero-sync")
    page.click("form.token-form button[type=submit]")
    page.wait_for_selector("code.token")
    shoot(page, "13-settings")
    page.goto("/api/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=30_000)
    shoot(page, "14-api-docs")


def test_radar_map_shows_picks_and_seeds_with_titles_on_hover(page: Any) -> None:
    page.goto("/radars")
    page.click("ul.radar-list a:has-text('编辑')")
    page.locator("#map svg.map-svg circle.pt-pick").first.wait_for()
    assert page.locator("#map circle.pt-paper").count() > 50
    title = page.locator("#map circle.pt-pick title").first.text_content() or ""
    assert title.startswith("#")
    page.locator("#map").scroll_into_view_if_needed()
    shoot(page, "15-radar-map")


def test_import_a_bibtex_library_into_a_radar(page: Any, tmp_path: Path) -> None:
    library = tmp_path / "mine.bib"
    library.write_text(
        "@misc{a, title = {Vision transformers need registers}, year = {2023}}\n@misc{broken, year = {2020}}\n"
    )
    page.goto("/radars")
    page.click("ul.radar-list a:has-text('编辑')")
    page.set_input_files("form.import-form input[name=library]", str(library))
    page.click("form.import-form button[type=submit]")
    page.wait_for_selector(".import-report")
    assert "line 2" in page.locator("ul.import-problems").inner_text()
    page.locator("#import").scroll_into_view_if_needed()
    shoot(page, "16-radar-import")


def test_search_with_filters_and_paper_page_related(page: Any) -> None:
    page.goto("/search")
    page.fill("input[name=q]", "learning")
    page.select_option("select[name=source]", "arxiv")
    page.fill("input[name=category]", "cs.CV")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("ol.papers mark")
    assert "category=cs.CV" in page.url
    shoot(page, "17-search-filters")
    page.locator("ol.papers article.paper h2.title a").first.click()
    page.wait_for_selector("section.related")
    page.locator("section.related").scroll_into_view_if_needed()
    shoot(page, "18-paper-related")


def test_admin_invites_and_the_invited_person_signs_up(page: Any, browser_page: Any) -> None:
    page.goto("/settings")
    page.fill("input[name=note]", "alice")
    page.click("form.invite-create-form button[type=submit]")
    link = page.locator("code.invite-url").inner_text()
    page.locator("#invitations").scroll_into_view_if_needed()
    shoot(page, "19-settings-invitation")
    guest = page.context.browser.new_context(locale="en-GB")
    tab = guest.new_page()
    tab.goto(link)
    tab.fill("input[name=name]", "alice")
    tab.fill("input[name=password]", PASSWORD)
    tab.fill("input[name=password_again]", PASSWORD)
    tab.click("form.invite-form button[type=submit]")
    tab.wait_for_selector("span.who:has-text('alice')")
    shoot(tab, "20-invited-signed-in")
    guest.close()


def test_changing_the_password_signs_out_the_other_browser(page: Any) -> None:
    other = page.context.browser.new_context(locale="en-GB")
    tab = other.new_page()
    origin = "/".join(page.url.split("/")[:3])  # a new context has no base URL
    tab.goto(f"{origin}/login")
    tab.fill("input[name=name]", "admin")
    tab.fill("input[name=password]", PASSWORD)
    tab.click("form[action='/login'] button[type=submit]")
    tab.wait_for_selector("ol.papers")
    new_password = "a fresh horse staple 7"
    for old, new in ((PASSWORD, new_password), (new_password, PASSWORD)):  # and back, for the other tests
        page.goto("/settings/password")
        page.fill("input[name=current_password]", old)
        page.fill("input[name=password]", new)
        page.fill("input[name=password_again]", new)
        page.click("form.password-form button[type=submit]")
        page.wait_for_url("**/settings?password=changed*")
    shoot(page, "21-password-changed")
    tab.reload()
    assert urlparse(tab.url).path == "/login"  # the other browser's session ended
    page.goto("/")
    assert urlparse(page.url).path == "/"  # this browser stays signed in
    other.close()


def test_scripts_run_under_the_nonce_policy_and_an_injected_inline_script_does_not(page: Any) -> None:
    origin = "/".join(page.url.split("/")[:3])
    # its own tab (same sign-in): the blocked script's CSP report must not count against the shared one
    context = page.context.browser.new_context(base_url=origin, storage_state=page.context.storage_state())
    try:
        check_nonce_policy(context.new_page())
    finally:
        context.close()


def check_nonce_policy(page: Any) -> None:
    response = page.goto("/")
    csp = response.headers["content-security-policy"]
    nonce = csp.split("'nonce-", 1)[1].split("'", 1)[0]
    assert "script-src 'self' 'nonce-" in csp and "frame-ancestors 'none'" in csp
    # the browser hides the attribute after parsing; the nonce property keeps it
    assert page.evaluate("[...document.scripts].map(s => s.nonce)") == [nonce] * 4
    assert page.evaluate("typeof htmx === 'object' && typeof renderMathInElement === 'function'")
    ran = page.evaluate(
        """nonce => {
            window.ran = [];
            for (const [name, withNonce] of [["without", false], ["with", true]]) {
                const s = document.createElement("script");
                if (withNonce) s.nonce = nonce;
                s.textContent = `window.ran.push("${name}")`;
                document.head.appendChild(s);
            }
            return window.ran;
        }""",
        nonce,
    )
    assert ran == ["with"]  # inline script runs only with this response's nonce
    first = page.locator("article.paper").first  # and htmx still swaps content under the policy
    paper_id = first.get_attribute("id")
    before = first.locator("button.fb-save").get_attribute("aria-pressed")
    flipped = "false" if before == "true" else "true"
    for state in (flipped, before):  # toggle and back: the other tests see the paper as it was
        page.locator(f"#{paper_id} button.fb-save").click()
        page.locator(f"#{paper_id} button.fb-save[aria-pressed={state}]").wait_for()
    assert urlparse(page.url).path == "/"  # swapped in place by htmx, not a form post navigating away


def test_an_old_paper_listed_again_shows_when_it_first_appeared(page: Any) -> None:
    """arXiv 2411.19594 is listed again on the snapshot's day: its card carries the badge, no new paper's does."""
    page.goto("/?radar=all")
    old = page.locator("article.paper:has-text('Tortho-Gaussian')")
    old.wait_for()
    assert old.locator(".badge.first-appeared").inner_text() in ("首次出现于 2024-11", "first appeared 2024-11")
    assert old.locator(".badge.first-appeared").is_visible()
    assert page.locator("article.paper .badge.first-appeared").count() == 1


def test_a_radar_named_in_the_address_a_missing_one_and_the_saved_header(page: Any) -> None:
    """`?radar=vision` opens that radar; a missing one says so and links to the radars page; the header's "picked
    from N candidates" reads the same when the saved picks are shown again."""
    page.goto("/?radar=vision")
    assert page.locator("select[name=radar] option:checked").inner_text() == "vision"
    header = re.compile(r"从 (\d+) 篇候选中精选 (\d+) 篇|(\d+) picked from (\d+) candidates")
    first = header.search(page.locator("span.count").first.inner_text())
    assert first is not None
    page.reload()
    again = header.search(page.locator("span.count").first.inner_text())
    assert again is not None and again.groups() == first.groups()
    response = page.goto("/?radar=no-such-radar")
    assert response is not None and response.status == 404
    said = page.locator("main").inner_text()
    assert "你没有这个雷达" in said or "You have no such radar" in said, said
    shoot(page, "16-no-such-radar")
    page.locator("main a[href='/radars']").click()
    page.wait_for_url("**/radars")
