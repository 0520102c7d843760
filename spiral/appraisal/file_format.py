"""The options file: one YAML or JSON document holding a whole appraisal.

Sections (documented in ``docs/appraisal.md`` with a full example in
``docs/examples/options.yaml``):

``appraisal``
    title, first_year, horizon, price_base_year, prices (real | nominal), deflator,
    discounting (schedule, convention, category_schedules), recommended, simulations, seed,
    and the five-case narrative (strategic, economic, commercial, financial, management).
``social_value_measures``
    the organisation's measures (a list), the path of a YAML file holding them (relative to
    the options file), or ``example`` for Spiral's illustrative set.
``options``
    name, delivery_model, description, cash_flows (category → list by year from year 0, or
    mapping of year → amount), optimism_bias (category → per cent, or a mapping with
    project_type, bound and mitigated), social_value (measure code → quantities by year),
    assumptions (topic, text, reason).
``uncertain_inputs`` and ``correlations``
    factors on categories with their distributions; pairwise correlations.
``mcda``
    criteria (name → weight, adding up to 1 or 100) and scores (option → criterion → score).

Reading is all-or-nothing: every problem found is reported at once, each naming the option
and field, and nothing is returned unless the whole file is valid.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from spiral.appraisal.appraisal import AppraisalSettings
from spiral.appraisal.discounting import SCHEDULE_COLUMNS, Convention
from spiral.appraisal.optimism_bias import bounds, mitigated_bias
from spiral.appraisal.options import CATEGORIES, LAST_YEAR, Assumption, Option
from spiral.appraisal.risk import UncertainInput, correlation_matrix
from spiral.appraisal.social_value import (
    SocialValueMeasure,
    example_measures,
    measures_from_data,
    monetise,
    read_measures,
)
from spiral.exceptions import InputError

FIVE_CASES = ("strategic", "economic", "commercial", "financial", "management")


class OptionsFileError(InputError):
    """The options file has problems; ``problems`` lists every one found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class OptionsFile:
    """Everything an options file holds, validated."""

    title: str
    settings: AppraisalSettings
    options: tuple[Option, ...]
    inputs: tuple[UncertainInput, ...] = ()
    correlations: Mapping[tuple[str, str], float] = field(default_factory=dict)
    weights: Mapping[str, float] = field(default_factory=dict)
    scores: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    recommended: str | None = None
    simulations: int = 10_000
    seed: int | None = None
    cases: Mapping[str, str] = field(default_factory=dict)
    measures: tuple[SocialValueMeasure, ...] = ()
    social_value: Mapping[str, Mapping[int, float]] = field(default_factory=dict)


class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, text: str) -> None:
        self.items.append(f"{where}: {text}")


def _mapping(value: Any, where: str, problems: _Problems) -> Mapping[Any, Any]:
    """The value if it is a mapping (None counts as empty); otherwise a problem."""
    if value is None:
        return {}
    if isinstance(value, Mapping):
        return value
    problems.add(where, "must be a mapping")
    return {}


