"""The website widget and the professional chat in a real browser: Debian's headless Chromium,
driven by Playwright (by path: no browser download), against the whole stack on loopback —
waiting-times service, action server, Rasa (socket.io channel, SQL tracker store) and the web
process that serves the widget, its pages and the inbox. Screenshots go to reports/e2e/."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import create_engine, text

from bot.handoff import auth
from tests.conftest import stored_handoff
from tools.servers import MODEL, ROOT, Servers, free_port

playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "reports" / "e2e"
TIMEOUT_MS = 120_000  # generous: the machine may be busy; nothing here measures speed
LAUNCHER = "Vraag over een kind? Chat met Wegwijzer"
PASSWORD = "een-lang-wachtwoord-42"


class Stack:
    def __init__(self, servers: Servers, web: str, tracker: str) -> None:
        self.servers, self.web, self.tracker = servers, web, tracker

    def events_of(self, sender: str) -> int:
        engine = create_engine(self.tracker, future=True)
        try:
            with engine.connect() as connection:
                return connection.execute(
                    text("SELECT COUNT(*) FROM events WHERE sender_id = :s"), {"s": sender}
                ).scalar()
        finally:
            engine.dispose()


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Iterator[Stack]:
    if not MODEL.exists():
        pytest.fail("no trained model: run `make test` (it trains first) or `make train`")
    work = tmp_path_factory.mktemp("e2e")
    tracker = f"sqlite:///{work / 'tracker.db'}"
    web_port = free_port()
    web = f"http://127.0.0.1:{web_port}"
    servers = Servers(
        work,
        f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {work / 'tracker.db'}\n",
        {"WEGWIJZER_WIDGET_ORIGINS": web, "TRACKER_DATABASE_URL": tracker},
    )
    try:
        servers.start_waiting_times()
        servers.start_actions()
        servers.start_rasa()
        servers.env["WEGWIJZER_RASA_PUBLIC_URL"] = f"http://127.0.0.1:{servers.rasa_port}"
        servers.start_web(web_port, "--no-delivery")
        auth.add_staff(servers.env["DATABASE_URL"], "anna", "Jeugd- en Gezinsteam Leiden", "Anna", PASSWORD)
        yield Stack(servers, web, tracker)
    finally:
        servers.stop_all()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: `make test` installs it (scripts/setup-browser.sh)")
    with playwright.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    context.close()


def last_bot(page):
    return page.locator(".log li.bot").last


def bot_says(page, words: str) -> None:
    playwright.expect(page.locator(".log li.bot", has_text=words).last).to_be_visible(timeout=TIMEOUT_MS)


def type_message(page, message: str, then: str) -> None:
    page.locator("#wwj-input").fill(message)
    page.keyboard.press("Enter")
    bot_says(page, then)


def choose(page, button: str, then: str) -> None:
    page.locator(".choices button", has_text=button).last.click()
    bot_says(page, then)


def session_id(page, mode: str = "public") -> str:
    return page.evaluate(
        """mode => {
        const key = Object.keys(sessionStorage).find(k => k.startsWith('wegwijzer:') && k.endsWith(':' + mode));
        return JSON.parse(sessionStorage.getItem(key)).sessionId; }""",
        mode,
    )


def axe_problems(page) -> list:
    """Serious and critical axe-core violations on the page (shadow DOM included)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_a_parent_has_a_light_conversation_reloads_and_erases_it(stack, page):
    page.goto(f"{stack.web}/demo/")
    page.get_by_role("button", name=LAUNCHER).click()
    playwright.expect(page.get_by_text("Je praat met een computerprogramma, geen mens.")).to_be_visible()
    playwright.expect(page.get_by_role("link", name="Lees hoe we met je gegevens omgaan")).to_be_visible()
    bot_says(page, "Voor wie stel je de vraag?")
    choose(page, "Ouder of verzorger", "Hoe oud is je kind?")
    type_message(page, "7", "In welke gemeente")
    type_message(page, "Leiden", "Wat maakt je ongerust")
    type_message(page, "hij heeft veel driftbuien sinds kort", "Hoeveel last")
    choose(page, "Weinig", "al geprobeerd")
    type_message(page, "nog niks", "al hulp")
    type_message(page, "geen", "in je omgeving")
    type_message(page, "oma helpt", "anders wordt")
    type_message(page, "dat het rustiger wordt", "Klopt dit?")
    choose(page, "Ja, dat klopt", "Wil je toch liever contact met Jeugd- en Gezinsteam Leiden")
    bot_says(page, "Opvoedspreekuur")
    links = page.locator(".log a[href^='http']")
    for index in range(links.count()):
        assert links.nth(index).get_attribute("rel") == "noopener noreferrer"
    before = page.locator(".log li").count()
    sender = session_id(page)
    assert stack.events_of(sender) > 0

    page.reload()
    playwright.expect(page.locator(".log li")).to_have_count(before)
    bot_says(page, "Opvoedspreekuur")

    page.get_by_role("button", name="Gesprek wissen").click()
    playwright.expect(page.get_by_text("Het gesprek is gewist, hier en op de server.")).to_be_attached()
    bot_says(page, "Voor wie stel je de vraag?")
    playwright.expect(page.locator(".log li", has_text="driftbuien")).to_have_count(0)
    assert stack.events_of(sender) == 0
    assert session_id(page) != sender


