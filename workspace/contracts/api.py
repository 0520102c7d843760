"""API operations for agreements and provider returns (mounted on ``/api/``).

A provider's system sends returns with the provider's token; the same service checks them
as the form does, so a return that the page would refuse is refused here (422, with a
message per field). An agreement the caller may not see is "not found" (404), as on the
pages.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status

from workspace.contracts import services
from workspace.contracts.access import agreement_for, visible_agreements
from workspace.contracts.models import Agreement, Return
from workspace.http import AuthenticatedHttpRequest

router = Router(tags=["Contracts and returns"])


class ErrorsOut(Schema):
    errors: dict[str, list[str]]


class KPIOut(Schema):
    id: int
    name: str
    unit: str
    kind: str
    polarity: str
    target: Decimal | None
    minimum: Decimal | None
    maximum: Decimal | None


class AgreementOut(Schema):
    id: int
    reference: str
    title: str
    programme: str
    provider: str
    status: str
    start_date: dt.date
    end_date: dt.date
    return_frequency: str
    kpis: list[KPIOut]


class KPIValueIn(Schema):
    kpi: int
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None


class ReturnIn(Schema):
    period_start: dt.date
    values: list[KPIValueIn]
    spend: Decimal | None = None
    activity: str = ""
    narrative: str = ""
    submit: bool = True


class KPIValueOut(Schema):
    kpi: int
    value: Decimal
    numerator: Decimal | None
    denominator: Decimal | None


class VersionOut(Schema):
    number: int
    submitted: bool
    saved_at: dt.datetime
    spend: Decimal | None
    activity: str
    narrative: str
    values: list[KPIValueOut]


class ReturnOut(Schema):
    id: int
    agreement_id: int
    period_start: dt.date
    period_end: dt.date
    due_date: dt.date
    status: str
    queries: list[str]
    versions: list[VersionOut]


def _agreement_out(agreement: Agreement) -> AgreementOut:
    return AgreementOut(
        id=agreement.pk,
        reference=agreement.reference,
        title=agreement.title,
        programme=agreement.programme.name,
        provider=agreement.provider_name,
        status=agreement.status,
        start_date=agreement.start_date,
        end_date=agreement.end_date,
        return_frequency=agreement.return_frequency,
        kpis=[
            KPIOut(
                id=k.pk,
                name=k.name,
                unit=k.unit,
                kind=k.kind,
                polarity=k.polarity,
                target=k.target,
                minimum=k.minimum,
                maximum=k.maximum,
            )
            for k in agreement.kpis.all()
        ],
    )


def _return_out(ret: Return) -> ReturnOut:
    return ReturnOut(
        id=ret.pk,
        agreement_id=ret.agreement_id,
        period_start=ret.period_start,
        period_end=ret.period_end,
        due_date=ret.due_date,
        status=ret.status,
        queries=[q.message for q in ret.queries.all()],
        versions=[
            VersionOut(
                number=v.number,
                submitted=v.submitted,
                saved_at=v.saved_at,
                spend=v.spend,
                activity=v.activity,
                narrative=v.narrative,
                values=[
                    KPIValueOut(
                        kpi=x.kpi_id,
                        value=x.value,
                        numerator=x.numerator,
                        denominator=x.denominator,
                    )
                    for x in v.values.all()
                ],
            )
            for v in ret.versions.order_by("number")
        ],
    )


def _agreement(request: HttpRequest, pk: int) -> Agreement:
    try:
        return agreement_for(request.user, pk)
    except Http404:
        raise HttpError(404, "No such agreement") from None


class QueryIn(Schema):
    message: str


def _return_to_review(request: HttpRequest, pk: int) -> Return:
    ret = Return.objects.filter(pk=pk).select_related("agreement").first()
    if ret is None:
        raise HttpError(404, "No such return")
    _agreement(request, ret.agreement_id)
    return ret


@router.get("/agreements", response=list[AgreementOut], summary="Agreements you may see")
def agreements(request: AuthenticatedHttpRequest) -> list[AgreementOut]:
    return [_agreement_out(a) for a in visible_agreements(request.user)]


@router.get("/agreements/{pk}", response=AgreementOut, summary="One agreement and its KPIs")
def agreement(request: AuthenticatedHttpRequest, pk: int) -> AgreementOut:
    return _agreement_out(_agreement(request, pk))


@router.get("/agreements/{pk}/returns", response=list[ReturnOut], summary="An agreement's returns")
def agreement_returns(request: AuthenticatedHttpRequest, pk: int) -> list[ReturnOut]:
    found = _agreement(request, pk)
    return [_return_out(r) for r in found.returns.all()]


@router.post(
    "/agreements/{pk}/returns",
    response={201: ReturnOut, 403: ErrorsOut, 422: ErrorsOut},
    summary="Save or submit a return for one period (the provider only)",
)
def return_send(
    request: AuthenticatedHttpRequest, pk: int, payload: ReturnIn
) -> Status[ReturnOut | ErrorsOut]:
    found = _agreement(request, pk)
    entries = {
        item.kpi: {
            "value": item.value,
            "numerator": item.numerator,
            "denominator": item.denominator,
        }
        for item in payload.values
    }
    try:
        ret = services.return_save(
            actor=request.user,
            agreement=found,
            period_start=payload.period_start,
            entries=entries,
            spend=payload.spend,
            activity=payload.activity,
            narrative=payload.narrative,
            submit=payload.submit,
        )
    except PermissionDenied as error:
        return Status(403, ErrorsOut(errors={"__all__": [str(error)]}))
    except ValidationError as error:
        errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        return Status(422, ErrorsOut(errors=errors))
    return Status(201, _return_out(ret))


@router.get("/returns/{pk}", response=ReturnOut, summary="One return with every version")
def return_detail(request: AuthenticatedHttpRequest, pk: int) -> ReturnOut:
    return _return_out(_return_to_review(request, pk))


@router.post(
    "/returns/{pk}/query",
    response={200: ReturnOut, 403: ErrorsOut, 422: ErrorsOut},
    summary="Send a submitted return back to the provider with a question (commissioners)",
)
def return_query(
    request: AuthenticatedHttpRequest, pk: int, payload: QueryIn
) -> Status[ReturnOut | ErrorsOut]:
    ret = _return_to_review(request, pk)
    try:
        services.return_query(actor=request.user, ret=ret, message=payload.message)
    except PermissionDenied as error:
        return Status(403, ErrorsOut(errors={"__all__": [str(error)]}))
    except ValidationError as error:
        errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        return Status(422, ErrorsOut(errors=errors))
    ret.refresh_from_db()
    return Status(200, _return_out(ret))


@router.post(
    "/returns/{pk}/accept",
    response={200: ReturnOut, 403: ErrorsOut, 422: ErrorsOut},
    summary="Accept a submitted return (commissioners)",
)
def return_accept(request: AuthenticatedHttpRequest, pk: int) -> Status[ReturnOut | ErrorsOut]:
    ret = _return_to_review(request, pk)
    try:
        services.return_accept(actor=request.user, ret=ret)
    except PermissionDenied as error:
        return Status(403, ErrorsOut(errors={"__all__": [str(error)]}))
    except ValidationError as error:
        errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        return Status(422, ErrorsOut(errors=errors))
    ret.refresh_from_db()
    return Status(200, _return_out(ret))