def _list(value: Any, where: str, problems: _Problems) -> list[Any]:
    """The value if it is a list (None counts as empty); otherwise a problem."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    problems.add(where, "must be a list")
    return []


def _by_year(value: Any, where: str, problems: _Problems) -> dict[int, float]:
    """Read amounts given as a list from year 0 or as a mapping of year to amount."""
    items: list[tuple[Any, Any]]
    if isinstance(value, list):
        items = list(enumerate(value))
    elif isinstance(value, Mapping):
        items = list(value.items())
    else:
        problems.add(where, "give a list of amounts from year 0, or a mapping of year to amount")
        return {}
    out: dict[int, float] = {}
    for year, amount in items:
        try:
            y = int(str(year))
        except ValueError:
            problems.add(where, f"year {year!r} is not a whole number")
            continue
        if y < 0:
            problems.add(where, f"year {y} is negative")
            continue
        if amount is None:
            continue
        if isinstance(amount, bool) or not isinstance(amount, int | float):
            problems.add(f"{where}, year {y}", f"{amount!r} is not a number")
            continue
        out[y] = float(amount)
    return out


def _number(data: Mapping[str, Any], key: str, where: str, problems: _Problems) -> float | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.add(f"{where}, field {key}", f"{value!r} is not a number")
        return None
    return float(value)


def _integer(data: Mapping[str, Any], key: str, where: str, problems: _Problems) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        problems.add(f"{where}, field {key}", f"{value!r} is not a whole number")
        return None
    return int(value)


def _discounting(
    data: Mapping[str, Any], where: str, problems: _Problems
) -> tuple[str, Convention, dict[str, str]]:
    discounting = _mapping(data.get("discounting"), f"{where}, field discounting", problems)
    name = str(discounting.get("schedule", "standard"))
    if name not in SCHEDULE_COLUMNS:
        problems.add(f"{where}, field discounting.schedule", f"unknown schedule {name!r}")
        name = "standard"
    convention = str(discounting.get("convention", Convention.END_OF_YEAR.value))
    if convention not in {c.value for c in Convention}:
        problems.add(f"{where}, field discounting.convention", f"unknown convention {convention!r}")
        convention = Convention.END_OF_YEAR.value
    by_category: dict[str, str] = {}
    by_name = _mapping(
        discounting.get("category_schedules"),
        f"{where}, field discounting.category_schedules",
        problems,
    )
    for category, chosen in by_name.items():
        field_name = f"{where}, field discounting.category_schedules.{category}"
        if category not in CATEGORIES:
            problems.add(field_name, f"unknown category {category!r}")
        elif str(chosen) not in SCHEDULE_COLUMNS:
            problems.add(field_name, f"unknown schedule {chosen!r}")
        else:
            by_category[category] = str(chosen)
    return name, Convention(convention), by_category


def _settings(data: Mapping[str, Any], problems: _Problems) -> AppraisalSettings:
    where = "appraisal"
    name, convention, by_category = _discounting(data, where, problems)
    prices = str(data.get("prices", "real"))
    if prices not in ("real", "nominal"):
        problems.add(f"{where}, field prices", f"must be real or nominal, not {prices!r}")
        prices = "real"
    deflator_data = data.get("deflator") or {}
    deflator = (
        _by_year(deflator_data, f"{where}, field deflator", problems) if deflator_data else {}
    )
    first_year = _integer(data, "first_year", where, problems)
    base_year = _integer(data, "price_base_year", where, problems)
    if prices == "nominal":
        for key, value in (("first_year", first_year), ("price_base_year", base_year)):
            if value is None:
                problems.add(f"{where}, field {key}", "needed when prices are nominal")
        if not deflator:
            problems.add(f"{where}, field deflator", "needed when prices are nominal")
    horizon = _integer(data, "horizon", where, problems)
    if horizon is not None and not 0 <= horizon <= LAST_YEAR:
        problems.add(f"{where}, field horizon", f"must be from 0 to {LAST_YEAR}")
        horizon = None
    return AppraisalSettings(
        horizon=horizon,
        schedule=name,
        category_schedules=by_category,
        convention=convention,
        prices="nominal" if prices == "nominal" else "real",
        first_year=first_year,
        price_base_year=base_year,
        deflator=deflator,
    )


def _bias(  # noqa: PLR0911 - one return per way the entry can be wrong
    value: Any, category: str, where: str, reason: str, problems: _Problems
) -> float | None:
    """A percentage, or the table's bound for a project type, perhaps mitigated."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, Mapping):
        problems.add(where, "give a percentage or a mapping with project_type")
        return None
    try:
        entry = bounds(str(value.get("project_type", "")))
    except ValueError as error:
        problems.add(f"{where}.project_type", str(error))
        return None
    if entry.applies_to != category:
        problems.add(
            f"{where}.project_type",
            f"the bounds for {entry.project_type} apply to {entry.applies_to} costs",
        )
        return None
    bound = str(value.get("bound", "upper"))
    if bound not in ("upper", "lower"):
        problems.add(f"{where}.bound", f"must be upper or lower, not {bound!r}")
        return None
    start = entry.capex_upper if bound == "upper" else entry.capex_lower
    mitigated = value.get("mitigated")
    if mitigated is None:
        return start
    why = str(value.get("reason", "")).strip() or reason
    if not why:
        problems.add(f"{where}.reason", "mitigation needs a stated reason")
        return None
    try:
        return mitigated_bias(start, float(mitigated), lower=entry.capex_lower, reason=why)
    except (TypeError, ValueError) as error:
        problems.add(f"{where}.mitigated", str(error))
        return None


