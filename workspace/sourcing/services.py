"""Use cases for sourcing and the market view: each in one transaction, each change audited.

Every function is named ``<entity>_<verb>`` and takes keyword arguments only. Changes need
the EDIT capability in the programme's lead or partner organisation. A complete cycle still
takes sourcing records, so that a council can record the cycles it ran before Spiral, and a
contract's delivery milestones and termination, which come after its cycle; once a contract
is awarded its criteria and bids no longer change. Rule breaches raise
:class:`django.core.exceptions.ValidationError` with a message per field.
Figures are worked out by the engine (:mod:`spiral.sourcing`, :mod:`spiral.ocds`,
:mod:`spiral.spend`); nothing here re-implements a formula.

Imports are whole or nothing: an OCDS file with any validation error, or a spend file with
any bad row, imports nothing and returns the grouped problems.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pandas as pd
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from spiral.ocds.metrics import RatedKPI
from spiral.sourcing.evaluation import check_weights, score_bids
from spiral.sourcing.publication import (
    BidderEntry,
    CommissioningRecord,
    MilestoneEntry,
    ocds_release_package,
    uk_notices,
)
from spiral.sourcing.routes import route as route_of
from spiral.sourcing.transaction_costs import CostInputs, CostSummary, transaction_costs
from workspace.audit.services import snapshot
from workspace.contracts.models import Agreement
from workspace.contracts.performance import published_kpis
from workspace.cycles import services as cycle_services
from workspace.cycles.models import Cycle, Decision
from workspace.sourcing.common import (
    COST_ACTIVITIES,
    DO_STAGES,
    _audit,
    _check_editor,
    _now,
    _on_day,
    do_stage,
    may_edit,
)
from workspace.sourcing.market import (
    PACKAGE_PLACEHOLDERS,
    ImportRefused,
    market_filter_save,
    market_view,
    ocds_check,
    ocds_import,
    ocds_import_paths,
    spend_import,
    statement_draft,
    statement_save,
)
from workspace.sourcing.models import (
    Bid,
    Milestone,
    Sourcing,
    TransactionCosts,
)

__all__ = [
    "COST_ACTIVITIES",
    "DO_STAGES",
    "PACKAGE_PLACEHOLDERS",
    "ImportRefused",
    "award_record",
    "bid_delete",
    "bid_locked_reason",
    "bid_record",
    "bid_scores",
    "bid_update",
    "bids_counted",
    "commissioning_record",
    "cost_summary",
    "costs_save",
    "criteria_set",
    "do_stage",
    "elapsed_days",
    "market_filter_save",
    "market_view",
    "may_edit",
    "milestone_add",
    "milestone_delete",
    "milestone_locked_reason",
    "milestone_update",
    "notices",
    "ocds_check",
    "ocds_import",
    "ocds_import_paths",
    "ocds_package",
    "sourcing_create",
    "sourcing_terminate",
    "sourcing_update",
    "spend_import",
    "statement_draft",
    "statement_save",
]


# --- the route and its timeline -------------------------------------------------------------


def _check_route(
    *,
    title: str,
    route: str,
    rationale: str,
    contract_value: Decimal,
    dates: tuple[dt.date | None, dt.date | None, dt.date | None, dt.date | None],
) -> None:
    tender_start, tender_end, contract_start, contract_end = dates
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = "Enter what is being secured"
    try:
        route_of(route)
    except KeyError:
        errors["route"] = "Choose a sourcing route"
    if not rationale.strip():
        errors["rationale"] = "Enter why this route was chosen"
    if contract_value < 0:
        errors["contract_value"] = "The contract value must be 0 or more"
    if tender_start and tender_end and tender_end < tender_start:
        errors["tender_end"] = "The tender closing date must be on or after its opening date"
    if contract_start and contract_end and contract_end < contract_start:
        errors["contract_end"] = "The contract end date must be on or after its start date"
    if errors:
        raise ValidationError(errors)


def sourcing_create(
    *,
    actor: User,
    cycle: Cycle,
    title: str,
    route: str,
    rationale: str,
    contract_value: Decimal,
    planned_on: dt.date,
    description: str = "",
    tender_start: dt.date | None = None,
    tender_end: dt.date | None = None,
    contract_start: dt.date | None = None,
    contract_end: dt.date | None = None,
    at: dt.datetime | None = None,
) -> Sourcing:
    """Record the sourcing route chosen for a cycle, with its planned dates."""
    _check_editor(actor, cycle.programme)
    _check_route(
        title=title,
        route=route,
        rationale=rationale,
        contract_value=contract_value,
        dates=(tender_start, tender_end, contract_start, contract_end),
    )
    with transaction.atomic():
        sourcing = Sourcing.objects.create(
            cycle=cycle,
            title=title.strip(),
            description=description.strip(),
            route=route,
            rationale=rationale.strip(),
            contract_value=contract_value,
            planned_on=planned_on,
            tender_start=tender_start,
            tender_end=tender_end,
            contract_start=contract_start,
            contract_end=contract_end,
            created_by=actor,
            created_at=_now(at),
        )
        _audit(actor, "chose sourcing route", sourcing, cycle.programme, after=snapshot(sourcing))
    return sourcing


def sourcing_update(
    *,
    actor: User,
    sourcing: Sourcing,
    title: str,
    route: str,
    rationale: str,
    contract_value: Decimal,
    planned_on: dt.date,
    description: str = "",
    tender_start: dt.date | None = None,
    tender_end: dt.date | None = None,
    contract_start: dt.date | None = None,
    contract_end: dt.date | None = None,
) -> Sourcing:
    """Change a route's details and dates; the route itself is fixed once a bid is recorded."""
    _check_editor(actor, sourcing.cycle.programme)
    _check_route(
        title=title,
        route=route,
        rationale=rationale,
        contract_value=contract_value,
        dates=(tender_start, tender_end, contract_start, contract_end),
    )
    if route != sourcing.route and sourcing.bids.exists():
        raise ValidationError({"route": "Bids are recorded: the route can no longer change"})
    with transaction.atomic():
        before = snapshot(sourcing)
        sourcing.title = title.strip()
        sourcing.description = description.strip()
        sourcing.route = route
        sourcing.rationale = rationale.strip()
        sourcing.contract_value = contract_value
        sourcing.planned_on = planned_on
        sourcing.tender_start = tender_start
        sourcing.tender_end = tender_end
        sourcing.contract_start = contract_start
        sourcing.contract_end = contract_end
        sourcing.save()
        _audit(
            actor,
            "changed sourcing route",
            sourcing,
            sourcing.cycle.programme,
            before=before,
            after=snapshot(sourcing),
        )
    return sourcing


