"""The HTTP API (django-ninja). OpenAPI at ``/api/openapi.json``, documentation at ``/api/docs``.

API clients authenticate with a bearer token (``Authorization: Bearer spl_...``) created on
the account page; a signed-in browser session works too. Every operation checks the same
capabilities as the pages do.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import NinjaAPI, Schema
from ninja.security import HttpBearer, django_auth

from workspace.accounts.models import Membership
from workspace.accounts.services import api_token_authenticate
from workspace.contracts.api import router as contracts_router
from workspace.cycles.api import router as cycles_router
from workspace.http import AuthenticatedHttpRequest
from workspace.needs.api import router as needs_router
from workspace.plan.api import router as plan_router
from workspace.reviews.api import router as reviews_router
from workspace.sourcing.api import router as sourcing_router


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> object | None:
        user = api_token_authenticate(token)
        if user is None:
            return None
        request.user = user  # type: ignore[assignment]
        return user


api = NinjaAPI(
    title="Spiral API",
    version="1",
    description=(
        "Programmes, commissioning cycles, decisions and approvals; needs assessments; "
        "outcomes frameworks and options appraisals; sourcing and markets; contracts and "
        "provider returns; the Spiral test."
    ),
    urls_namespace="api",
    auth=[TokenAuth(), django_auth],
)
# Each area's operations live with the area and are mounted here.
api.add_router("/", cycles_router)
api.add_router("/", needs_router)
api.add_router("/", sourcing_router)
api.add_router("/", reviews_router)
api.add_router("/", contracts_router)
api.add_router("/", plan_router)


class MembershipOut(Schema):
    organisation: str
    organisation_slug: str
    role: str


class MeOut(Schema):
    username: str
    memberships: list[MembershipOut]


@api.get("/me", response=MeOut, summary="Who the token or session belongs to, with their roles")
def me(request: AuthenticatedHttpRequest) -> MeOut:
    memberships = Membership.objects.filter(user_id=request.user.pk).select_related("organisation")
    return MeOut(
        username=request.user.get_username(),
        memberships=[
            MembershipOut(
                organisation=m.organisation.name,
                organisation_slug=m.organisation.slug,
                role=m.role,
            )
            for m in memberships
        ],
    )
