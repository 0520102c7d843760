"""Pages for sourcing routes, transaction costs, evaluation, publication and the market.

Access: reading needs the VIEW capability in the programme's lead or partner organisation
(commissioner, analyst, finance, procurement, approver, auditor, administrator); changing
needs EDIT (commissioner, analyst, finance, procurement). Providers and other councils hold
neither, so they are refused everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import orjson
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from spiral.charts.bars import bar_chart
from spiral.sourcing.routes import route as route_of
from workspace.accounts.access import Capability, has_capability
from workspace.cycles.models import Cycle, Programme
from workspace.http import AuthenticatedHttpRequest, on_valid_post
from workspace.sourcing import services
from workspace.sourcing.forms import (
    ACTIVITY_LABELS,
    AwardForm,
    BidForm,
    CostsForm,
    CriteriaForm,
    MarketFilterForm,
    MilestoneForm,
    SourcingForm,
    StatementForm,
    TerminationForm,
    UploadForm,
)
from workspace.sourcing.models import (
    Bid,
    MarketFilter,
    MarketStatement,
    Milestone,
    Sourcing,
    TransactionCosts,
)

GET_POST = require_http_methods(["GET", "POST"])
Part = TypeVar("Part", Milestone, Bid)


def _may(request: HttpRequest, programme: Programme, capability: Capability) -> bool:
    return any(has_capability(request.user, org, capability) for org in programme.organisations())


def _require(request: HttpRequest, programme: Programme, capability: Capability) -> None:
    if not _may(request, programme, capability):
        raise PermissionDenied("You cannot see or change this programme's sourcing.")


def _cycle(request: HttpRequest, pk: int, capability: Capability) -> Cycle:
    cycle = get_object_or_404(Cycle.objects.select_related("programme__organisation"), pk=pk)
    _require(request, cycle.programme, capability)
    return cycle


def _sourcing(request: HttpRequest, pk: int, capability: Capability) -> Sourcing:
    sourcing = get_object_or_404(
        Sourcing.objects.select_related("cycle__programme__organisation"), pk=pk
    )
    _require(request, sourcing.cycle.programme, capability)
    return sourcing


def _programme(request: HttpRequest, pk: int, capability: Capability) -> Programme:
    programme = get_object_or_404(Programme.objects.select_related("organisation"), pk=pk)
    _require(request, programme, capability)
    return programme


def _part(request: HttpRequest, pk: int, model: type[Part], part: int) -> Part:
    """One milestone or bid of sourcing ``pk``, for its editors (404 if it is another's)."""
    sourcing = _sourcing(request, pk, Capability.EDIT)
    found = get_object_or_404(model, pk=part, sourcing=sourcing)
    found.sourcing = sourcing
    return found


def _page(request: HttpRequest, template: str, title: str, **context: Any) -> HttpResponse:
    return render(request, f"sourcing/{template}", {"title": title, **context})


# --- routes ---------------------------------------------------------------------------------


@login_required
@require_GET
def sourcing_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk, Capability.VIEW)
    sourcings = list(cycle.sourcings.all())
    return _page(
        request,
        "sourcing_list.html",
        f"Sourcing: cycle {cycle.number}",
        cycle=cycle,
        sourcings=[(s, route_of(s.route)) for s in sourcings],
        may_edit=_may(request, cycle.programme, Capability.EDIT),
    )


@login_required
@GET_POST
def sourcing_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk, Capability.EDIT)
    form = SourcingForm(request.POST or None)
    sourcing = on_valid_post(
        request, form, lambda d: services.sourcing_create(actor=request.user, cycle=cycle, **d)
    )
    if sourcing is not None:
        messages.success(request, f"Route chosen: {route_of(sourcing.route).label}")
        return redirect("sourcing:sourcing", pk=sourcing.pk)
    return _page(request, "sourcing_new.html", "Choose a sourcing route", cycle=cycle, form=form)