def milestone_add(
    *,
    actor: User,
    sourcing: Sourcing,
    title: str,
    kind: str,
    due_on: dt.date,
    met_on: dt.date | None = None,
) -> Milestone:
    """Add a milestone to the route's timeline (after the award, delivery or reporting only)."""
    _check_editor(actor, sourcing.cycle.programme)
    _check_milestone(title, kind)
    if sourcing.awarded_bid_id is not None and kind not in Milestone.AFTER_AWARD:
        raise ValidationError({"kind": "The contract is awarded: choose delivery or reporting"})
    with transaction.atomic():
        milestone = Milestone.objects.create(
            sourcing=sourcing, title=title.strip(), kind=kind, due_on=due_on, met_on=met_on
        )
        _audit(
            actor, "added milestone", milestone, sourcing.cycle.programme, after=snapshot(milestone)
        )
    return milestone


def milestone_locked_reason(milestone: Milestone, *, deleting: bool = False) -> str:
    """Why a milestone can no longer be changed (or removed); empty when it still can.

    Once the contract is awarded, the milestones before the award are the published history
    of the procurement (its tender and award notices carry them), so they stay as they are.
    Delivery and reporting milestones can still be changed (to record them met), and removed
    while they are not yet met: a met delivery milestone is part of the contract's record of
    performance (its implementation release).
    """
    if milestone.sourcing.awarded_bid_id is None:
        return ""
    if not milestone.after_award:
        return (
            "The contract is awarded: the milestones before the award are the published "
            "record of how it was procured, so they can no longer change."
        )
    if deleting and milestone.met_on is not None:
        return (
            "This delivery milestone is met: it is part of the contract's record of "
            "performance, so it cannot be removed. Change it instead if it was recorded wrongly."
        )
    return ""


def _check_milestone(title: str, kind: str) -> None:
    errors = {}
    if not title.strip():
        errors["title"] = "Enter the milestone"
    if kind not in Milestone.Kind.values:
        errors["kind"] = "Choose the kind of milestone"
    if errors:
        raise ValidationError(errors)


