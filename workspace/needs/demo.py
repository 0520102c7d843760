"""Demo indicator data and needs assessments for Kingsmere, drawn from real comparator data.

- Real: Fingertips counts for 24 North West upper-tier authorities and England, and ONS
  resident populations (``spiral/demo_data/fingertips``, read with the engine's readers);
  area names and IoD2019 average IMD scores (``workspace/needs/data/areas.csv``).
- Fictional: Kingsmere (E06099901). Its figures are **Warrington's** (E06000007) counts and
  populations scaled by 1.2, with each indicator's numerator further multiplied by the factor
  in :data:`KINGSMERE_FACTORS` (so that Kingsmere differs from its template in a few
  places), rounded to whole numbers; its IMD score is set to 24.5. Every page marks it as
  fictional and says so.
- Where the extract repeats a key (unlabelled breakdowns), the first row, the largest, is
  taken as the total (:func:`_totals`).
- Comparators: the 10 nearest neighbours among the areas with an IMD score
  (:func:`spiral.comparators.nearest_neighbours` on IMD average score, weight 2, population
  and share aged 65 and over, weight 1 each).

- **Fictional deaths by age band** (:func:`_fictional_deaths`): real data by age band
  exist only for the populations (ONS mid-year estimates by five-year band, 2018–2023), so
  the demo's age-banded indicators — under-75 mortality from causes considered preventable
  (a DSR) and life expectancy at birth for females and males — use deaths drawn from a
  Poisson distribution with a fixed seed (:data:`FICTIONAL_SEED`) around made-up
  age-specific rates (:data:`PREVENTABLE_RATES`, :func:`_all_cause_rate`), scaled for each
  area by its IMD score and a small random factor. They are labelled fictional in their
  names and sources. Life expectancy needs the band under 1 apart from 1-4: the ONS 0-4
  population is split one fifth and four fifths (a stated assumption).

Values and intervals are computed by the engine
(:func:`workspace.needs.services.indicator_values_store` and
:func:`workspace.needs.services.age_bands_store`).
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from django.contrib.auth.models import User
from django.db import transaction

from spiral.comparators import nearest_neighbours
from spiral.indicators.age_bands import LIFE_EXPECTANCY_BANDS
from spiral.indicators.fingertips_counts import (
    demo_file,
    read_fingertips_counts,
    read_fingertips_population,
)
from workspace.audit.services import audit_record
from workspace.cycles.models import Programme
from workspace.demo.personas import Cast
from workspace.needs import services
from workspace.needs.models import Area, ComparatorMember, Indicator, NeedsAssessment

AREAS_FILE = Path(__file__).parent / "data" / "areas.csv"
KINGSMERE = "E06099901"
TEMPLATE = "E06000007"  # Warrington
SCALE = 1.2
KINGSMERE_IMD = 24.5
KINGSMERE_FACTORS = {
    "20401": 1.15,
    "30302": 0.97,
    "41203": 0.85,
    "91894": 1.12,
    "92266": 1.0,
    "93085": 1.3,
    "93474": 1.06,
}
COMPARATOR_WEIGHTS = {"imd_2019_average_score": 2.0, "population": 1.0, "share_65_plus": 1.0}
COMPARATOR_METHOD = (
    "10 nearest neighbours by weighted standardised distance: IoD2019 average IMD score "
    "(weight 2), population and share aged 65+ (weight 1 each), among 21 North West areas"
)
FINGERTIPS_SOURCE = (
    "Fingertips (OHID), Open Government Licence v3.0: counts from dhsc-govuk/FingertipsNext "
    "healthdata.csv; values and intervals computed by Spiral"
)


@dataclass(frozen=True)
class Meta:
    """What Spiral's demo sets for an indicator that Fingertips' extract does not carry."""

    name: str
    polarity: str
    unit: str


POLARITY = Indicator.Polarity
META = {
    "20401": Meta("Under-18 conception rate", POLARITY.LOW, "per 1,000 females aged 15-17"),
    "30302": Meta("Hepatitis B vaccination coverage aged 2", POLARITY.HIGH, "%"),
    "41203": Meta("Preventable sight loss from diabetic eye disease", POLARITY.LOW, "per 100,000"),
    "91894": Meta("Deaths in hospital: people with dementia aged 65+", POLARITY.LOW, "%"),
    "92266": Meta("General fertility rate", POLARITY.NONE, "per 1,000 females aged 15-44"),
    "93085": Meta("Smoking at time of delivery", POLARITY.LOW, "%"),
    "93474": Meta("Deaths in hospital", POLARITY.NONE, "%"),
}
PREVENTABLE = "fictional-u75-preventable"
LE_FEMALE = "fictional-le-birth-female"
LE_MALE = "fictional-le-birth-male"
PROGRAMME_INDICATORS = {
    "Adult home care": ["93474", "93474-85+ yrs", "91894", "41203", PREVENTABLE, LE_FEMALE],
    "Drug and alcohol treatment": ["93085", "20401", "93474-<65 yrs", PREVENTABLE, LE_MALE],
    "0–19 public health nursing": ["93085", "30302", "20401", "92266"],
    "Domestic abuse support": ["20401", "93474-<65 yrs"],
    "Homelessness prevention": ["93474-<65 yrs", "41203", "93474", LE_MALE],
}

#: Seed of the fictional deaths: the same every time the demo is loaded.
FICTIONAL_SEED = 20_260_301
FICTIONAL_SOURCE = (
    "FICTIONAL deaths by age band made up for Spiral's demonstration (Poisson draws, fixed "
    "seed, around made-up age-specific rates) applied to real ONS mid-year population "
    "estimates (Fingertips indicator 92708, Open Government Licence v3.0); not real figures"
)
#: Made-up death rates per 100,000 from causes considered preventable, bands 0-4 ... 70-74.
PREVENTABLE_RATES = (5, 3, 4, 16, 27, 32, 40, 54, 81, 122, 176, 257, 365, 513, 702)
FIVE_YEAR_BANDS = (*(f"{age}-{age + 4} yrs" for age in range(0, 90, 5)), "90+ yrs")


def _areas() -> dict[str, Area]:
    with AREAS_FILE.open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    areas = {}
    for row in rows:
        score = row["imd_2019_average_score"]
        area, _ = Area.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "area_type": row["area_type"],
                "parent_code": row["parent_code"],
                "context": {"imd_2019_average_score": float(score)} if score else {},
            },
        )
        areas[area.code] = area
    kingsmere, _ = Area.objects.update_or_create(
        code=KINGSMERE,
        defaults={
            "name": "Kingsmere",
            "area_type": "Unitary authority",
            "parent_code": "E12000002",
            "fictional": True,
            "derivation": (
                f"Its figures are Warrington's (E06000007) real counts and populations "
                f"x {SCALE}, numerators further scaled per indicator, rounded; IMD score "
                f"{KINGSMERE_IMD} chosen for the demonstration."
            ),
            "context": {"imd_2019_average_score": KINGSMERE_IMD},
        },
    )
    areas[KINGSMERE] = kingsmere
    return areas


def _populations(areas: dict[str, Area]) -> None:
    table = read_fingertips_population(demo_file("population"))
    persons = table[table["sex"] == "Persons"]
    total = persons[persons["age"] == "All ages"].set_index(["area_code", "period"])["population"]
    older_bands = [f"{age}-{age + 4} yrs" for age in range(65, 90, 5)] + ["90+ yrs"]
    older = (
        persons[persons["age"].isin(older_bands)]
        .groupby(["area_code", "period"])["population"]
        .sum()
    )
    totals: dict[str, dict[str, float]] = {}
    codes = total.index.get_level_values(0).astype(str)
    periods = total.index.get_level_values(1).astype(str)
    for each_code, each_period, value in zip(
        codes, periods, total.to_numpy(dtype=float), strict=True
    ):
        totals.setdefault(each_code, {})[each_period] = float(value)
    template = {period: value * SCALE for period, value in totals.get(TEMPLATE, {}).items()}
    for code, area in areas.items():
        source = TEMPLATE if code == KINGSMERE else code
        by_year = template if code == KINGSMERE else totals.get(code, {})
        if not by_year:
            continue
        latest = max(by_year)
        share = float(older[(source, latest)]) / totals[source][latest]
        area.context = {
            **area.context,
            "population": by_year[latest],
            "share_65_plus": share,
            "population_by_year": by_year,
        }
        area.save(update_fields=["context"])


def _indicator_key(indicator_id: str, age: str, ages: set[str]) -> str:
    return indicator_id if len(ages) == 1 or age == "All ages" else f"{indicator_id}-{age}"


def _kingsmere_counts(counts: pd.DataFrame) -> pd.DataFrame:
    template = counts[counts["area_code"] == TEMPLATE].copy()
    factor = template["indicator_id"].map(KINGSMERE_FACTORS).fillna(1.0).to_numpy(dtype=float)
    template["denominator"] = np.round(template["denominator"] * SCALE)
    numerator = np.round(template["numerator"].to_numpy(dtype=float) * SCALE * factor)
    proportion = (template["value_type"] == "proportion").to_numpy()
    template["numerator"] = np.where(
        proportion, np.minimum(numerator, template["denominator"]), numerator
    )
    template["area_code"] = KINGSMERE
    return template


def _totals(counts: pd.DataFrame) -> pd.DataFrame:
    """Keep one row per indicator, area, period and age: the total.

    Where the extract repeats a key (unlabelled breakdowns, mostly England's deprivation
    deciles), the first row in file order is the whole population: it has the largest
    denominator of its group in every case, which is checked here.
    """
    repeated = counts["category"].notna()
    key = ["indicator_id", "area_code", "period", "age"]
    largest = counts.groupby(key)["denominator"].transform("max")
    first = counts["category"] == "1"
    if not bool((counts.loc[first, "denominator"] == largest[first]).all()):
        raise ValueError("a repeated key's first row is not its largest: cannot pick totals")
    return counts[~repeated | first]


def _indicators(areas: dict[str, Area]) -> int:
    counts = read_fingertips_counts(demo_file("counts"))
    counts = counts[counts["indicator_id"].isin(list(META))]
    counts = _totals(counts)
    counts = pd.concat([counts, _kingsmere_counts(counts)], ignore_index=True)
    stored = 0
    for (indicator_id, age), rows in counts.groupby(["indicator_id", "age"], sort=True):
        ages = set(counts.loc[counts["indicator_id"] == indicator_id, "age"])
        meta = META[str(indicator_id)]
        key = _indicator_key(str(indicator_id), str(age), ages)
        first = rows.iloc[0]
        statistic = (
            Indicator.Statistic.PROPORTION
            if first["value_type"] == "proportion"
            else Indicator.Statistic.RATE
        )
        indicator, _ = Indicator.objects.update_or_create(
            organisation=None,
            key=key,
            defaults={
                "name": meta.name if key == indicator_id else f"{meta.name} ({age})",
                "statistic": statistic,
                "multiplier": float(first["multiplier"]),
                "polarity": meta.polarity,
                "unit": meta.unit,
                "sex": str(first["sex"]),
                "age": str(age),
                "ci_method": "Wilson" if statistic == "proportion" else "Byar (exact if count<10)",
                "source": f"{FINGERTIPS_SOURCE}; Fingertips indicator {indicator_id}",
            },
        )
        stored += services.indicator_values_store(
            indicator=indicator,
            counts=rows[["area_code", "period", "numerator", "denominator"]],
            areas=areas,
        )
    return stored


def _all_cause_rate(start: np.ndarray, *, female: bool) -> np.ndarray:
    """Made-up all-cause death rates a person a year at each band's start age (fictional)."""
    middle = np.where(start == 0, 0.5, np.where(start == 90, 94, start + 2.5))
    rate = 0.00015 + 3.2e-5 * np.exp(0.094 * middle)
    rate = np.where(start == 0, 0.0040, np.where(start == 1, 0.00014, rate))
    return rate * (0.78 if female else 1.0)


