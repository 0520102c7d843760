"""The public register shows only what is published, never confidential values or people;
its OCDS validates against the OCDS 1.1 schema; chase_returns emails missing returns."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from spiral.ocds.problems import ProblemReport
from spiral.ocds.validation import validate_item
from tests.workspace.contracts.conftest import START, Contracts, good_entries
from workspace.contracts import services
from workspace.contracts.models import ReminderSent
from workspace.demo.personas import Cast

pytestmark = pytest.mark.django_db


def _setup(cast: Cast, contracts: Contracts) -> None:
    services.agreement_publish(
        actor=cast.users["commissioner"],
        agreement=contracts.other,
        published=False,
        value_confidential=False,
    )
    services.agreement_publish(
        actor=cast.users["commissioner"],
        agreement=contracts.agreement,
        published=True,
        value_confidential=True,
    )
    contracts.agreement.confidential_notes = "SECRET PRICING"
    contracts.agreement.save()
    services.return_save(
        actor=cast.users["provider"],
        agreement=contracts.agreement,
        period_start=START,
        entries=good_entries(contracts.agreement),
        spend="100",
        narrative="Private narrative about Mrs Smith",
        submit=True,
    )


def test_anonymous_visitors_see_only_what_is_published(cast: Cast, contracts: Contracts) -> None:
    _setup(cast, contracts)
    visitor = Client()
    pages = [
        visitor.get("/public/kingsmere/"),
        visitor.get(f"/public/kingsmere/agreements/{contracts.agreement.pk}/"),
        visitor.get("/public/kingsmere/register.csv"),
        visitor.get("/public/kingsmere/register-ocds.json"),
    ]
    assert [p.status_code for p in pages] == [200, 200, 200, 200]
    for page in pages:
        text = page.content.decode()
        assert "HC-2" not in text
        assert "Home care HC-2" not in text
        assert "SECRET PRICING" not in text
        assert "Mrs Smith" not in text
        assert "maria" not in text.lower()
        assert "1200000" not in text
        assert "1,200,000" not in text
    assert b"Commercially confidential" in pages[0].content
    assert visitor.get(f"/public/kingsmere/agreements/{contracts.other.pk}/").status_code == 404
    assert visitor.get("/public/brightwater/").status_code == 404
    rows = list(csv.DictReader(io.StringIO(pages[2].content.decode())))
    assert [(r["reference"], r["kpi"], r["value_gbp"]) for r in rows] == [
        ("HC-1", "Visits on time", ""),
        ("HC-1", "Waiting days", ""),
    ]


def test_the_register_ocds_is_valid_ocds(cast: Cast, contracts: Contracts) -> None:
    _setup(cast, contracts)
    services.agreement_publish(
        actor=cast.users["commissioner"],
        agreement=contracts.other,
        published=True,
        value_confidential=False,
    )
    package = json.loads(Client().get("/public/kingsmere/register-ocds.json").content)
    assert len(package["releases"]) == 2
    report = ProblemReport()
    validate_item(package, "register-ocds.json", report)
    assert report.counts == {}
    values = [r["contracts"][0].get("value") for r in package["releases"]]
    assert values == [None, {"amount": 1200000.0, "currency": "GBP"}]


def test_chase_returns_emails_the_provider_once_a_day(cast: Cast, contracts: Contracts) -> None:
    out = io.StringIO()
    call_command("chase_returns", "--date", "2024-03-20", stdout=out)
    # Brightwater and Elsewhere each miss January (due 15 February) and February (due 15 March).
    assert len(mail.outbox) == 2
    maria = next(m for m in mail.outbox if "maria.lopez@example.org" in m.to)
    assert "January 2024" in maria.body
    assert "February 2024" in maria.body
    assert ReminderSent.objects.count() == 4
    call_command("chase_returns", "--date", "2024-03-20", stdout=out)
    assert len(mail.outbox) == 2
    assert "0 reminder(s) sent." in out.getvalue()


def test_chase_returns_dry_run_sends_nothing(cast: Cast, contracts: Contracts) -> None:
    out = io.StringIO()
    call_command("chase_returns", "--date", "2024-03-20", "--dry-run", stdout=out)
    assert mail.outbox == []
    assert "2 reminder(s) would be sent." in out.getvalue()
