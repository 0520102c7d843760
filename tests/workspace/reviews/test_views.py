"""Review pages: every view against every persona, the forms' errors and what each page shows.

Kingsmere's readers (commissioner, analyst, finance, procurement, approver, auditor,
administrator) see the portfolio, spirals, reviews and reports; its editors (commissioner,
analyst, finance, procurement) upload figures, write findings and check plans. The provider
and the outsider (another council's staff) see none of Kingsmere's.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.workspace.permissions import COMMISSIONING_EDITORS, COMMISSIONING_READERS, check_matrix
from workspace.audit.models import AuditEvent
from workspace.cycles.models import Programme, Recommendation
from workspace.reviews.models import CycleReview, PlanResponse

pytestmark = pytest.mark.django_db

READERS_ANYWHERE = COMMISSIONING_READERS | {"outsider"}


def _urls(demo: dict[str, Programme]) -> list[tuple[str, str, frozenset[str]]]:
    programme = demo["Domestic abuse support"]
    cycle = programme.cycles.get(number=2)
    recommendation = cycle.recommendations.first()
    assert recommendation is not None
    p, c, r = programme.pk, cycle.pk, recommendation.pk
    return [
        ("get", "/portfolio/", READERS_ANYWHERE),
        ("get", f"/programmes/{p}/spiral/", COMMISSIONING_READERS),
        ("get", f"/programmes/{p}/history/", COMMISSIONING_READERS),
        ("get", f"/programmes/{p}/history/upload/", COMMISSIONING_EDITORS),
        ("get", f"/programmes/{p}/review-report/", COMMISSIONING_READERS),
        ("get", f"/programmes/{p}/review-report/pdf/", COMMISSIONING_READERS),
        ("get", f"/cycles/{c}/review/", COMMISSIONING_READERS),
        ("get", f"/cycles/{c}/review/findings/", COMMISSIONING_EDITORS),
        ("get", f"/cycles/{c}/review/figures/", COMMISSIONING_EDITORS),
        ("get", f"/recommendations/{r}/plan-response/", COMMISSIONING_EDITORS),
        ("post", f"/programmes/{p}/history/upload/", COMMISSIONING_EDITORS),
        ("post", f"/cycles/{c}/review/findings/", COMMISSIONING_EDITORS),
        ("post", f"/cycles/{c}/review/figures/", COMMISSIONING_EDITORS),
        ("post", f"/recommendations/{r}/plan-response/", COMMISSIONING_EDITORS),
    ]


def test_every_view_admits_its_readers_and_editors_and_refuses_everyone_else(
    demo: dict[str, Programme], client_for: Callable[[str | None], Client]
) -> None:
    for method, url, allowed in _urls(demo):
        check_matrix(client_for, method=method, url=url, allowed=allowed)


def test_the_matrix_covers_every_route_of_the_app(demo: dict[str, Programme]) -> None:
    from django.urls import resolve

    from workspace.reviews.urls import urlpatterns

    covered = {resolve(url).url_name for _, url, _ in _urls(demo)}
    assert covered == {pattern.name for pattern in urlpatterns}


def test_the_outsider_and_the_provider_see_nothing_of_kingsmere(
    demo: dict[str, Programme], client_for: Callable[[str | None], Client]
) -> None:
    body = client_for("outsider").get("/portfolio/").content.decode()
    assert "Adult home care" not in body
    assert "0 of 0 programme(s)" in body
    assert client_for("provider").get("/portfolio/").status_code == 403


def test_the_portfolio_shows_every_programme_and_every_verdict(
    demo: dict[str, Programme], client_for: Callable[[str | None], Client]
) -> None:
    body = client_for("approver").get("/portfolio/").content.decode()
    for name in demo:
        assert name.replace("'", "&#39;") in body
    for verdict in ("improving_spiral", "going_round_in_circles", "declining", "too_early_to_tell"):
        assert f'data-verdict="{verdict}"' in body


def test_the_portfolio_sorts_and_filters_by_query(
    demo: dict[str, Programme], client_for: Callable[[str | None], Client]
) -> None:
    client = client_for("commissioner")
    body = client.get("/portfolio/?verdict=going_round_in_circles").content.decode()
    assert "Domestic abuse support" in body
    assert "Homelessness prevention" not in body
    assert "1 of 5 programme(s)" in body
    by_name = client.get("/portfolio/?sort=programme&order=desc").content.decode()
    assert by_name.index("Homelessness prevention") < by_name.index("Adult home care")
    by_verdict = client.get("/portfolio/?sort=settled").content.decode()
    # settled verdicts: declining first, then going round in circles, then improving
    assert by_verdict.index("Homelessness prevention") < by_verdict.index("Domestic abuse")
    assert by_verdict.index("Domestic abuse") < by_verdict.index("Adult home care")


def test_the_spiral_page_shows_the_picture_its_table_and_the_evidence(
    demo: dict[str, Programme], client_for: Callable[[str | None], Client]
) -> None:
    programme = demo["Domestic abuse support"]
    body = client_for("auditor").get(f"/programmes/{programme.pk}/spiral/").content.decode()
    assert "<svg" in body
    assert 'role="img"' in body
    assert 'data-testid="picture-table"' in body
    assert "Going round in circles" in body
    assert "took up 0% of its review" in body  # the deciding rule, as evidence
    assert "Repeat referrals to MARAC within 12 months" in body
    outcome = client_for("auditor").get(f"/programmes/{programme.pk}/spiral/?measure=outcome")
    assert "outcome index" in outcome.content.decode()


def test_the_review_page_assembles_the_evidence_and_says_where_the_plan_falls_short(
    demo: dict[str, Programme], client_for: Callable[[str | None], Client]
) -> None:
    cycle = demo["Domestic abuse support"].cycles.get(number=2)
    body = client_for("approver").get(f"/cycles/{cycle.pk}/review/").content.decode()
    assert "Going round in circles" in body
    assert "Repeat referrals to MARAC" in body  # outcomes with comparators
    assert "Real cost a head" in body  # cost and value
    assert "Survivors" in body  # what people said: the cycle's co-production
    assert "Transaction cost" in body
    assert "Not taken up" in body  # the next plan does not take up R2.1
    assert "Record a recommendation" not in body  # the approver does not edit


def test_a_commissioner_writes_findings_and_a_blank_form_names_its_fields(
    demo: dict[str, Programme], client_for: Callable[[str | None], Client]
) -> None:
    cycle = demo["Homelessness prevention"].cycles.get(number=2)
    client = client_for("commissioner")
    empty = client.post(f"/cycles/{cycle.pk}/review/findings/", {})
    assert empty.status_code == 200
    text = empty.content.decode()
    assert "There is a problem" in text
    assert "Enter the review&#39;s findings" in text
    assert not CycleReview.objects.filter(cycle=cycle).exists()
    done = client.post(
        f"/cycles/{cycle.pk}/review/findings/",
        {"findings": "Preventions held level while cost rose.", "reviewed_on": "2024-03-01"},
    )
    assert done.status_code == 302
    assert CycleReview.objects.get(cycle=cycle).findings.startswith("Preventions held")
    assert AuditEvent.objects.filter(action="wrote review findings").count() == 1


def test_a_plan_response_changes_the_verdict(
    demo: dict[str, Programme], client_for: Callable[[str | None], Client]
) -> None:
    programme = demo["Domestic abuse support"]
    recommendation = Recommendation.objects.get(cycle__programme=programme, cycle__number=2)
    response = client_for("commissioner").post(
        f"/recommendations/{recommendation.pk}/plan-response/",
        {"addressed": "yes", "how": "The sourcing plan now funds a perpetrator programme."},
    )
    assert response.status_code == 302
    assert PlanResponse.objects.get(recommendation=recommendation).addressed
    body = client_for("commissioner").get(f"/programmes/{programme.pk}/spiral/").content.decode()
    assert "Going round in circles" not in body.split("The history")[0].split("Cycles")[1]


def test_cycle_figures_form_rejects_a_year_without_a_price_index_and_saves_nothing(
    demo: dict[str, Programme], client_for: Callable[[str | None], Client]
) -> None:
    cycle = demo["Adult home care"].cycles.get(number=3)
    before = cycle.spiral_figures.spend
    response = client_for("finance").post(
        f"/cycles/{cycle.pk}/review/figures/", {"spend": "2030/31: 1000000", "population": "186000"}
    )
    assert response.status_code == 200
    assert "has no deflator value" in response.content.decode()
    cycle.spiral_figures.refresh_from_db()
    assert cycle.spiral_figures.spend == before
    bad_line = client_for("finance").post(f"/cycles/{cycle.pk}/review/figures/", {"spend": "soon"})
    assert "Line 1" in bad_line.content.decode()


def test_the_history_upload_lists_every_problem_by_cycle_and_field_and_keeps_nothing(
    demo: dict[str, Programme], client_for: Callable[[str | None], Client]
) -> None:
    programme = demo["Adult home care"]
    client = client_for("analyst")
    history = json.loads(client.get(f"/programmes/{programme.pk}/history/").content)
    history["cycles"][0]["spend"]["2018/19"] = "a lot"
    history["cycles"][1]["population"] = -5
    history["indicators"][0]["polarity"] = None
    upload = SimpleUploadedFile("history.json", json.dumps(history).encode())
    response = client.post(f"/programmes/{programme.pk}/history/upload/", {"file": upload})
    text = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem: nothing was saved" in text
    assert "The file has 3 problem(s)" in text
    assert "cycle &#39;cycle-1&#39;: field &#39;spend.2018/19&#39;: must be a number" in text
    assert "cycle &#39;cycle-2&#39;: field &#39;population&#39;: must be greater than 0" in text
    assert "indicator &#39;reablement-91-days&#39;: field &#39;polarity&#39;: is required" in text
    assert programme.cycles.get(number=1).spiral_figures.spend["2018/19"] != "a lot"


def test_a_good_upload_replaces_the_figures(
    demo: dict[str, Programme], client_for: Callable[[str | None], Client]
) -> None:
    programme = demo["Adult home care"]
    client = client_for("analyst")
    history = json.loads(client.get(f"/programmes/{programme.pk}/history/").content)
    history["staff_day_cost"] = 320
    upload = SimpleUploadedFile("history.json", json.dumps(history).encode())
    response = client.post(f"/programmes/{programme.pk}/history/upload/", {"file": upload})
    assert response.status_code == 302
    assert programme.spiral_figures.__class__.objects.get(programme=programme).staff_day_cost == 320
    empty = client.post(f"/programmes/{programme.pk}/history/upload/", {})
    assert empty.status_code == 200
    assert "Choose a history file (JSON) to upload" in empty.content.decode()


def test_the_api_gives_the_verdicts_and_the_history_to_readers_only(
    demo: dict[str, Programme], client_for: Callable[[str | None], Client]
) -> None:
    programme = demo["Domestic abuse support"]
    for url in (
        f"/api/programmes/{programme.pk}/spiral-test",
        f"/api/programmes/{programme.pk}/history",
    ):
        check_matrix(
            client_for,
            method="get",
            url=url,
            allowed=COMMISSIONING_READERS,
            refused_status=(401, 403, 404),
        )
    data = client_for("auditor").get(f"/api/programmes/{programme.pk}/spiral-test").json()
    assert [c["verdict"] for c in data["cycles"]] == [
        "improving_spiral",
        "going_round_in_circles",
        "too_early_to_tell",
    ]
    assert data["cycles"][1]["reasons"][0]["rule"] == "rule"
    history = client_for("auditor").get(f"/api/programmes/{programme.pk}/history").json()
    assert history["schema_version"] == 1
