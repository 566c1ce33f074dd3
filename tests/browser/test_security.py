"""Under the Content-Security-Policy the admin and the API docs work, and a person locked out of
logging in is told to wait (every browser test fails on a CSP violation: conftest.watch_csp)."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, log_in, watch_csp

pytestmark = pytest.mark.browser

CONTRAST = """(element) => {
  const rgb = (text) => text.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const luminance = ([r, g, b]) => {
    const [R, G, B] = [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * R + 0.7152 * G + 0.0722 * B;
  };
  const style = getComputedStyle(element);
  const [a, b] = [luminance(rgb(style.color)), luminance(rgb(style.backgroundColor))].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""


def test_the_admin_works_under_the_csp(new_page):
    page = new_page("admin")
    page.goto("/admin/")
    expect(page.locator("#site-name")).to_be_visible()

    page.goto("/admin/auth/user/")
    page.locator("#action-toggle").check()  # admin's actions.js: the selection counter follows
    expect(page.locator(".action-counter")).to_contain_text(re.compile(r"[1-9]\d* of [1-9]\d* selected"))

    page.goto("/admin/auth/user/add/")
    expect(page.locator("input[name=username]")).to_be_visible()
    page.goto("/admin/workflows/holiday/add/")
    expect(page.locator("form")).to_have_count(2)  # the change form and the logout form


def test_the_api_documentation_renders_under_the_csp(new_page):
    page = new_page()
    page.goto("/api/docs/")

    expect(page.locator(".swagger-ui .info .title")).to_contain_text("CivicReview API")
    expect(page.locator(".opblock-summary-path", has_text="/api/auth/token/").first).to_be_visible()


def test_an_inline_script_is_refused_and_reported(browser, base_url):
    """The policy holds, and the watch that every browser test relies on sees it break."""
    context = browser.new_context(base_url=base_url)
    violations = watch_csp(context)
    page = context.new_page()
    page.goto("/accounts/login/")

    page.evaluate("""() => { const s = document.createElement("script");
                   s.textContent = "window.injected = true"; document.body.append(s); }""")

    expect(page.locator("body")).to_be_visible()
    assert page.evaluate("() => window.injected") is None
    page.wait_for_timeout(200)
    assert any("script-src" in text for text in violations), violations
    context.close()


def test_a_person_locked_out_is_told_to_wait_and_for_how_long(new_page, server):
    page = new_page()
    try:
        for _ in range(10):
            page.goto("/accounts/login/")
            page.fill("input[name=username]", "engineering")
            page.fill("input[name=password]", "not the password")
            page.click("button[type=submit]")

        page.goto("/accounts/login/")
        page.fill("input[name=username]", "engineering")
        page.fill("input[name=password]", PASSWORD)
        with page.expect_response(lambda response: response.request.method == "POST") as answer:
            page.click("button[type=submit]")

        assert answer.value.status == 429
        expect(page.get_by_role("heading", level=1)).to_have_text("Please wait before logging in again")
        message = page.get_by_role("alert")
        expect(message).to_contain_text("Too many failed logins")
        expect(message).to_contain_text(re.compile(r"Try again in 1[45] minutes\."))
        assert page.get_by_test_id("lockout-message").evaluate(CONTRAST) >= 4.5
        expect(page.get_by_role("link", name="Back to the login page")).to_be_visible()
    finally:
        server.manage("axes_reset")  # the address 127.0.0.1 is locked out too: every other test logs in from it

    log_in(page, "engineering")
    expect(page.get_by_test_id("user-name")).to_have_text("engineering")
