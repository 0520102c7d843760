"""The sourcing routes a commissioner may choose, and how each is published in OCDS.

Routes come from three places:

- the **Procurement Act 2023** competitive procedures (s.20: open procedure and competitive
  flexible procedure), direct award (s.41 and s.43), frameworks (ss.45-47) and dynamic markets
  (ss.34-40);
- the **NHS Provider Selection Regime** (The Health Care Services (Provider Selection Regime)
  Regulations 2023, regs. 6-11): direct award processes A, B and C, the most suitable
  provider process and the competitive process;
- arrangements that are not procurement: a grant, an in-house service level agreement, a
  partnership agreement or a pooled budget (NHS Act 2006 s.75).

Each route maps to an OCDS ``tender/procurementMethod`` (closed codelist: open, selective,
limited, direct) and, for procurement, to the UK notices it publishes (Procurement Act 2023
notices UK1-UK12, Cabinet Office guidance on notices, 2024).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["NOTICE_TYPES", "ROUTES", "Route", "route"]


@dataclass(frozen=True)
class Route:
    """One sourcing route: its code, label, regime, OCDS method and whether bids compete."""

    code: str
    label: str
    regime: str
    procurement_method: str
    competitive: bool
    published: bool
    """Whether the route is procurement published in UK notices (grants and in-house are not)."""


PA23 = "Procurement Act 2023"
PSR = "NHS Provider Selection Regime"
OTHER = "Not procurement"

ROUTES: tuple[Route, ...] = (
    Route("pa23_open", "Open procedure", PA23, "open", competitive=True, published=True),
    Route(
        "pa23_competitive_flexible",
        "Competitive flexible procedure",
        PA23,
        "selective",
        competitive=True,
        published=True,
    ),
    Route("pa23_direct_award", "Direct award", PA23, "direct", competitive=False, published=True),
    Route(
        "pa23_framework",
        "Call-off from a framework",
        PA23,
        "limited",
        competitive=True,
        published=True,
    ),
    Route(
        "pa23_dynamic_market",
        "Award under a dynamic market",
        PA23,
        "selective",
        competitive=True,
        published=True,
    ),
    Route(
        "psr_direct_a", "Direct award process A", PSR, "direct", competitive=False, published=True
    ),
    Route(
        "psr_direct_b", "Direct award process B", PSR, "direct", competitive=False, published=True
    ),
    Route(
        "psr_direct_c", "Direct award process C", PSR, "direct", competitive=False, published=True
    ),
    Route(
        "psr_most_suitable",
        "Most suitable provider process",
        PSR,
        "limited",
        competitive=False,
        published=True,
    ),
    Route("psr_competitive", "Competitive process", PSR, "open", competitive=True, published=True),
    Route("grant", "Grant", OTHER, "direct", competitive=False, published=False),
    Route(
        "in_house_sla",
        "In-house service level agreement",
        OTHER,
        "direct",
        competitive=False,
        published=False,
    ),
    Route(
        "partnership", "Partnership agreement", OTHER, "direct", competitive=False, published=False
    ),
    Route(
        "pooled_budget",
        "Pooled budget (NHS Act 2006 s.75)",
        OTHER,
        "direct",
        competitive=False,
        published=False,
    ),
)

NOTICE_TYPES: dict[str, str] = {
    "UK1": "Pipeline notice",
    "UK4": "Tender notice",
    "UK6": "Contract award notice",
    "UK7": "Contract details notice",
    "UK9": "Contract performance notice",
    "UK11": "Contract termination notice",
}
"""The UK notices Spiral generates, by their Procurement Act 2023 number."""

_BY_CODE = {item.code: item for item in ROUTES}


def route(code: str) -> Route:
    """The route with this code.

    Raises
    ------
    KeyError
        Naming the unknown code.

    Examples
    --------
    >>> route("psr_direct_c").label, route("psr_direct_c").procurement_method
    ('Direct award process C', 'direct')
    >>> route("grant").published
    False
    """
    try:
        return _BY_CODE[code]
    except KeyError:
        raise KeyError(f"unknown sourcing route {code!r}") from None
