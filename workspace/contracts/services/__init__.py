"""Use cases for the contract register and provider returns: each in one transaction, audited.

Every function is named ``<entity>_<verb>``, takes keyword arguments only, checks who may do
it and the register's rules, and records the change with
:func:`workspace.audit.services.audit_record` inside the same transaction, so the change and
its record land together or not at all. A broken rule raises
:class:`django.core.exceptions.ValidationError` with a message per field.

They live in one module per concept and are all importable from here:

- :mod:`.agreements`: recording an agreement, putting it into force, publishing it, and its
  modifications, extensions and terminations;
- :mod:`.obligations`: its KPIs and milestones;
- :mod:`.payments`: payments made under it, one by one or from a council payments file;
- :mod:`.in_house`: the in-house team that sends an in-house agreement's returns;
- :mod:`.returns`: a provider's returns, checked and saved whole as new versions, and the
  periods still without one;
- :mod:`.checking`: the commissioning side's query, acceptance or rating override.
"""

from workspace.contracts.services.agreements import (
    agreement_activate,
    agreement_change,
    agreement_create,
    agreement_publish,
)
from workspace.contracts.services.checking import rating_override, return_accept, return_query
from workspace.contracts.services.in_house import agreement_in_house_team_set
from workspace.contracts.services.obligations import kpi_add, milestone_add, milestone_complete
from workspace.contracts.services.payments import payment_record, payments_import
from workspace.contracts.services.returns import (
    CheckedReturn,
    kpi_field,
    return_check,
    return_save,
    returns_outstanding,
)

__all__ = [
    "CheckedReturn",
    "agreement_activate",
    "agreement_change",
    "agreement_create",
    "agreement_in_house_team_set",
    "agreement_publish",
    "kpi_add",
    "kpi_field",
    "milestone_add",
    "milestone_complete",
    "payment_record",
    "payments_import",
    "rating_override",
    "return_accept",
    "return_check",
    "return_query",
    "return_save",
    "returns_outstanding",
]