def milestone_update(
    *,
    actor: User,
    milestone: Milestone,
    title: str,
    kind: str,
    due_on: dt.date,
    met_on: dt.date | None = None,
) -> Milestone:
    """Change a milestone; after the award only delivery and reporting milestones change."""
    sourcing = milestone.sourcing
    _check_editor(actor, sourcing.cycle.programme)
    locked = milestone_locked_reason(milestone)
    if locked:
        raise ValidationError(locked)
    _check_milestone(title, kind)
    if sourcing.awarded_bid_id is not None and kind not in Milestone.AFTER_AWARD:
        raise ValidationError({"kind": "The contract is awarded: choose delivery or reporting"})
    with transaction.atomic():
        before = snapshot(milestone)
        milestone.title = title.strip()
        milestone.kind = kind
        milestone.due_on = due_on
        milestone.met_on = met_on
        milestone.save()
        _audit(
            actor,
            "changed milestone",
            milestone,
            sourcing.cycle.programme,
            before=before,
            after=snapshot(milestone),
        )
    return milestone


def milestone_delete(*, actor: User, milestone: Milestone) -> None:
    """Remove a milestone from the timeline (its last state stays in the audit trail)."""
    sourcing = milestone.sourcing
    _check_editor(actor, sourcing.cycle.programme)
    locked = milestone_locked_reason(milestone, deleting=True)
    if locked:
        raise ValidationError(locked)
    with transaction.atomic():
        before = snapshot(milestone)
        _audit(actor, "removed milestone", milestone, sourcing.cycle.programme, before=before)
        milestone.delete()


# --- transaction costs ----------------------------------------------------------------------


def costs_save(
    *,
    actor: User,
    sourcing: Sourcing,
    day_rate: Decimal,
    per_bid_cost: Decimal,
    per_bid_cost_source: str,
    expected_saving_percent: Decimal,
    staff_days: dict[str, Decimal],
    external: dict[str, Decimal],
    bids_received: int | None = None,
    at: dt.datetime | None = None,
) -> TransactionCosts:
    """Record (or replace) the transaction costs of a sourcing route."""
    _check_editor(actor, sourcing.cycle.programme)
    errors: dict[str, str] = {}
    if not per_bid_cost_source.strip():
        errors["per_bid_cost_source"] = "Enter where the per-bid cost comes from"
    if day_rate <= 0:
        errors["day_rate"] = "The day rate must be more than 0"
    if not Decimal(0) <= expected_saving_percent <= Decimal(100):
        errors["expected_saving_percent"] = "The expected saving must be between 0 and 100%"
    for name, value in [*staff_days.items(), *external.items()]:
        if value < 0:
            errors[name] = "Enter 0 or more"
    unknown = (
        (set(staff_days) | set(external))
        - {f"{a}_days" for a in COST_ACTIVITIES}
        - {f"{a}_external" for a in COST_ACTIVITIES}
    )
    if unknown:
        raise ValueError(f"unknown cost fields: {sorted(unknown)}")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        existing = TransactionCosts.objects.filter(sourcing=sourcing).first()
        before = snapshot(existing) if existing is not None else None
        costs = existing or TransactionCosts(sourcing=sourcing)
        costs.day_rate = day_rate
        costs.per_bid_cost = per_bid_cost
        costs.per_bid_cost_source = per_bid_cost_source.strip()
        costs.expected_saving_percent = expected_saving_percent
        costs.bids_received = bids_received
        for name, value in [*staff_days.items(), *external.items()]:
            setattr(costs, name, value)
        costs.updated_by = actor
        costs.updated_at = _now(at)
        costs.save()
        _audit(
            actor,
            "recorded transaction costs",
            costs,
            sourcing.cycle.programme,
            before=before,
            after=snapshot(costs),
        )
    return costs


def bids_counted(sourcing: Sourcing) -> int:
    """Bids received: the figure recorded with the costs, else the bids recorded."""
    costs = TransactionCosts.objects.filter(sourcing=sourcing).first()
    if costs is not None and costs.bids_received is not None:
        return costs.bids_received
    return sourcing.bids.count()