def _fictional_deaths(areas: dict[str, Area]) -> dict[str, pd.DataFrame]:
    """The demo's fictional deaths by age band for every area, by indicator key.

    Populations are the real ONS estimates by five-year band (Kingsmere's are
    Warrington's x 1.2, rounded); deaths are Poisson draws (seed :data:`FICTIONAL_SEED`)
    around made-up rates times an area factor ``exp(0.015 x (IMD score - 22))`` times a
    random factor (log-normal, sd 0.05) and, for preventable deaths, 2% fewer a year.
    """
    rng = np.random.default_rng(FICTIONAL_SEED)
    table = read_fingertips_population(demo_file("population"))
    table = table[table["age"].isin(FIVE_YEAR_BANDS)].copy()
    kingsmere = table[table["area_code"] == TEMPLATE].assign(area_code=KINGSMERE)
    kingsmere["population"] = np.round(kingsmere["population"] * SCALE)
    table = pd.concat([table, kingsmere], ignore_index=True)
    table = table[table["area_code"].isin(list(areas))]
    table["age_band"] = table["age"].str.removesuffix(" yrs")
    table["band_order"] = table["age"].map({band: i for i, band in enumerate(FIVE_YEAR_BANDS)})
    codes = sorted(set(table["area_code"]))
    scores = np.array(
        [areas[code].context.get("imd_2019_average_score", 22.0) for code in codes], dtype=float
    )
    factor = dict(
        zip(
            codes, np.exp(0.015 * (scores - 22.0)) * rng.lognormal(0, 0.05, len(codes)), strict=True
        )
    )
    factor["E92000001"] = 1.0
    area_factor = table["area_code"].map(factor).to_numpy(dtype=float)
    years = table["period"].astype(int).to_numpy() - 2018

    persons = table[(table["sex"] == "Persons") & (table["band_order"] < 15)].copy()
    rate = np.asarray(PREVENTABLE_RATES, dtype=float)[persons["band_order"].to_numpy()] / 1e5
    chosen = table.index.get_indexer(persons.index)
    expected = persons["population"] * rate * area_factor[chosen] * 0.98 ** years[chosen]
    persons["count"] = rng.poisson(expected.to_numpy()).astype(float)
    result = {PREVENTABLE: persons.assign(sex="Persons")}

    for key, sex in ((LE_FEMALE, "Female"), (LE_MALE, "Male")):
        one = table[table["sex"] == sex]
        infants = one[one["band_order"] == 0]
        split = pd.concat(
            [
                infants.assign(age_band="0", population=np.round(infants["population"] / 5)),
                infants.assign(
                    age_band="1-4",
                    population=infants["population"] - np.round(infants["population"] / 5),
                ),
                one[one["band_order"] > 0],
            ]
        )
        split["band_order"] = split["age_band"].map(
            {band: i for i, band in enumerate(LIFE_EXPECTANCY_BANDS)}
        )
        starts = np.array([int(band.split("-")[0].rstrip("+")) for band in split["age_band"]])
        chosen = table.index.get_indexer(split.index)
        expected = (
            split["population"].to_numpy()
            * _all_cause_rate(starts, female=sex == "Female")
            * area_factor[chosen]
            * 0.99 ** years[chosen]
        )
        split["count"] = np.minimum(rng.poisson(expected), split["population"]).astype(float)
        result[key] = split
    return result


