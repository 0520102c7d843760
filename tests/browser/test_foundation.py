"""A person signs in, finds their organisations, and an auditor reads the audit trail."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_a_commissioner_signs_in_and_sees_their_council(
    page: Page, sign_in: Callable[[str], None], screenshot: Callable[[str], None]
) -> None:
    sign_in("commissioner")
    expect(page.get_by_role("heading", name="Kingsmere Borough Council")).to_be_visible()
    expect(page.get_by_text("Fictional demo").first).to_be_visible()
    screenshot("home-commissioner")


def test_a_wrong_password_shows_the_error_summary(
    page: Page, live_server: object, browser_cast: object, screenshot: Callable[[str], None]
) -> None:
    page.goto(f"{live_server}/sign-in/")
    page.get_by_label("Username").fill("priya.shah")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(page).to_have_title("Error: Sign in – Spiral")
    screenshot("sign-in-error")


def test_an_auditor_reads_and_checks_the_audit_trail(
    page: Page, sign_in: Callable[[str], None], screenshot: Callable[[str], None]
) -> None:
    sign_in("auditor")
    page.get_by_role("link", name="Audit trail").click()
    expect(page.get_by_test_id("audit-table")).to_contain_text("granted role")
    screenshot("audit-trail")
    page.get_by_role("button", name="Check the trail has not been tampered with").click()
    expect(page.get_by_text("The audit trail verifies")).to_be_visible()