def _assumptions(data: Mapping[str, Any], where: str, problems: _Problems) -> list[Assumption]:
    out = []
    for i, item in enumerate(
        _list(data.get("assumptions"), f"{where}, field assumptions", problems)
    ):
        if not isinstance(item, Mapping) or not str(item.get("text", "")).strip():
            problems.add(f"{where}, field assumptions[{i}]", "needs at least a text")
            continue
        out.append(
            Assumption(
                str(item.get("topic", "general")), str(item["text"]), str(item.get("reason", ""))
            )
        )
    return out


def _social_value(
    data: Mapping[str, Any],
    name: str,
    measures: tuple[SocialValueMeasure, ...],
    problems: _Problems,
) -> dict[int, float]:
    quantities = data.get("social_value") or {}
    if not quantities:
        return {}
    where = f"option {name!r}"
    if not isinstance(quantities, Mapping):
        problems.add(f"{where}, field social_value", "must be a mapping of measure to amounts")
        return {}
    by_code = {
        str(code): _by_year(values, f"{where}, field social_value.{code}", problems)
        for code, values in quantities.items()
    }
    try:
        return monetise(measures, by_code, name)
    except ValueError as error:
        problems.items.append(str(error))
        return {}


def _option(
    data: Any, index: int, measures: tuple[SocialValueMeasure, ...], problems: _Problems
) -> tuple[Option | None, dict[int, float]]:
    if not isinstance(data, Mapping):
        problems.add(f"options[{index}]", "must be a mapping")
        return None, {}
    name = str(data.get("name", "")).strip() or f"options[{index}]"
    where = f"option {name!r}"
    if not str(data.get("name", "")).strip():
        problems.add(f"options[{index}], field name", "every option needs a name")
    before = len(problems.items)
    flows_data = data.get("cash_flows") or {}
    flows: dict[str, dict[int, float]] = {}
    if not isinstance(flows_data, Mapping):
        problems.add(f"{where}, field cash_flows", "must be a mapping of category to amounts")
        flows_data = {}
    for category, amounts in flows_data.items():
        flows[str(category)] = _by_year(amounts, f"{where}, field cash_flows.{category}", problems)
    bias: dict[str, float] = {}
    bias_data = data.get("optimism_bias") or {}
    if not isinstance(bias_data, Mapping):
        problems.add(f"{where}, field optimism_bias", "must be a mapping of cost category to bias")
        bias_data = {}
    reason = str(bias_data.get("reason", "")).strip()
    for category, value in bias_data.items():
        if category == "reason":
            continue
        field_name = f"{where}, field optimism_bias.{category}"
        found = _bias(value, str(category), field_name, reason, problems)
        if found is not None:
            bias[str(category)] = found
    assumptions = _assumptions(data, where, problems)
    social = _social_value(data, name, measures, problems)
    if social:
        outcomes = flows.setdefault("monetised_outcomes", {})
        for year, amount in social.items():
            outcomes[year] = outcomes.get(year, 0.0) + amount
    if len(problems.items) > before:
        return None, social
    try:
        option = Option(
            name,
            str(data.get("delivery_model", "")),
            flows,
            bias,
            assumptions=tuple(assumptions),
            description=str(data.get("description", "")),
            optimism_bias_reason=reason,
        )
    except ValueError as error:
        problems.items.append(str(error))
        return None, social
    return option, social