@login_required
@require_GET
def sourcing_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sourcing = _sourcing(request, pk, Capability.VIEW)
    summary = services.cost_summary(sourcing)
    chart = None
    if summary is not None:
        chart = bar_chart(
            [
                "Commissioner before award",
                "Commissioner after award",
                "Bidders",
                "Expected saving",
            ],
            [
                summary.commissioner_before,
                summary.commissioner_after,
                summary.bidders,
                summary.expected_saving,
            ],
            title="Transaction costs against the expected saving",
            description=(
                f"Transaction costs total £{summary.total:,.0f} against an expected saving "
                f"of £{summary.expected_saving:,.0f}."
            ),
            value_format="£{:,.0f}",
        )
    return _page(
        request,
        "sourcing_detail.html",
        sourcing.title,
        sourcing=sourcing,
        cycle=sourcing.cycle,
        route=route_of(sourcing.route),
        milestones=list(sourcing.milestones.all()),
        costs=TransactionCosts.objects.filter(sourcing=sourcing).first(),
        summary=summary,
        chart=chart,
        bids_counted=services.bids_counted(sourcing),
        elapsed=services.elapsed_days(sourcing),
        scores=services.bid_scores(sourcing),
        bids=list(sourcing.bids.all()),
        notices=services.notices(sourcing),
        may_edit=_may(request, sourcing.cycle.programme, Capability.EDIT),
    )


@login_required
@GET_POST
def sourcing_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sourcing = _sourcing(request, pk, Capability.EDIT)
    initial = {name: getattr(sourcing, name) for name in SourcingForm.base_fields}
    form = SourcingForm(request.POST or None, initial=initial)
    saved = on_valid_post(
        request,
        form,
        lambda d: services.sourcing_update(actor=request.user, sourcing=sourcing, **d),
    )
    if saved is not None:
        messages.success(request, f"Saved: {saved.title}")
        return redirect("sourcing:sourcing", pk=sourcing.pk)
    return _page(
        request,
        "sourcing_new.html",
        "Change the sourcing route",
        cycle=sourcing.cycle,
        form=form,
        editing=True,
    )


@login_required
@GET_POST
def terminate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sourcing = _sourcing(request, pk, Capability.EDIT)
    form = TerminationForm(request.POST or None)
    saved = on_valid_post(
        request,
        form,
        lambda d: services.sourcing_terminate(actor=request.user, sourcing=sourcing, **d),
    )
    if saved is not None:
        messages.success(request, "Termination recorded: a termination notice follows")
        return redirect("sourcing:sourcing", pk=sourcing.pk)
    return _page(request, "terminate.html", "Record an early end", sourcing=sourcing, form=form)


@login_required
@GET_POST
def milestone_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sourcing = _sourcing(request, pk, Capability.EDIT)
    form = MilestoneForm(request.POST or None)
    added = on_valid_post(
        request, form, lambda d: services.milestone_add(actor=request.user, sourcing=sourcing, **d)
    )
    if added is not None:
        messages.success(request, f"Milestone added: {added.title}")
        return redirect("sourcing:sourcing", pk=sourcing.pk)
    return _page(request, "milestone_new.html", "Add a milestone", sourcing=sourcing, form=form)


def _locked(request: HttpRequest, sourcing: Sourcing, title: str, reason: str) -> HttpResponse:
    """The page that says why a record can no longer change (refused, not an error)."""
    return _page(request, "locked.html", title, sourcing=sourcing, reason=reason)


def _removal(
    request: HttpRequest,
    sourcing: Sourcing,
    *,
    what: str,
    name: str,
    question: str,
    rows: Sequence[tuple[str, str]],
    locked: str,
    remove: Callable[[], object],
    section: str,
    effect: str = "",
) -> HttpResponse:
    """Remove one record of a sourcing, after a confirmation page.

    The caller has already checked that the user may edit ``sourcing`` and found the record
    in it. A record that can no longer change (``locked`` names why) gets the locked page;
    a GET shows ``question``, the record's ``rows`` and what removing it does (``effect``,
    by default that the ``what`` leaves the record); a POST calls ``remove`` (a service that
    deletes and audits), says so, and returns to the sourcing page's ``section``.
    """
    if locked:
        return _locked(request, sourcing, f"You cannot remove this {what}", locked)
    if request.method == "POST":
        remove()
        messages.success(request, f"{what.capitalize()} removed: {name}")
        return redirect(reverse("sourcing:sourcing", kwargs={"pk": sourcing.pk}) + f"#{section}")
    return _page(
        request,
        "confirm_delete.html",
        question,
        sourcing=sourcing,
        what=what,
        rows=rows,
        effect=effect or f"The {what} is removed from the record.",
    )