def cost_summary(sourcing: Sourcing) -> CostSummary | None:
    """The engine's transaction cost summary for a route (``None`` before costs are recorded)."""
    costs = TransactionCosts.objects.filter(sourcing=sourcing).first()
    if costs is None:
        return None
    return transaction_costs(
        CostInputs(
            day_rate=float(costs.day_rate),
            staff_days={a: float(getattr(costs, f"{a}_days")) for a in COST_ACTIVITIES},
            external={a: float(getattr(costs, f"{a}_external")) for a in COST_ACTIVITIES},
            bids=bids_counted(sourcing),
            per_bid_cost=float(costs.per_bid_cost),
            contract_value=float(sourcing.contract_value),
            expected_saving_rate=float(costs.expected_saving_percent) / 100.0,
        )
    )


def elapsed_days(sourcing: Sourcing) -> int | None:
    """Days from the route's planning date to the award (``None`` before the award)."""
    if sourcing.awarded_on is None:
        return None
    return (sourcing.awarded_on - sourcing.planned_on).days


# --- evaluation and award -------------------------------------------------------------------


def criteria_set(
    *, actor: User, sourcing: Sourcing, price: int, quality: int, social_value: int
) -> Sourcing:
    """Set the award criteria's weights (percent; they must sum to 100)."""
    _check_editor(actor, sourcing.cycle.programme)
    if sourcing.awarded_bid_id is not None:
        raise ValidationError("The contract is awarded: its criteria can no longer change.")
    try:
        check_weights(price, quality, social_value)
    except ValueError as error:
        raise ValidationError({"price_weight": str(error).capitalize()}) from None
    with transaction.atomic():
        before = snapshot(sourcing)
        sourcing.price_weight = price
        sourcing.quality_weight = quality
        sourcing.social_value_weight = social_value
        sourcing.save(update_fields=["price_weight", "quality_weight", "social_value_weight"])
        _audit(
            actor,
            "set award criteria",
            sourcing,
            sourcing.cycle.programme,
            before=before,
            after=snapshot(sourcing),
        )
    return sourcing


def bid_record(
    *,
    actor: User,
    sourcing: Sourcing,
    bidder: str,
    price: Decimal,
    quality_score: Decimal,
    social_value_score: Decimal,
    moderation_notes: str = "",
    sme: bool = False,
    vcse: bool = False,
    public_body: bool = False,
    identifier_scheme: str = "",
    identifier_id: str = "",
    received_on: dt.date | None = None,
    at: dt.datetime | None = None,
) -> Bid:
    """Record a bid with its moderated quality and social value scores."""
    _check_editor(actor, sourcing.cycle.programme)
    if sourcing.awarded_bid_id is not None:
        raise ValidationError("The contract is awarded: no more bids can be recorded.")
    _check_bid(bidder, price, quality_score, social_value_score)
    with transaction.atomic():
        bid = Bid.objects.create(
            sourcing=sourcing,
            bidder=bidder.strip(),
            identifier_scheme=identifier_scheme.strip(),
            identifier_id=identifier_id.strip(),
            sme=sme,
            vcse=vcse,
            public_body=public_body,
            price=price,
            quality_score=quality_score,
            social_value_score=social_value_score,
            moderation_notes=moderation_notes.strip(),
            received_on=received_on,
            recorded_by=actor,
            recorded_at=_now(at),
        )
        _audit(actor, "recorded bid", bid, sourcing.cycle.programme, after=snapshot(bid))
    return bid


def _check_bid(
    bidder: str, price: Decimal, quality_score: Decimal, social_value_score: Decimal
) -> None:
    errors: dict[str, str] = {}
    if not bidder.strip():
        errors["bidder"] = "Enter the bidder's name"
    if price <= 0:
        errors["price"] = "The price must be more than 0"
    for name, score in (
        ("quality_score", quality_score),
        ("social_value_score", social_value_score),
    ):
        if not Decimal(0) <= score <= Decimal(100):
            errors[name] = "Enter a score from 0 to 100"
    if errors:
        raise ValidationError(errors)


def bid_locked_reason(bid: Bid) -> str:
    """Why a bid can no longer be changed or removed; empty when it still can.

    The award decision in the cycle's decision log names every bid's weighted score as the
    options considered, and the award notice publishes the bidders: once the contract is
    awarded, changing or removing a bid would rewrite the evidence behind that decision.
    """
    if bid.sourcing.awarded_bid_id is not None:
        return (
            "The contract is awarded: the award decision was taken on these bids and their "
            "scores, so changing or removing one would rewrite the evidence behind it."
        )
    return ""