def _inputs(data: Any, names: set[str], problems: _Problems) -> list[UncertainInput]:
    out = []
    for i, item in enumerate(_list(data, "uncertain_inputs", problems)):
        if not isinstance(item, Mapping):
            problems.add(f"uncertain_inputs[{i}]", "must be a mapping")
            continue
        label = f"uncertain input {item.get('name')!r}, field options"
        given = item.get("options")
        options = [given] if isinstance(given, str) else _list(given, label, problems)
        for option in options:
            if str(option) not in names:
                problems.add(label, f"no option is called {option!r}")
        params = {
            k: v
            for k, v in item.items()
            if k not in ("name", "category", "distribution", "options", "reason")
        }
        try:
            out.append(
                UncertainInput(
                    name=str(item.get("name") or f"uncertain_inputs[{i}]"),
                    category=str(item.get("category", "")),
                    distribution=str(item.get("distribution", "")),
                    params=params,
                    options=tuple(str(o) for o in options),
                    reason=str(item.get("reason", "")),
                )
            )
        except (TypeError, ValueError) as error:
            problems.items.append(str(error))
    seen = [u.name for u in out]
    for name in sorted({n for n in seen if seen.count(n) > 1}):
        problems.add(f"uncertain input {name!r}, field name", "used twice")
    return out


def _correlations(data: Any, problems: _Problems) -> dict[tuple[str, str], float]:
    out: dict[tuple[str, str], float] = {}
    for i, item in enumerate(_list(data, "correlations", problems)):
        if isinstance(item, Mapping):
            pair = item.get("between") or []
            rho = item.get("correlation")
        elif isinstance(item, list) and len(item) == 3:  # [a, b, rho]
            pair, rho = item[:2], item[2]
        else:
            pair, rho = [], None
        bad_pair = not isinstance(pair, list) or len(pair) != 2
        if bad_pair or isinstance(rho, bool) or not isinstance(rho, int | float):
            problems.add(f"correlations[{i}]", "give between: [input, input] and correlation")
            continue
        out[(str(pair[0]), str(pair[1]))] = float(rho)
    return out


def _mcda(data: Any, problems: _Problems) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    if not data:
        return {}, {}
    if not isinstance(data, Mapping):
        problems.add("mcda", "must be a mapping with criteria and scores")
        return {}, {}
    criteria = data.get("criteria")
    weights: dict[str, float] = {}
    if isinstance(criteria, list):
        criteria = {str(c.get("name")): c.get("weight") for c in criteria if isinstance(c, Mapping)}
    for name, weight in _mapping(criteria, "mcda, field criteria", problems).items():
        if isinstance(weight, bool) or not isinstance(weight, int | float):
            problems.add(f"mcda, criterion {name!r}, field weight", f"{weight!r} is not a number")
        else:
            weights[str(name)] = float(weight)
    scores: dict[str, dict[str, float]] = {}
    for option, given in _mapping(data.get("scores"), "mcda, field scores", problems).items():
        scores[str(option)] = {}
        where = f"mcda, option {option!r}, field scores"
        for criterion, value in _mapping(given, where, problems).items():
            if isinstance(value, bool) or not isinstance(value, int | float):
                problems.add(
                    f"mcda, option {option!r}, field {criterion}", f"{value!r} is not a number"
                )
            else:
                scores[str(option)][str(criterion)] = float(value)
    return weights, scores