@login_required
@GET_POST
def milestone_edit(request: AuthenticatedHttpRequest, pk: int, milestone: int) -> HttpResponse:
    found = _part(request, pk, Milestone, milestone)
    sourcing = found.sourcing
    locked = services.milestone_locked_reason(found)
    if locked:
        return _locked(request, sourcing, "You cannot change this milestone", locked)
    initial = {name: getattr(found, name) for name in MilestoneForm.base_fields}
    form = MilestoneForm(request.POST or None, initial=initial)
    saved = on_valid_post(
        request, form, lambda d: services.milestone_update(actor=request.user, milestone=found, **d)
    )
    if saved is not None:
        messages.success(request, f"Milestone changed: {saved.title}")
        return redirect(reverse("sourcing:sourcing", kwargs={"pk": sourcing.pk}) + "#timeline")
    return _page(
        request,
        "milestone_new.html",
        "Change a milestone",
        sourcing=sourcing,
        form=form,
        editing=True,
    )


@login_required
@GET_POST
def milestone_delete(request: AuthenticatedHttpRequest, pk: int, milestone: int) -> HttpResponse:
    found = _part(request, pk, Milestone, milestone)
    return _removal(
        request,
        found.sourcing,
        what="milestone",
        name=found.title,
        question=f"Remove the milestone {found.title}?",
        rows=[
            ("Milestone", found.title),
            ("Kind", found.get_kind_display()),
            ("Due", found.due_on.strftime("%d %B %Y")),
            ("Met", found.met_on.strftime("%d %B %Y") if found.met_on else "Not yet"),
        ],
        locked=services.milestone_locked_reason(found, deleting=True),
        remove=lambda: services.milestone_delete(actor=request.user, milestone=found),
        section="timeline",
    )


# --- transaction costs ----------------------------------------------------------------------


@login_required
@GET_POST
def costs_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sourcing = _sourcing(request, pk, Capability.EDIT)
    existing = TransactionCosts.objects.filter(sourcing=sourcing).first()
    initial: dict[str, Any] = {}
    if existing is not None:
        initial = {
            field.name: getattr(existing, field.name)
            for field in TransactionCosts._meta.concrete_fields
        }
    form = CostsForm(request.POST or None, initial=initial)
    saved = on_valid_post(
        request,
        form,
        lambda d: services.costs_save(
            actor=request.user,
            sourcing=sourcing,
            day_rate=d["day_rate"],
            per_bid_cost=d["per_bid_cost"],
            per_bid_cost_source=d["per_bid_cost_source"],
            expected_saving_percent=d["expected_saving_percent"],
            bids_received=d["bids_received"],
            staff_days=form.staff_days(),
            external=form.external(),
        ),
    )
    if saved is not None:
        messages.success(request, "Transaction costs saved")
        return redirect("sourcing:sourcing", pk=sourcing.pk)
    return _page(
        request,
        "costs_edit.html",
        "Transaction costs",
        sourcing=sourcing,
        form=form,
        activities=ACTIVITY_LABELS,
    )


# --- evaluation and award -------------------------------------------------------------------


@login_required
@GET_POST
def criteria_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sourcing = _sourcing(request, pk, Capability.EDIT)
    initial = {
        "price_weight": sourcing.price_weight,
        "quality_weight": sourcing.quality_weight,
        "social_value_weight": sourcing.social_value_weight,
    }
    form = CriteriaForm(request.POST or None, initial=initial)
    saved = on_valid_post(
        request,
        form,
        lambda d: services.criteria_set(
            actor=request.user,
            sourcing=sourcing,
            price=d["price_weight"],
            quality=d["quality_weight"],
            social_value=d["social_value_weight"],
        ),
    )
    if saved is not None:
        messages.success(request, "Award criteria saved")
        return redirect("sourcing:sourcing", pk=sourcing.pk)
    return _page(request, "criteria_edit.html", "Award criteria", sourcing=sourcing, form=form)


@login_required
@GET_POST
def bid_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sourcing = _sourcing(request, pk, Capability.EDIT)
    form = BidForm(request.POST or None)
    bid = on_valid_post(
        request, form, lambda d: services.bid_record(actor=request.user, sourcing=sourcing, **d)
    )
    if bid is not None:
        messages.success(request, f"Bid recorded: {bid.bidder}")
        return redirect("sourcing:sourcing", pk=sourcing.pk)
    return _page(request, "bid_new.html", "Record a bid", sourcing=sourcing, form=form)