def test_a_gp_practice_reaches_a_handoff_and_copies_the_summary(stack, page):
    page.goto(f"{stack.web}/professioneel/?rol=gp")
    bot_says(page, "Leeftijd van het kind?")
    type_message(
        page, "jongen 9, Leiden, al een half jaar angstig en wil niet meer naar school", "Impact op het dagelijks"
    )
    choose(page, "Ernstig", "al geprobeerd")
    type_message(page, "gesprekken met de POH, helpt onvoldoende", "Welke hulp is al betrokken")
    type_message(page, "geen", "Steunend netwerk")
    type_message(page, "oma woont dichtbij en helpt", "Beoogd resultaat")
    type_message(page, "weer naar school en minder angst", "Klopt dit?")
    choose(page, "Ja, dat klopt", "doorsturen naar Jeugd- en Gezinsteam Leiden")
    choose(page, "Ja, doorsturen", "Hebben de ouders toestemming gegeven?")
    choose(page, "Ja, ouders gaven toestemming", "Naam van de contactpersoon")
    type_message(page, "dr. De Vries, huisartsenpraktijk Het Plein", "Telefoonnummer")
    type_message(page, "071-5123456", "Weet de school")
    choose(page, "Ja", "Dit stuur ik naar Jeugd- en Gezinsteam Leiden")
    choose(page, "Ja, versturen", "Referentienummer")
    reference = re.search(
        r"Referentienummer: ([A-Z]{3}-\d{4})", last_bot(page).inner_text() + page.locator(".log").inner_text()
    ).group(1)
    copy = page.get_by_role("button", name="Kopieer samenvatting")
    playwright.expect(copy).to_be_visible()
    copy.click()
    playwright.expect(page.get_by_text(re.compile("Samenvatting (gekopieerd|geselecteerd)"))).to_be_attached()
    stored = stored_handoff(stack.servers.env["DATABASE_URL"], reference)
    assert stored is not None and stored.referrer_role == "gp" and stored.contact["phone"] == "0715123456"


def test_keyboard_only_open_answer_choose_and_close(stack, page):
    page.goto(f"{stack.web}/demo/")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.id") == "wegwijzer-widget":
            break
    focused = page.evaluate("() => document.querySelector('#wegwijzer-widget').shadowRoot.activeElement.textContent")
    assert focused == LAUNCHER
    page.keyboard.press("Enter")
    bot_says(page, "Voor wie stel je de vraag?")
    inner = "() => document.querySelector('#wegwijzer-widget').shadowRoot.activeElement"
    assert page.evaluate(inner + ".id") == "wwj-input"
    for _ in range(10):
        page.keyboard.press("Shift+Tab")
        if page.evaluate(inner + ".textContent") == "Ouder of verzorger":
            break
    page.keyboard.press("Enter")
    bot_says(page, "Hoe oud is je kind?")
    page.locator("#wwj-input").focus()
    page.keyboard.type("mijn man slaat haar als hij gedronken heeft")
    page.keyboard.press("Enter")
    bot_says(page, "0800-2000")
    assert page.locator(".log a[href='tel:08002000']").count() >= 1
    assert page.locator(".notice a[href='tel:112']").count() == 1
    page.keyboard.press("Escape")
    playwright.expect(page.locator("#wwj-panel")).to_be_hidden()
    assert page.evaluate(inner + ".textContent") == LAUNCHER


def test_on_a_360_pixel_phone_the_widget_fits_and_a_screenshot_is_kept(stack, browser):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(TIMEOUT_MS)
    phone = context.new_page()
    try:
        phone.goto(f"{stack.web}/demo/")
        phone.get_by_role("button", name=LAUNCHER).click()
        bot_says(phone, "Voor wie stel je de vraag?")
        choose(phone, "Ouder of verzorger", "Hoe oud is je kind?")
        type_message(phone, "14", "In welke gemeente")
        box = phone.locator("#wwj-panel").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360
        assert phone.evaluate("() => document.documentElement.scrollWidth") <= 360
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        phone.screenshot(path=str(ARTIFACTS / "widget-360.png"))
        assert (ARTIFACTS / "widget-360.png").stat().st_size > 10_000
    finally:
        context.close()


def test_no_serious_accessibility_problems_on_the_widget_and_inbox_pages(stack, browser):
    context = browser.new_context(bypass_csp=True)  # only so the test can inject axe-core
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    try:
        problems = {}
        tab.goto(f"{stack.web}/demo/")
        tab.get_by_role("button", name=LAUNCHER).click()
        bot_says(tab, "Voor wie stel je de vraag?")
        choose(tab, "Ouder of verzorger", "Hoe oud is je kind?")
        problems["widget"] = axe_problems(tab)
        for path in ("/professioneel/", "/privacy", "/toegankelijkheid", "/inbox/login"):
            tab.goto(stack.web + path)
            problems[path] = axe_problems(tab)
        tab.fill("#username", "anna")
        tab.fill("#password", PASSWORD)
        tab.get_by_role("button", name="Inloggen").click()
        playwright.expect(tab.get_by_role("heading", name="Aanmeldingen")).to_be_visible()
        problems["/inbox/"] = axe_problems(tab)
        link = tab.locator("table a").first
        if link.count():
            link.click()
            problems["/inbox/handoffs/…"] = axe_problems(tab)
        assert {page: found for page, found in problems.items() if found} == {}
    finally:
        context.close()


def test_only_configured_sites_may_use_the_chat_channel_and_erase(stack):
    import requests

    socket = f"http://127.0.0.1:{stack.servers.rasa_port}/socket.io/?EIO=4&transport=polling"
    assert requests.get(socket, headers={"Origin": stack.web}, timeout=30).status_code == 200
    assert requests.get(socket, headers={"Origin": "https://kwaadwillend.example"}, timeout=30).status_code == 400
    refused = requests.post(
        f"{stack.web}/widget/api/erase",
        json={"session_id": "a" * 48},
        headers={"Origin": "https://kwaadwillend.example"},
        timeout=30,
    )
    assert refused.status_code == 403 and refused.json()["error"]["field"] == "Origin"