def parse_options(  # noqa: PLR0912, PLR0915 - one section at a time
    data: Any, base: Path | None = None
) -> OptionsFile:
    """Validate plain data (as read from YAML or JSON) into an :class:`OptionsFile`.

    ``base`` is the folder that a ``social_value_measures`` file path is relative to.

    Raises
    ------
    OptionsFileError
        Listing every problem, each naming the option (or section) and field.

    Examples
    --------
    >>> f = parse_options({"options": [
    ...     {"name": "A", "delivery_model": "in_house", "cash_flows": {"operating": [10, 10]}}]})
    >>> f.options[0].cash_flows["operating"]
    {0: 10.0, 1: 10.0}
    >>> try:
    ...     parse_options({"options": [{"name": "A", "delivery_model": "in_house",
    ...                                 "cash_flows": {"operating": [10, "ten"]}}]})
    ... except OptionsFileError as error:
    ...     print(error.problems)
    ["option 'A', field cash_flows.operating, year 1: 'ten' is not a number"]
    """
    problems = _Problems()
    if not isinstance(data, Mapping):
        raise OptionsFileError(["the options file must hold a mapping at the top level"])
    known = {
        "appraisal",
        "options",
        "uncertain_inputs",
        "correlations",
        "mcda",
        "social_value_measures",
    }
    for key in data:
        if key not in known:
            problems.add(str(key), f"unknown section (use {', '.join(sorted(known))})")
    head = data.get("appraisal") or {}
    if not isinstance(head, Mapping):
        problems.add("appraisal", "must be a mapping")
        head = {}
    settings = _settings(head, problems)
    measures: tuple[SocialValueMeasure, ...] = ()
    given_measures = data.get("social_value_measures")
    try:
        if given_measures == "example":
            measures = example_measures()
        elif isinstance(given_measures, str):
            measures = read_measures((base or Path()) / given_measures)
        elif given_measures is not None:
            measures = measures_from_data(given_measures)
    except ValueError as error:
        problems.items.append(str(error))
    raw_options = data.get("options")
    if not isinstance(raw_options, list) or not raw_options:
        problems.add("options", "give a list of at least one option")
        raw_options = []
    options: list[Option] = []
    social: dict[str, dict[int, float]] = {}
    for i, item in enumerate(raw_options):
        option, value = _option(item, i, measures, problems)
        if option is not None:
            options.append(option)
            if value:
                social[option.name] = value
    names = [str(o.get("name", "")) for o in raw_options if isinstance(o, Mapping)]
    for name in sorted({n for n in names if n and names.count(n) > 1}):
        problems.add(f"option {name!r}, field name", "two options have the same name")
    inputs = _inputs(data.get("uncertain_inputs"), set(names), problems)
    correlations = _correlations(data.get("correlations"), problems)
    if correlations and len(problems.items) == 0:
        try:
            correlation_matrix(inputs, correlations)
        except ValueError as error:
            problems.items.append(str(error))
    weights, scores = _mcda(data.get("mcda"), problems)
    if weights:
        from spiral.appraisal.mcda import score

        try:
            score([n for n in names if n], weights, scores)
        except ValueError as error:
            problems.items.append(str(error))
    recommended = head.get("recommended")
    if recommended is not None and recommended not in names:
        problems.add("appraisal, field recommended", f"no option is called {recommended!r}")
    simulations = _integer(head, "simulations", "appraisal", problems)
    if simulations is not None and simulations < 1:
        problems.add("appraisal, field simulations", "must be at least 1")
    seed = _integer(head, "seed", "appraisal", problems)
    cases = head.get("cases") or {}
    if not isinstance(cases, Mapping) or any(k not in FIVE_CASES for k in cases):
        problems.add("appraisal, field cases", f"use the five cases: {', '.join(FIVE_CASES)}")
        cases = {}
    if problems.items:
        raise OptionsFileError(problems.items)
    return OptionsFile(
        title=str(head.get("title", "Options appraisal")),
        settings=settings,
        options=tuple(options),
        inputs=tuple(inputs),
        correlations=correlations,
        weights=weights,
        scores=scores,
        recommended=None if recommended is None else str(recommended),
        simulations=simulations or 10_000,
        seed=seed,
        cases={str(k): str(v) for k, v in cases.items()},
        measures=measures,
        social_value=social,
    )


def read_options_file(path: str | Path) -> OptionsFile:
    """Read and validate a YAML (``.yaml``/``.yml``) or JSON options file.

    Examples
    --------
    >>> read_options_file("no-such-file.yaml")
    Traceback (most recent call last):
    ...
    spiral.appraisal.file_format.OptionsFileError: no-such-file.yaml: cannot read the file
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError:
        raise OptionsFileError([f"{path}: cannot read the file"]) from None
    try:
        data = json.loads(text) if p.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as error:
        line = getattr(getattr(error, "problem_mark", None), "line", None)
        where = f"{path}, line {line + 1}" if line is not None else str(path)
        raise OptionsFileError(
            [f"{where}: not valid {'JSON' if p.suffix == '.json' else 'YAML'}"]
        ) from None
    return parse_options(data, base=p.parent)
