"""API operations over sourcing and the market (mounted on ``/api/``); read only.

Each operation checks the same capability as the pages (VIEW in the programme's lead or
partner organisation) and calls the same services.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Router, Schema
from ninja.errors import HttpError

from spiral.sourcing.routes import route as route_of
from workspace.accounts.access import Capability, has_capability
from workspace.cycles.models import Cycle, Programme
from workspace.http import AuthenticatedHttpRequest
from workspace.sourcing import services
from workspace.sourcing.models import Sourcing

router = Router(tags=["Sourcing and the market"])


class CostsOut(Schema):
    commissioner_before: float
    commissioner_after: float
    bidders: float
    total: float
    share_of_value: float | None
    expected_saving: float
    costs_more_than_it_saves: bool


class SourcingOut(Schema):
    id: int
    ocid: str
    title: str
    route: str
    route_label: str
    regime: str
    contract_value: float
    bids: int
    awarded_to: str | None
    costs: CostsOut | None
    ocds_url: str


def _require(request: HttpRequest, programme: Programme) -> None:
    if not any(
        has_capability(request.user, org, Capability.VIEW) for org in programme.organisations()
    ):
        raise HttpError(403, "You cannot see this programme.")


def _out(sourcing: Sourcing) -> SourcingOut:
    summary = services.cost_summary(sourcing)
    spec = route_of(sourcing.route)
    return SourcingOut(
        id=sourcing.pk,
        ocid=sourcing.ocid,
        title=sourcing.title,
        route=sourcing.route,
        route_label=spec.label,
        regime=spec.regime,
        contract_value=float(sourcing.contract_value),
        bids=services.bids_counted(sourcing),
        awarded_to=sourcing.awarded_bid.bidder if sourcing.awarded_bid else None,
        costs=None
        if summary is None
        else CostsOut(
            commissioner_before=summary.commissioner_before,
            commissioner_after=summary.commissioner_after,
            bidders=summary.bidders,
            total=summary.total,
            share_of_value=summary.share_of_value,
            expected_saving=summary.expected_saving,
            costs_more_than_it_saves=summary.costs_more_than_it_saves,
        ),
        ocds_url=reverse("api:sourcing_ocds", kwargs={"pk": sourcing.pk}),
    )


@router.get(
    "/cycles/{pk}/sourcing",
    response=list[SourcingOut],
    summary="A cycle's sourcing routes with their transaction costs and award",
)
def cycle_sourcing(request: AuthenticatedHttpRequest, pk: int) -> list[SourcingOut]:
    cycle = get_object_or_404(Cycle.objects.select_related("programme"), pk=pk)
    _require(request, cycle.programme)
    return [_out(s) for s in cycle.sourcings.select_related("awarded_bid")]


@router.get(
    "/sourcing/{pk}/ocds",
    url_name="sourcing_ocds",
    summary="A sourcing record as an OCDS 1.1 release package",
)
def sourcing_ocds(request: AuthenticatedHttpRequest, pk: int) -> dict[str, Any]:
    sourcing = get_object_or_404(Sourcing.objects.select_related("cycle__programme"), pk=pk)
    _require(request, sourcing.cycle.programme)
    return services.ocds_package(sourcing, uri=request.build_absolute_uri())


@router.get(
    "/programmes/{pk}/market",
    summary="A programme's market: providers' shares, concentration and diversity",
)
def programme_market(request: AuthenticatedHttpRequest, pk: int) -> dict[str, Any]:
    programme = get_object_or_404(Programme, pk=pk)
    _require(request, programme)
    view = services.market_view(programme)
    view.pop("all_contract_shares")
    return view