FICTIONAL_META = {
    PREVENTABLE: (
        "Under-75 mortality from causes considered preventable (fictional data)",
        Indicator.Statistic.DSR, 100_000.0, POLARITY.LOW, "per 100,000 (DSR)", "Persons", "<75 yrs",
    ),
    LE_FEMALE: (
        "Life expectancy at birth, females (fictional data)",
        Indicator.Statistic.LIFE_EXPECTANCY, 1.0, POLARITY.HIGH, "years", "Female", "At birth",
    ),
    LE_MALE: (
        "Life expectancy at birth, males (fictional data)",
        Indicator.Statistic.LIFE_EXPECTANCY, 1.0, POLARITY.HIGH, "years", "Male", "At birth",
    ),
}  # fmt: skip


def _age_banded(areas: dict[str, Area]) -> int:
    """The fictional age-banded indicators, values computed by the engine from their bands."""
    stored = 0
    for key, bands in _fictional_deaths(areas).items():
        name, statistic, multiplier, polarity, unit, sex, age = FICTIONAL_META[key]
        indicator, _ = Indicator.objects.update_or_create(
            organisation=None,
            key=key,
            defaults={
                "name": name,
                "statistic": statistic,
                "multiplier": multiplier,
                "polarity": polarity,
                "unit": unit,
                "sex": sex,
                "age": age,
                "ci_method": services.BANDED_METHODS[statistic],
                "source": FICTIONAL_SOURCE,
                "standard_population": "esp2013" if statistic == "dsr" else "",
            },
        )
        stored += services.age_bands_store(
            indicator=indicator,
            bands=bands[
                ["area_code", "period", "sex", "age_band", "band_order", "count", "population"]
            ],
            areas=areas,
        )
    return stored


