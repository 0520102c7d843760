"""The market filtered to the service: CPV codes, buyer and award dates, saved per programme.

Reference: the ten real Contracts Finder packages of ``tests/reference/ocds_cf/`` (their CPV
codes, buyers and award dates are listed by hand in its README). The filtered figures must be
the engine's figures on exactly the processes the filter keeps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from spiral.ocds.compile import compiled_releases
from spiral.ocds.indicators import award_table, process_table, procurement_indicators
from workspace.audit.models import AuditEvent
from workspace.cycles.models import Programme
from workspace.demo.personas import Cast
from workspace.sourcing import services
from workspace.sourcing.models import MarketFilter

pytestmark = pytest.mark.django_db

CF = Path(__file__).resolve().parents[2] / "reference" / "ocds_cf"
FUEL = ("1c07cba3", "6a1a5224", "7e84a00d")  # CPV 09: petroleum products (README)
TRINITY = "99144cd9e8dbf31d307cae01e96a361f"


@pytest.fixture
def imported(cast: Cast, programme: Programme) -> Programme:
    services.ocds_import_paths(
        actor=cast.users["analyst"],
        programmes=[programme],
        paths=sorted(CF.glob("*.json")),
        file_name="ten.json",
    )
    return programme


def _engine_on(suffixes: tuple[str, ...]) -> dict[str, float]:
    paths = [p for p in sorted(CF.glob("*.json")) if any(s in p.name for s in suffixes)]
    releases = list(compiled_releases(paths))
    table = procurement_indicators(process_table(releases), award_table(releases))
    return dict(zip(table["indicator"], table["value"], strict=True))


def test_the_filtered_figures_are_the_engines_on_the_processes_kept(
    cast: Cast, imported: Programme
) -> None:
    services.market_filter_save(actor=cast.users["analyst"], programme=imported, cpv="09000000")
    view = services.market_view(imported)
    assert view["processes"] == 3
    assert view["processes_imported"] == 10
    expected = _engine_on(FUEL)
    for name in ("supplier_hhi", "top1_supplier_share", "top3_supplier_share"):
        assert view["indicators"][name] == pytest.approx(expected[name]), name
    assert view["indicators"]["award_value_total"] == pytest.approx(111_629 + 182_920 + 69_108.40)
    assert view["filter"]["cpv"] == [
        {
            "prefix": "09",
            "description": "Petroleum products, fuel, electricity and other sources of energy",
        }
    ]
    assert {row["code"] for row in view["cpv_codes"]} == {"09000000", "09130000"}
    whole = services.market_view(imported, filtered=False)
    assert whole["processes"] == 10
    assert whole["indicators"]["supplier_hhi"] == pytest.approx(
        _engine_on(tuple(p.name[15:23] for p in CF.glob("*.json")))["supplier_hhi"]
    )


def test_buyer_and_dates_narrow_the_market_too(cast: Cast, imported: Programme) -> None:
    services.market_filter_save(
        actor=cast.users["commissioner"],
        programme=imported,
        cpv="09",
        buyer_id=TRINITY,
        awarded_from=dt.date(2019, 9, 1),
    )
    view = services.market_view(imported)
    assert view["processes"] == 1  # 1c07cba3, awarded 2019-12-31
    assert view["filter"]["buyer_name"] == "The Corporation of Trinity House"
    assert "bought by The Corporation of Trinity House" in view["filter"]["scope"]
    assert "awarded from 2019-09-01" in view["filter"]["scope"]


def test_the_filter_is_saved_audited_and_cleared(cast: Cast, imported: Programme) -> None:
    user = cast.users["procurement"]
    services.market_filter_save(actor=user, programme=imported, cpv="85300000, 09")
    saved = MarketFilter.objects.get(programme=imported)
    assert saved.cpv_prefixes == ["853", "09"]
    services.market_filter_save(actor=user, programme=imported, cpv="")
    saved.refresh_from_db()
    assert not saved.is_set
    first, second = AuditEvent.objects.filter(action="set market filter").order_by("id")
    assert first.before is None
    assert first.after["cpv_prefixes"] == ["853", "09"]
    assert second.before["cpv_prefixes"] == ["853", "09"]
    assert second.after["cpv_prefixes"] == []
    assert services.market_view(imported)["processes"] == 10


def test_a_bad_code_or_range_is_refused_naming_the_field(cast: Cast, imported: Programme) -> None:
    with pytest.raises(ValidationError) as caught:
        services.market_filter_save(
            actor=cast.users["analyst"],
            programme=imported,
            cpv="85 social",
            awarded_from=dt.date(2020, 2, 1),
            awarded_to=dt.date(2020, 1, 1),
        )
    assert set(caught.value.message_dict) == {"cpv", "awarded_to"}
    assert "'social' is not a CPV code" in caught.value.message_dict["cpv"][0]
    assert not MarketFilter.objects.exists()


@pytest.mark.parametrize(
    "persona", ["approver", "auditor", "administrator", "provider", "outsider"]
)
def test_only_editors_set_the_filter(cast: Cast, imported: Programme, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        services.market_filter_save(actor=cast.users[persona], programme=imported, cpv="85")
    assert not MarketFilter.objects.exists()


def test_the_statement_draft_says_what_the_figures_cover(cast: Cast, imported: Programme) -> None:
    services.market_filter_save(actor=cast.users["analyst"], programme=imported, cpv="09")
    draft = services.statement_draft(imported)
    assert (
        "The contract figures cover contracts classified under CPV 09000000 "
        "(Petroleum products, fuel, electricity and other sources of energy)."
    ) in draft


# --- pages ----------------------------------------------------------------------------------


def test_the_filter_is_chosen_on_its_page_and_shown_on_the_market(
    imported: Programme, client_for: Callable[[str | None], Client]
) -> None:
    client = client_for("commissioner")
    url = f"/programmes/{imported.pk}/market/filter/"
    page = client.get(url).content.decode()
    assert "The Corporation of Trinity House" in page
    assert 'data-testid="cpv-codes-imported"' in page
    refused = client.post(url, {"cpv": "85 nursing", "awarded_from": "2020-13-01"})
    body = refused.content.decode()
    assert "There is a problem" in body
    assert "&#39;nursing&#39; is not a CPV code" in body or "'nursing' is not a CPV code" in body
    assert not MarketFilter.objects.exists()
    assert client.post(url, {"cpv": "09000000", "buyer_id": ""})["Location"] == (
        f"/programmes/{imported.pk}/market/"
    )
    market = client.get(f"/programmes/{imported.pk}/market/").content.decode()
    assert "Figures cover 3 of the 10 contracting processes imported" in market
    assert "CPV 09: Petroleum products, fuel, electricity and other sources of energy" in market
    assert 'data-testid="cpv-codes"' in market
    assert "Change the market filter" in market
    again = client.get(url).content.decode()
    assert 'value="09"' in again


def test_readers_see_the_filter_but_no_button_to_change_it(
    cast: Cast, imported: Programme, client_for: Callable[[str | None], Client]
) -> None:
    services.market_filter_save(actor=cast.users["analyst"], programme=imported, cpv="09")
    body = client_for("auditor").get(f"/programmes/{imported.pk}/market/").content.decode()
    assert "Figures cover 3 of the 10" in body
    assert "/market/filter/" not in body


def test_a_filter_matching_nothing_says_so(
    cast: Cast, imported: Programme, client_for: Callable[[str | None], Client]
) -> None:
    services.market_filter_save(actor=cast.users["analyst"], programme=imported, cpv="86")
    body = client_for("analyst").get(f"/programmes/{imported.pk}/market/").content.decode()
    assert 'data-testid="market-filter-empty"' in body
    assert "CPV 86 (every code starting 86)" in body


def test_the_api_gives_the_filtered_market(
    cast: Cast, imported: Programme, client_for: Callable[[str | None], Client]
) -> None:
    services.market_filter_save(actor=cast.users["analyst"], programme=imported, cpv="09")
    data = client_for("approver").get(f"/api/programmes/{imported.pk}/market").json()
    assert data["processes"] == 3
    assert data["filter"]["cpv"][0]["prefix"] == "09"