@login_required
@GET_POST
def bid_edit(request: AuthenticatedHttpRequest, pk: int, bid: int) -> HttpResponse:
    found = _part(request, pk, Bid, bid)
    sourcing = found.sourcing
    locked = services.bid_locked_reason(found)
    if locked:
        return _locked(request, sourcing, "You cannot change this bid", locked)
    initial = {name: getattr(found, name) for name in BidForm.base_fields}
    form = BidForm(request.POST or None, initial=initial)
    saved = on_valid_post(
        request, form, lambda d: services.bid_update(actor=request.user, bid=found, **d)
    )
    if saved is not None:
        messages.success(request, f"Bid changed: {saved.bidder}")
        return redirect(reverse("sourcing:sourcing", kwargs={"pk": sourcing.pk}) + "#evaluation")
    return _page(
        request, "bid_new.html", "Change a bid", sourcing=sourcing, form=form, editing=True
    )


@login_required
@GET_POST
def bid_delete(request: AuthenticatedHttpRequest, pk: int, bid: int) -> HttpResponse:
    found = _part(request, pk, Bid, bid)
    return _removal(
        request,
        found.sourcing,
        what="bid",
        name=found.bidder,
        question=f"Remove the bid from {found.bidder}?",
        rows=[
            ("Bidder", found.bidder),
            ("Price", f"£{found.price:,.0f}"),
            ("Quality score", str(found.quality_score)),
            ("Social value score", str(found.social_value_score)),
        ],
        locked=services.bid_locked_reason(found),
        remove=lambda: services.bid_delete(actor=request.user, bid=found),
        section="evaluation",
        effect="The bid is removed from the record and from the scoring.",
    )


