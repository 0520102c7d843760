"""Contract register services: the KPI rule, return validation, versions, queries, audit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.workspace.contracts.conftest import START, Contracts, good_entries
from workspace.audit.models import AuditEvent
from workspace.contracts import services
from workspace.contracts.models import KPI, Agreement, Return, ReturnVersion
from workspace.contracts.services import returns as return_services
from workspace.cycles.models import Programme
from workspace.demo.personas import Cast

pytestmark = pytest.mark.django_db


def _save(cast: Cast, agreement: Agreement, **kwargs: object) -> Return:
    params: dict = {
        "actor": cast.users["provider"],
        "agreement": agreement,
        "period_start": START,
        "entries": good_entries(agreement),
        "spend": "33000",
        "narrative": "A steady month.",
        "submit": True,
    }
    params.update(kwargs)
    return services.return_save(**params)


def test_a_contract_of_more_than_five_million_needs_three_kpis_before_it_comes_into_force(
    cast: Cast, programme: Programme
) -> None:
    commissioner = cast.users["commissioner"]
    exactly = services.agreement_create(
        actor=commissioner,
        programme=programme,
        reference="FIVE",
        title="Five million exactly",
        kind=Agreement.Kind.CONTRACT,
        provider=cast.organisations["provider"],
        value=Decimal("5000000"),
        start_date=START,
        end_date=dt.date(2027, 1, 1),
        payment_mechanism=Agreement.Payment.BLOCK,
    )
    services.kpi_add(
        actor=commissioner,
        agreement=exactly,
        name="K",
        unit="%",
        kind=KPI.Kind.MEASURE,
        polarity="higher_is_better",
        target=Decimal(1),
    )
    assert services.agreement_activate(actor=commissioner, agreement=exactly).status == "active"
    agreement = services.agreement_create(
        actor=commissioner,
        programme=programme,
        reference="BIG-1",
        title="Big",
        kind=Agreement.Kind.CONTRACT,
        provider=cast.organisations["provider"],
        value=Decimal("5000000.01"),
        start_date=START,
        end_date=dt.date(2027, 1, 1),
        payment_mechanism=Agreement.Payment.BLOCK,
    )
    for n in range(2):
        services.kpi_add(
            actor=commissioner,
            agreement=agreement,
            name=f"K{n}",
            unit="%",
            kind=KPI.Kind.MEASURE,
            polarity="higher_is_better",
            target=Decimal(1),
        )
    with pytest.raises(ValidationError, match="at least 3 KPIs"):
        services.agreement_activate(actor=commissioner, agreement=agreement)
    services.kpi_add(
        actor=commissioner,
        agreement=agreement,
        name="K3",
        unit="%",
        kind=KPI.Kind.MEASURE,
        polarity="higher_is_better",
        target=Decimal(1),
    )
    assert services.agreement_activate(actor=commissioner, agreement=agreement).status == "active"


def test_a_submitted_return_is_checked_against_every_kpi_definition(
    cast: Cast, contracts: Contracts
) -> None:
    agreement = contracts.agreement
    proportion, measure = list(agreement.kpis.all())
    entries = {
        proportion.pk: {"numerator": "120", "denominator": "100"},
        measure.pk: {"value": "ninety"},
    }
    with pytest.raises(ValidationError) as caught:
        _save(cast, agreement, entries=entries, spend="-5", narrative="")
    errors = caught.value.message_dict
    assert errors[f"kpi-{proportion.pk}-numerator"] == [
        "The numerator of Visits on time (120) cannot be more than its denominator (100)"
    ]
    assert errors[f"kpi-{measure.pk}-value"] == ["Enter Waiting days as a number, like 12.5"]
    assert errors["spend"] == ["The spend cannot be negative"]
    assert errors["narrative"] == ["Enter a short narrative: what happened this period"]
    assert not Return.objects.exists(), "nothing half-saved"


def test_a_value_outside_the_kpi_range_is_refused(cast: Cast, contracts: Contracts) -> None:
    agreement = contracts.agreement
    measure = agreement.kpis.get(name="Waiting days")
    with pytest.raises(ValidationError) as caught:
        _save(cast, agreement, entries=good_entries(agreement, days="61"))
    assert caught.value.message_dict[f"kpi-{measure.pk}-value"] == [
        "Waiting days must be 60 days or less"
    ]


def test_a_draft_may_be_incomplete_but_a_submission_may_not(
    cast: Cast, contracts: Contracts
) -> None:
    agreement = contracts.agreement
    ret = _save(cast, agreement, entries={}, spend="", narrative="", submit=False)
    assert ret.status == Return.Status.DRAFT
    with pytest.raises(ValidationError, match="Enter the numerator of Visits on time"):
        _save(cast, agreement, entries={}, spend="", narrative="")


def test_query_and_resubmission_keep_every_version(cast: Cast, contracts: Contracts) -> None:
    agreement = contracts.agreement
    ret = _save(cast, agreement)
    with pytest.raises(ValidationError, match="with the commissioner"):
        _save(cast, agreement)
    services.return_query(actor=cast.users["commissioner"], ret=ret, message="Check the days?")
    ret.refresh_from_db()
    assert ret.status == Return.Status.QUERIED
    _save(cast, agreement, entries=good_entries(agreement, days="6"), narrative="Corrected.")
    versions = list(ReturnVersion.objects.filter(ret=ret).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert [str(v.values.get(kpi__name="Waiting days").value) for v in versions] == [
        "4.5000",
        "6.0000",
    ]
    assert versions[0].narrative == "A steady month."
    services.return_accept(actor=cast.users["commissioner"], ret=ret)
    ret.refresh_from_db()
    assert ret.status == Return.Status.ACCEPTED
    actions = list(
        AuditEvent.objects.filter(object_type="contracts.return").values_list("action", flat=True)
    )
    assert actions == ["submitted return", "queried return", "submitted return", "accepted return"]


def test_only_the_agreements_provider_may_send_its_returns(
    cast: Cast, contracts: Contracts
) -> None:
    for actor in (contracts.other_user, cast.users["commissioner"]):
        with pytest.raises(PermissionDenied):
            _save(cast, contracts.agreement, actor=actor)


def test_a_provider_cannot_query_or_accept(cast: Cast, contracts: Contracts) -> None:
    ret = _save(cast, contracts.agreement)
    with pytest.raises(PermissionDenied):
        services.return_accept(actor=cast.users["provider"], ret=ret)
    with pytest.raises(PermissionDenied):
        services.return_query(actor=cast.users["provider"], ret=ret, message="?")


def test_a_period_that_has_not_ended_is_refused(cast: Cast, contracts: Contracts) -> None:
    with pytest.raises(ValidationError, match="does not start a period that has ended"):
        _save(cast, contracts.agreement, period_start=dt.date(2026, 12, 1))


def test_an_extension_moves_the_end_date_and_a_termination_ends_the_agreement(
    cast: Cast, contracts: Contracts
) -> None:
    commissioner = cast.users["commissioner"]
    agreement = contracts.agreement
    with pytest.raises(ValidationError, match="new end date after"):
        services.agreement_change(
            actor=commissioner,
            agreement=agreement,
            kind="extension",
            effective_on=dt.date(2026, 1, 1),
            reason="More time",
        )
    services.agreement_change(
        actor=commissioner,
        agreement=agreement,
        kind="extension",
        effective_on=dt.date(2026, 1, 1),
        reason="More time",
        new_end_date=dt.date(2027, 12, 31),
        value_change=Decimal("400000"),
    )
    agreement.refresh_from_db()
    assert (agreement.end_date, agreement.value) == (dt.date(2027, 12, 31), Decimal("1600000.00"))
    services.agreement_change(
        actor=commissioner,
        agreement=agreement,
        kind="termination",
        effective_on=dt.date(2026, 6, 30),
        reason="Provider exiting the market",
    )
    agreement.refresh_from_db()
    assert agreement.status == "terminated"
    assert agreement.termination_reason == "Provider exiting the market"


def test_payments_import_takes_the_providers_rows_whole_or_not_at_all(
    cast: Cast, contracts: Contracts
) -> None:
    commissioner = cast.users["commissioner"]
    bad = b"Supplier Name,Payment Date,Amount\nBrightwater Home Care Ltd,01/02/2024,abc\n"
    with pytest.raises(ValidationError, match="row 2"):
        services.payments_import(
            actor=commissioner, agreement=contracts.agreement, data=bad, name="p.csv"
        )
    good = (
        b"Supplier Name,Payment Date,Amount\n"
        b"Brightwater Home Care Ltd,01/02/2024,100.50\n"
        b"Someone Else,02/02/2024,99\n"
    )
    count = services.payments_import(
        actor=commissioner, agreement=contracts.agreement, data=good, name="p.csv"
    )
    assert count == 1
    assert str(contracts.agreement.payments.get().amount) == "100.50"


def test_outstanding_returns_lists_periods_past_due_without_a_submission(
    cast: Cast, contracts: Contracts
) -> None:
    _save(cast, contracts.agreement)
    missing = services.returns_outstanding([contracts.agreement], today=dt.date(2024, 4, 20))
    # January submitted; February due 15 March: missing; March due 15 April: missing.
    assert [(m[1], m[3]) for m in missing] == [
        (dt.date(2024, 2, 1), dt.date(2024, 3, 15)),
        (dt.date(2024, 3, 1), dt.date(2024, 4, 15)),
    ]


def test_a_commissioner_overrides_a_rating_with_a_reason(cast: Cast, contracts: Contracts) -> None:
    from workspace.contracts.performance import kpi_performance

    agreement = contracts.agreement
    for month, days in ((1, "4"), (2, "4.2"), (3, "7")):
        ret = _save(
            cast,
            agreement,
            period_start=START.replace(month=month),
            entries=good_entries(agreement, on_time=96, days=days),
        )
    measure = agreement.kpis.get(name="Waiting days")
    rows = {p.kpi.name: p.rows for p in kpi_performance(agreement)}["Waiting days"]
    # 7 days against a target of 5 (lower is better): 40% over -> inadequate
    assert rows[-1]["derived"] == "inadequate"
    with pytest.raises(ValidationError, match="Enter the reason"):
        services.rating_override(
            actor=cast.users["commissioner"], kpi=measure, ret=ret, rating="good", reason=" "
        )
    with pytest.raises(PermissionDenied):
        services.rating_override(
            actor=cast.users["provider"], kpi=measure, ret=ret, rating="good", reason="Mine"
        )
    services.rating_override(
        actor=cast.users["commissioner"],
        kpi=measure,
        ret=ret,
        rating="requires_improvement",
        reason="Snow closed the roads for a week.",
    )
    rows = {p.kpi.name: p.rows for p in kpi_performance(agreement)}["Waiting days"]
    assert (rows[-1]["derived"], rows[-1]["rating"]) == ("inadequate", "requires_improvement")
    assert AuditEvent.objects.filter(action="overrode rating").count() == 1


def test_spend_and_term_warnings_come_before_the_contract_runs_out(
    cast: Cast, contracts: Contracts
) -> None:
    from workspace.contracts.performance import spend_position

    agreement = contracts.agreement
    services.payment_record(
        actor=cast.users["commissioner"],
        agreement=agreement,
        paid_on=dt.date(2024, 6, 1),
        amount=Decimal("1100000"),
    )
    early = spend_position(agreement, today=dt.date(2024, 7, 1))
    assert early.warnings == ["92% of the contract value is spent."]
    late = spend_position(agreement, today=dt.date(2026, 9, 1))
    assert late.warnings[1] == "The agreement ends in 121 days. No extension is available."
    # the profile runs in a straight line from nothing to the full value over the term
    assert late.cumulative[-1] == 1100000.0
    assert late.profile[0] == pytest.approx(1200000 * 31 / 1096)


def test_quarterly_periods_and_their_due_dates(cast: Cast, contracts: Contracts) -> None:
    agreement = contracts.agreement
    agreement.return_frequency = Agreement.Frequency.QUARTERLY
    periods = agreement.periods(until=dt.date(2024, 9, 30))
    assert periods == [
        (dt.date(2024, 1, 1), dt.date(2024, 3, 31), dt.date(2024, 4, 15)),
        (dt.date(2024, 4, 1), dt.date(2024, 6, 30), dt.date(2024, 7, 15)),
        (dt.date(2024, 7, 1), dt.date(2024, 9, 30), dt.date(2024, 10, 15)),
    ]


def test_a_return_lands_whole_or_not_at_all(
    cast: Cast, contracts: Contracts, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**_: object) -> None:
        raise RuntimeError("the audit trail is unavailable")

    monkeypatch.setattr(return_services, "audit_record", broken)
    with pytest.raises(RuntimeError):
        _save(cast, contracts.agreement)
    assert not Return.objects.exists()
    assert not ReturnVersion.objects.exists()


def test_an_editor_marks_a_milestone_met_once_with_who_when_and_a_note(
    cast: Cast, contracts: Contracts
) -> None:
    commissioner = cast.users["commissioner"]
    milestone = services.milestone_add(
        actor=commissioner,
        agreement=contracts.agreement,
        title="Mobilisation complete",
        due_date=dt.date(2024, 3, 31),
    )
    assert milestone.status(dt.date(2024, 3, 1)) == "upcoming"
    assert milestone.status(dt.date(2024, 4, 1)) == "overdue"
    met = services.milestone_complete(
        actor=commissioner, milestone=milestone, note=" Staff in post ", on=dt.date(2024, 3, 30)
    )
    assert (met.met_on, met.met_by, met.met_note) == (
        dt.date(2024, 3, 30),
        commissioner,
        "Staff in post",
    )
    assert met.status(dt.date(2024, 4, 1)) == "met"
    event = AuditEvent.objects.get(action="met milestone")
    assert event.actor == commissioner
    with pytest.raises(ValidationError, match="already been met"):
        services.milestone_complete(actor=commissioner, milestone=milestone, note="again")
    assert AuditEvent.objects.filter(action="met milestone").count() == 1


def test_only_editors_may_mark_a_milestone_met(cast: Cast, contracts: Contracts) -> None:
    milestone = services.milestone_add(
        actor=cast.users["commissioner"],
        agreement=contracts.agreement,
        title="Mobilisation complete",
        due_date=dt.date(2024, 3, 31),
    )
    for persona in ("provider", "approver", "auditor", "outsider"):
        with pytest.raises(PermissionDenied):
            services.milestone_complete(actor=cast.users[persona], milestone=milestone)
    with pytest.raises(PermissionDenied):
        services.milestone_complete(actor=contracts.other_user, milestone=milestone)
    milestone.refresh_from_db()
    assert milestone.met_on is None
    assert not AuditEvent.objects.filter(action="met milestone").exists()
