"""No URL disappears unnoticed: the list of routes is written down here.

Adding a route means adding it below (and its permission tests); removing one breaks links
people have saved, so it must be a decision, not an accident.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver

EXPECTED = {
    "",
    "accessibility/",
    "sign-in/",
    "sign-out/",
    "account/",
    "account/tokens/<int:pk>/revoke/",
    "set-password/<str:uidb64>/<str:token>/",
    "organisations/<slug:slug>/people/",
    "organisations/<slug:slug>/people/add/",
    "organisations/<slug:slug>/people/<int:user_id>/roles/",
    "audit/",
    "audit/events/<int:pk>/",
    "audit/verify/",
    "api/me",
    "api/programmes",
    "api/programmes/<pk>",
    "api/programmes/<pk>/cycles",
    "api/cycles/<pk>",
    "api/cycles/<pk>/decisions",
    "api/approvals",
    "api/cycles/<pk>/stages/<stage_id>/sign-off",
    "api/cycles/<pk>/sourcing",
    "api/sourcing/<pk>/ocds",
    "api/programmes/<pk>/market",
    "api/programmes/<pk>/spiral-test",
    "api/programmes/<pk>/history",
    "api/programmes/<pk>/plan-check",
    "contracts/",
    "contracts/new/",
    "contracts/outstanding-returns/",
    "contracts/renewals/",
    "contracts/<int:pk>/",
    "contracts/<int:pk>/kpis/new/",
    "contracts/<int:pk>/put-into-force/",
    "contracts/<int:pk>/publication/",
    "contracts/<int:pk>/milestones/new/",
    "contracts/<int:pk>/milestones/<int:milestone>/met/",
    "contracts/<int:pk>/changes/new/",
    "contracts/<int:pk>/payments/new/",
    "contracts/<int:pk>/payments/import/",
    "contracts/<int:pk>/performance/",
    "contracts/<int:pk>/returns/<str:period>/",
    "returns/<int:pk>/",
    "returns/<int:pk>/query/",
    "returns/<int:pk>/accept/",
    "returns/<int:pk>/kpis/<int:kpi>/override/",
    "public/<slug:slug>/",
    "public/<slug:slug>/agreements/<int:pk>/",
    "public/<slug:slug>/register.csv",
    "public/<slug:slug>/register-ocds.json",
    "api/agreements",
    "api/agreements/<pk>",
    "api/agreements/<pk>/returns",
    "api/returns/<pk>",
    "api/returns/<pk>/query",
    "api/returns/<pk>/accept",
    "api/programmes/<pk>/outcomes-frameworks",
    "api/cycles/<pk>/appraisals",
    "api/appraisals/<pk>",
    "api/appraisals/<pk>/results",
    "programmes/",
    "programmes/new/",
    "programmes/<int:pk>/",
    "programmes/<int:pk>/start-cycle/",
    "programmes/<int:pk>/decisions/",
    "cycles/<int:pk>/",
    "cycles/<int:pk>/start-next-cycle/",
    "cycles/<int:pk>/stages/<slug:stage_id>/gate/",
    "cycles/<int:pk>/stages/<slug:stage_id>/add-activity/",
    "cycles/<int:pk>/stages/<slug:stage_id>/sign-off/",
    "cycles/<int:pk>/decisions/",
    "cycles/<int:pk>/decisions/new/",
    "cycles/<int:pk>/co-production/",
    "cycles/<int:pk>/co-production/new/",
    "cycles/<int:pk>/recommendations/new/",
    "cycles/<int:pk>/decommissioning/",
    "cycles/<int:pk>/decommissioning/start/",
    "cycles/<int:pk>/decommissioning/<slug:step>/",
    "portfolio/",
    "programmes/<int:pk>/spiral/",
    "programmes/<int:pk>/history/",
    "programmes/<int:pk>/history/upload/",
    "programmes/<int:pk>/review-report/",
    "programmes/<int:pk>/review-report/pdf/",
    "cycles/<int:pk>/review/",
    "cycles/<int:pk>/review/findings/",
    "cycles/<int:pk>/review/figures/",
    "recommendations/<int:pk>/plan-response/",
    "artefacts/<int:pk>/",
    "artefacts/<int:pk>/edit/",
    "artefacts/<int:pk>/file/",
    "approvals/",
    "frameworks/",
    "frameworks/new/",
    "frameworks/<int:pk>/",
    "frameworks/<int:pk>/adapt/",
    "frameworks/<int:pk>/new-version/",
    "cycles/<int:pk>/needs-assessment/",
    "cycles/<int:pk>/needs-assessment/indicators/<int:indicator>/",
    "cycles/<int:pk>/needs-assessment/edit/",
    "cycles/<int:pk>/needs-assessment/upload/",
    "cycles/<int:pk>/needs-assessment/upload-age-bands/",
    "cycles/<int:pk>/needs-assessment/document/",
    "cycles/<int:pk>/needs-assessment/document.pdf",
    "cycles/<int:pk>/needs-assessment/figures.csv",
    "api/cycles/<pk>/needs-assessment",
    "cycles/<int:pk>/sourcing/",
    "cycles/<int:pk>/sourcing/new/",
    "sourcing/<int:pk>/",
    "sourcing/<int:pk>/edit/",
    "sourcing/<int:pk>/terminate/",
    "sourcing/<int:pk>/milestones/new/",
    "sourcing/<int:pk>/transaction-costs/",
    "sourcing/<int:pk>/criteria/",
    "sourcing/<int:pk>/bids/new/",
    "sourcing/<int:pk>/award/",
    "sourcing/<int:pk>/ocds.json",
    "sourcing/<int:pk>/notices.json",
    "programmes/<int:pk>/market/",
    "programmes/<int:pk>/market/import-ocds/",
    "programmes/<int:pk>/market/import-spend/",
    "programmes/<int:pk>/market/statement/",
    "programmes/<int:pk>/outcomes/",
    "programmes/<int:pk>/outcomes/new/",
    "outcomes-frameworks/<int:pk>/",
    "outcomes-frameworks/<int:pk>/edit/",
    "outcomes-frameworks/<int:pk>/outcomes/new/",
    "outcomes/<int:pk>/edit/",
    "outcomes/<int:pk>/indicators/new/",
    "outcome-indicators/<int:pk>/edit/",
    "outcome-indicators/<int:pk>/targets/new/",
    "cycles/<int:pk>/appraisals/",
    "cycles/<int:pk>/appraisals/new/",
    "appraisals/<int:pk>/",
    "appraisals/<int:pk>/options/new/",
    "appraisals/<int:pk>/upload/",
    "appraisals/<int:pk>/import/",
    "appraisals/<int:pk>/settings/",
    "appraisals/<int:pk>/uncertain-inputs/",
    "appraisals/<int:pk>/uncertain-inputs/remove/",
    "appraisals/<int:pk>/scoring/",
    "appraisals/<int:pk>/cases/",
    "appraisals/<int:pk>/results/",
    "appraisals/<int:pk>/recommend/",
    "appraisals/<int:pk>/report/",
    "appraisals/<int:pk>/report.pdf",
    "appraisal-options/<int:pk>/cash-flows/",
    "appraisal-options/<int:pk>/optimism-bias/",
    "appraisal-options/<int:pk>/assumptions/new/",
    "appraisal-options/<int:pk>/discard/",
    "appraisal-options/<int:pk>/shortlist/",
}


def _routes(patterns: list[URLPattern | URLResolver], prefix: str = "") -> set[str]:
    found: set[str] = set()
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route.startswith("django-admin/"):
                continue
            found |= _routes(pattern.url_patterns, route)
        else:
            found.add(route)
    return found


def test_every_route_is_expected_and_none_has_gone() -> None:
    routes = {
        r
        for r in _routes(get_resolver().url_patterns)
        if r not in {"api/", "api/openapi.json", "api/docs"}
    }
    assert routes == EXPECTED


def test_paths_use_hyphens_not_underscores() -> None:
    assert not [r for r in EXPECTED if "_" in r.split("<")[0]]