def bid_update(
    *,
    actor: User,
    bid: Bid,
    bidder: str,
    price: Decimal,
    quality_score: Decimal,
    social_value_score: Decimal,
    moderation_notes: str = "",
    sme: bool = False,
    vcse: bool = False,
    public_body: bool = False,
    identifier_scheme: str = "",
    identifier_id: str = "",
    received_on: dt.date | None = None,
) -> Bid:
    """Correct a bid or its moderated scores, until the contract is awarded."""
    sourcing = bid.sourcing
    _check_editor(actor, sourcing.cycle.programme)
    locked = bid_locked_reason(bid)
    if locked:
        raise ValidationError(locked)
    _check_bid(bidder, price, quality_score, social_value_score)
    with transaction.atomic():
        before = snapshot(bid)
        bid.bidder = bidder.strip()
        bid.identifier_scheme = identifier_scheme.strip()
        bid.identifier_id = identifier_id.strip()
        bid.sme = sme
        bid.vcse = vcse
        bid.public_body = public_body
        bid.price = price
        bid.quality_score = quality_score
        bid.social_value_score = social_value_score
        bid.moderation_notes = moderation_notes.strip()
        bid.received_on = received_on
        bid.save()
        _audit(
            actor, "changed bid", bid, sourcing.cycle.programme, before=before, after=snapshot(bid)
        )
    return bid


def bid_delete(*, actor: User, bid: Bid) -> None:
    """Remove a bid recorded in error, until the contract is awarded (audited with its data)."""
    sourcing = bid.sourcing
    _check_editor(actor, sourcing.cycle.programme)
    locked = bid_locked_reason(bid)
    if locked:
        raise ValidationError(locked)
    with transaction.atomic():
        _audit(actor, "removed bid", bid, sourcing.cycle.programme, before=snapshot(bid))
        bid.delete()


def bid_scores(sourcing: Sourcing) -> list[dict[str, Any]]:
    """Every bid scored and ranked by the engine (empty until the weights are set)."""
    bids = list(sourcing.bids.all())
    if not bids or not sourcing.has_weights:
        return []
    frame = pd.DataFrame(
        {
            "bid": bids,
            "bidder": [b.bidder for b in bids],
            "price": [float(b.price) for b in bids],
            "quality": [float(b.quality_score) for b in bids],
            "social_value": [float(b.social_value_score) for b in bids],
        }
    )
    scored = score_bids(
        frame,
        price_weight=sourcing.price_weight or 0,
        quality_weight=sourcing.quality_weight or 0,
        social_value_weight=sourcing.social_value_weight or 0,
    )
    rows = scored.sort_values(["rank", "bidder"], kind="stable").to_dict("records")
    return [{str(k): v for k, v in row.items()} for row in rows]


def award_record(
    *,
    actor: User,
    sourcing: Sourcing,
    bid: Bid,
    awarded_on: dt.date,
    rationale: str,
    decision_maker: str = "",
    contract_start: dt.date | None = None,
    contract_end: dt.date | None = None,
    at: dt.datetime | None = None,
) -> Decision:
    """Award the contract to a bid, logging the award decision in the cycle's decision log."""
    _check_editor(actor, sourcing.cycle.programme)
    if sourcing.awarded_bid_id is not None:
        raise ValidationError("This contract is already awarded.")
    if bid.sourcing_id != sourcing.pk:
        raise ValidationError({"bid": "Choose one of this route's bids"})
    if not sourcing.has_weights:
        raise ValidationError({"bid": "Set the award criteria before awarding"})
    if contract_start and contract_end and contract_end < contract_start:
        raise ValidationError({"contract_end": "The end date must be on or after the start"})
    scores = {row["bid"].pk: row for row in bid_scores(sourcing)}
    chosen = scores[bid.pk]
    options = "; ".join(
        f"{row['bidder']}: {row['weighted_score']:.2f} (rank {row['rank']})"
        for row in scores.values()
    )
    with transaction.atomic():
        decision = cycle_services.decision_record(
            actor=actor,
            cycle=sourcing.cycle,
            title=(
                f"Award {sourcing.title} to {bid.bidder} "
                f"(weighted score {chosen['weighted_score']:.2f})"
            ),
            rationale=rationale,
            options_considered=options,
            stage_id=do_stage(sourcing.cycle),
            decision_maker=decision_maker,
            decided_at=at or _on_day(awarded_on),
        )
        before = snapshot(sourcing)
        sourcing.awarded_bid = bid
        sourcing.awarded_on = awarded_on
        sourcing.award_decision = decision
        if contract_start is not None:
            sourcing.contract_start = contract_start
        if contract_end is not None:
            sourcing.contract_end = contract_end
        sourcing.save()
        _audit(
            actor,
            "awarded contract",
            sourcing,
            sourcing.cycle.programme,
            before=before,
            after=snapshot(sourcing),
        )
    return decision