@login_required
@GET_POST
def award(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sourcing = _sourcing(request, pk, Capability.EDIT)
    scores = services.bid_scores(sourcing)
    choices = [
        (
            str(row["bid"].pk),
            f"{row['bidder']}: weighted score {row['weighted_score']:.2f} (rank {row['rank']})",
        )
        for row in scores
    ]
    form = AwardForm(
        request.POST or None,
        bids=choices,
        initial={
            "contract_start": sourcing.contract_start,
            "contract_end": sourcing.contract_end,
        },
    )

    def award_to(data: dict[str, Any]) -> Bid:
        bid = sourcing.bids.get(pk=int(data["bid"]))
        services.award_record(
            actor=request.user,
            sourcing=sourcing,
            bid=bid,
            awarded_on=data["awarded_on"],
            rationale=data["rationale"],
            decision_maker=data["decision_maker"],
            contract_start=data["contract_start"],
            contract_end=data["contract_end"],
        )
        return bid

    awarded = on_valid_post(request, form, award_to)
    if awarded is not None:
        messages.success(request, f"Awarded to {awarded.bidder}: the decision is in the log")
        return redirect("sourcing:sourcing", pk=sourcing.pk)
    return _page(
        request,
        "award.html",
        "Award the contract",
        sourcing=sourcing,
        form=form,
        scores=scores,
        awarded=sourcing.awarded_bid_id is not None,
    )


# --- publication ----------------------------------------------------------------------------


def _json(data: Any, filename: str) -> HttpResponse:
    response = HttpResponse(
        orjson.dumps(data, option=orjson.OPT_INDENT_2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def ocds_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sourcing = _sourcing(request, pk, Capability.VIEW)
    uri = request.build_absolute_uri(reverse("sourcing:ocds", kwargs={"pk": sourcing.pk}))
    return _json(services.ocds_package(sourcing, uri=uri), f"{sourcing.ocid}.json")


@login_required
@require_GET
def notices_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sourcing = _sourcing(request, pk, Capability.VIEW)
    return _json(
        {"ocid": sourcing.ocid, "notices": services.notices(sourcing)},
        f"{sourcing.ocid}-notices.json",
    )


# --- the market -----------------------------------------------------------------------------


def _share_chart(rows: list[dict[str, Any]], title: str) -> str:
    return bar_chart(
        [str(row["name"]) for row in rows],
        [100.0 * float(row["share"]) for row in rows],
        title=title,
        description=", ".join(f"{row['name']}: {100 * row['share']:.1f}%" for row in rows),
        value_format="{:.1f}%",
    )


@login_required
@require_GET
def market(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk, Capability.VIEW)
    view = services.market_view(programme)
    return _page(
        request,
        "market.html",
        f"Market: {programme.name}",
        programme=programme,
        view=view,
        contract_chart=_share_chart(view["contract_shares"], "Providers' shares of contract value")
        if view["contract_shares"]
        else None,
        spend_chart=_share_chart(view["spend_shares"], "Providers' shares of payments")
        if view["spend_shares"]
        else None,
        imports=list(programme.market_imports.all()),
        statement=MarketStatement.objects.filter(programme=programme).first(),
        may_edit=_may(request, programme, Capability.EDIT),
    )


@login_required
@GET_POST
def market_filter_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk, Capability.EDIT)
    view = services.market_view(programme, filtered=False)
    saved = MarketFilter.objects.filter(programme=programme).first()
    initial: dict[str, Any] = {}
    if saved is not None:
        initial = {
            "cpv": ", ".join(saved.cpv_prefixes),
            "buyer_id": saved.buyer_id,
            "awarded_from": saved.awarded_from,
            "awarded_to": saved.awarded_to,
        }
    form = MarketFilterForm(request.POST or None, initial=initial, buyers=view["buyers"])
    done = on_valid_post(
        request,
        form,
        lambda d: services.market_filter_save(actor=request.user, programme=programme, **d),
    )
    if done is not None:
        messages.success(
            request,
            "Market filter saved" if done.is_set else "Market filter cleared: the whole market",
        )
        return redirect("sourcing:market", pk=programme.pk)
    return _page(
        request,
        "market_filter.html",
        "Choose the market for this service",
        programme=programme,
        form=form,
        codes=view["cpv_codes"],
        processes=view["processes_imported"],
    )


@login_required
@GET_POST
def ocds_import(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk, Capability.EDIT)
    form = UploadForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            record = services.ocds_import(
                actor=request.user,
                programme=programme,
                file_name=upload.name,
                data=upload.read(),
            )
        except services.ImportRefused as refused:
            report = refused.report
            form.add_error(
                "file",
                f"The file has {report.total} problem(s) of {len(report.counts)} kind(s); "
                "nothing was imported",
            )
        else:
            warned = sum(w["count"] for w in record.summary["warnings"].values())
            note = f", with {warned} warning(s) about the package's own fields" if warned else ""
            messages.success(
                request, f"Imported {record.summary['processes']} contracting process(es){note}"
            )
            return redirect("sourcing:market", pk=programme.pk)
    return _page(
        request,
        "ocds_import.html",
        "Import OCDS data",
        programme=programme,
        form=form,
        report=report,
    )


@login_required
@GET_POST
def spend_import(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk, Capability.EDIT)
    form = UploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            record = services.spend_import(
                actor=request.user, programme=programme, file_name=upload.name, data=upload.read()
            )
        except ValidationError as error:
            problems = list(error.message_dict.get("file", []))
            form.add_error("file", f"The file has {len(problems)} problem(s); nothing was imported")
        else:
            messages.success(
                request,
                f"Imported {record.summary['payments']} payment(s) to "
                f"{record.summary['suppliers']} supplier(s)",
            )
            return redirect("sourcing:market", pk=programme.pk)
    return _page(
        request,
        "spend_import.html",
        "Import a spend file",
        programme=programme,
        form=form,
        problems=problems,
    )


@login_required
@GET_POST
def statement_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk, Capability.EDIT)
    existing = MarketStatement.objects.filter(programme=programme).first()
    initial = {"text": existing.text if existing else services.statement_draft(programme)}
    form = StatementForm(request.POST or None, initial=initial)
    saved = on_valid_post(
        request,
        form,
        lambda d: services.statement_save(actor=request.user, programme=programme, text=d["text"]),
    )
    if saved is not None:
        messages.success(request, "Market position statement saved")
        return redirect("sourcing:market", pk=programme.pk)
    return _page(
        request,
        "statement_edit.html",
        "Market position statement",
        programme=programme,
        form=form,
        drafted=existing is None,
    )
