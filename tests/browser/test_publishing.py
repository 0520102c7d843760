"""An administrator records the organisation's PPON on the publishing page and sees the party id
it will be published under.

The PPON typed, ``PKMB-0001-TEST``, has a PPON's shape but is made up: the demo council is
fictional and has none.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_an_administrator_records_the_ppon_and_sees_the_buyer_id(
    page: Page, sign_in: Callable[[str], None], screenshot: Callable[[str], None]
) -> None:
    sign_in("administrator")
    page.goto(page.url + "organisations/kingsmere/people/")
    page.get_by_role("link", name="Publishing as OCDS (PPON and ocid prefix)").click()
    expect(page.get_by_role("heading", name="Publishing as OCDS")).to_be_visible()
    expect(page.get_by_test_id("buyer-id")).to_contain_text("spiral-kingsmere")
    expect(page.get_by_text("is fictional, so it has no PPON")).to_be_visible()
    screenshot("publishing-fallback")

    page.get_by_label("Public Procurement Organisation Number (PPON)").fill("PKMB-0001")
    page.get_by_role("button", name="Save the identifiers").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(page.get_by_role("alert")).to_contain_text("is not P, 3 letters, 4 digits and 4 letters")
    expect(page).to_have_title("Error: Publishing as OCDS: Kingsmere Borough Council – Spiral")
    screenshot("publishing-ppon-error")

    page.get_by_label("Public Procurement Organisation Number (PPON)").fill("pkmb 0001 test")
    page.get_by_role("button", name="Save the identifiers").click()
    expect(
        page.get_by_text("Your organisation will be published as GB-PPON-PKMB-0001-TEST")
    ).to_be_visible()
    expect(page.get_by_test_id("buyer-id")).to_contain_text("GB-PPON-PKMB-0001-TEST")
    expect(page.get_by_test_id("buyer-identifier")).to_contain_text("GB-PPON")
    expect(page.get_by_label("Public Procurement Organisation Number (PPON)")).to_have_value(
        "PKMB-0001-TEST"
    )
    screenshot("publishing-ppon-saved")