def sourcing_terminate(
    *, actor: User, sourcing: Sourcing, terminated_on: dt.date, reason: str
) -> Sourcing:
    """Record that an awarded contract ended early (published as a termination notice)."""
    _check_editor(actor, sourcing.cycle.programme)
    if sourcing.awarded_bid_id is None or sourcing.contract_start is None:
        raise ValidationError("Only a contract that has started can be terminated.")
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the contract ended"})
    with transaction.atomic():
        before = snapshot(sourcing)
        sourcing.terminated_on = terminated_on
        sourcing.save(update_fields=["terminated_on"])
        _audit(
            actor,
            f"terminated contract: {reason.strip()}",
            sourcing,
            sourcing.cycle.programme,
            before=before,
            after=snapshot(sourcing),
        )
    return sourcing


# --- publication ----------------------------------------------------------------------------


def commissioning_record(sourcing: Sourcing) -> CommissioningRecord:
    """The sourcing as the engine's plain commissioning record."""
    organisation = sourcing.cycle.programme.organisation
    buyer = organisation.ocds_identifier
    weights = ""
    if sourcing.has_weights:
        weights = (
            f"Price {sourcing.price_weight}%, quality {sourcing.quality_weight}%, "
            f"social value {sourcing.social_value_weight}%"
        )
    return CommissioningRecord(
        ocid=sourcing.ocid,
        title=sourcing.title,
        description=sourcing.description or sourcing.title,
        route=sourcing.route,
        buyer_id=buyer.party_id,
        buyer_name=organisation.name,
        buyer_scheme=buyer.scheme,
        buyer_scheme_id=buyer.id,
        value=float(sourcing.contract_value),
        planned=sourcing.planned_on,
        rationale=sourcing.rationale,
        milestones=tuple(
            MilestoneEntry(
                id=str(m.pk),
                title=m.title,
                due=m.due_on,
                met=m.met_on,
                type=m.kind,
                after_award=m.after_award,
            )
            for m in sourcing.milestones.all()
        ),
        tender_start=sourcing.tender_start,
        tender_end=sourcing.tender_end,
        award_criteria_details=weights,
        bids=tuple(
            BidderEntry(
                id=f"bid-{b.pk}",
                name=b.bidder,
                price=float(b.price),
                sme=b.sme,
                vcse=b.vcse,
                public=b.public_body,
                identifier_scheme=b.identifier_scheme,
                identifier_id=b.identifier_id,
                submitted=b.received_on,
            )
            for b in sourcing.bids.all()
        ),
        awarded_bid=f"bid-{sourcing.awarded_bid_id}" if sourcing.awarded_bid_id else None,
        awarded=sourcing.awarded_on,
        contract_start=sourcing.contract_start,
        contract_end=sourcing.contract_end,
        contract_signed=sourcing.contract_start if sourcing.awarded_on else None,
        terminated=sourcing.terminated_on,
        kpis=_contract_kpis(sourcing),
    )


def _contract_kpis(sourcing: Sourcing) -> tuple[RatedKPI, ...]:
    """The KPIs, rated from accepted returns, of the agreement made by this route's award.

    The agreement is the one in the contract register recorded against the award decision.
    """
    if sourcing.award_decision_id is None:
        return ()
    agreement = (
        Agreement.objects.filter(decision_id=sourcing.award_decision_id).order_by("id").first()
    )
    return published_kpis(agreement) if agreement is not None else ()


def ocds_package(sourcing: Sourcing, *, uri: str) -> dict[str, Any]:
    """The sourcing's OCDS 1.1 release package."""
    return ocds_release_package(
        commissioning_record(sourcing),
        uri=uri,
        publisher=sourcing.cycle.programme.organisation.name,
        published=timezone.now(),
    )


def notices(sourcing: Sourcing) -> list[dict[str, Any]]:
    """The UK notices the sourcing corresponds to."""
    return uk_notices(commissioning_record(sourcing))