def _comparators(areas: dict[str, Area]) -> None:
    context = pd.DataFrame(
        [
            {"area_code": code, **{name: area.context.get(name) for name in COMPARATOR_WEIGHTS}}
            for code, area in areas.items()
        ]
    ).dropna()
    groups = nearest_neighbours(context, COMPARATOR_WEIGHTS, k=10)
    ComparatorMember.objects.all().delete()
    ComparatorMember.objects.bulk_create(
        ComparatorMember(
            area=areas[str(row["area_code"])],
            comparator=areas[str(row["comparator_code"])],
            rank=int(row["rank"]),
            distance=float(row["distance"]),
            method=COMPARATOR_METHOD,
        )
        for row in groups.to_dict("records")
    )


def load_needs_demo(*, cast: Cast, progress: Callable[[str], object] = print) -> None:
    """Load the indicator data and one needs assessment per Kingsmere cycle (idempotent)."""
    council = cast.organisations["council"]
    analyst: User = cast.users["analyst"]  # type: ignore[assignment]
    if not Area.objects.filter(code=KINGSMERE).exists():
        progress("Loading Fingertips comparator data and computing indicator values…")
        with transaction.atomic():
            areas = _areas()
            _populations(areas)
            rows = _indicators(areas)
            _comparators(areas)
            audit_record(
                actor=None,
                action="indicator.demo_load",
                object_type="needs.indicatorvalue",
                object_label=f"{rows} demo indicator values",
                organisation=council,
                after={"rows": rows, "source": FINGERTIPS_SOURCE},
            )
    if not Indicator.objects.filter(organisation__isnull=True, key=PREVENTABLE).exists():
        progress("Making the fictional deaths by age band and computing DSRs and life expectancy…")
        with transaction.atomic():
            areas = {area.code: area for area in Area.objects.all()}
            rows = _age_banded(areas)
            audit_record(
                actor=None,
                action="indicator.demo_load",
                object_type="needs.agebandcount",
                object_label=f"{rows} fictional age-banded demo values",
                organisation=council,
                after={"rows": rows, "source": FICTIONAL_SOURCE, "seed": FICTIONAL_SEED},
            )
    kingsmere = Area.objects.get(code=KINGSMERE)
    progress("Writing the needs assessments…")
    for programme in Programme.objects.filter(organisation=council):
        keys = PROGRAMME_INDICATORS.get(programme.name)
        if not keys:
            continue
        chosen = list(Indicator.objects.filter(organisation__isnull=True, key__in=keys))
        for cycle in programme.cycles.all():
            if NeedsAssessment.objects.filter(cycle=cycle).exists():
                continue
            services.needs_assessment_save(
                actor=analyst,
                cycle=cycle,
                area=kingsmere,
                indicators=chosen,
                summary=(
                    f"Kingsmere's need for {programme.service_area.lower()} services, set "
                    "against its ten nearest statistical neighbours and England. Kingsmere is "
                    "fictional; its comparators' figures are real Fingertips data."
                ),
            )
