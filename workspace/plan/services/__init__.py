"""Use cases for outcomes frameworks and options appraisals: each in one transaction, audited.

Every function is named ``<entity>_<verb>``, takes keyword arguments only, checks who may
act (commissioners, analysts, finance and procurement change these records; approvers,
auditors and administrators read them; providers and other organisations see nothing) and
records what it changed with :func:`workspace.audit.services.audit_record` inside the same
transaction. Rule breaches raise :class:`django.core.exceptions.ValidationError` with a
message per field, ready for a form's error summary. The arithmetic is the engine's
(``spiral.appraisal``): :func:`appraisal_run` hands it the options document and returns
its report.
"""

from workspace.plan.services.appraisal_decisions import (
    appraisal_decide,
    appraisal_decide_at_gate,
    appraisal_recommend,
    appraisal_run,
)
from workspace.plan.services.appraisal_inputs import (
    appraisal_cases_update,
    appraisal_import,
    appraisal_input_add,
    appraisal_input_remove,
    appraisal_mcda_set,
    appraisal_settings_update,
    option_assumption_add,
    option_bias_set,
)
from workspace.plan.services.appraisal_options import (
    appraisal_cash_flows_upload,
    appraisal_create,
    option_add,
    option_cash_flows_set,
    option_discard,
    option_shortlist,
)
from workspace.plan.services.common import (
    ASSUMPTION_TOPICS,
    MAX_SIMULATIONS,
    appraisal_stage,
    is_open,
    may_edit,
    may_view,
)
from workspace.plan.services.outcomes import (
    NEEDS_BASELINE_SOURCE,
    indicator_add,
    indicator_update,
    needs_baseline,
    outcome_add,
    outcome_update,
    outcomes_framework_create,
    outcomes_framework_update,
    target_set,
)

__all__ = [
    "ASSUMPTION_TOPICS",
    "MAX_SIMULATIONS",
    "NEEDS_BASELINE_SOURCE",
    "appraisal_cases_update",
    "appraisal_cash_flows_upload",
    "appraisal_create",
    "appraisal_decide",
    "appraisal_decide_at_gate",
    "appraisal_import",
    "appraisal_input_add",
    "appraisal_input_remove",
    "appraisal_mcda_set",
    "appraisal_recommend",
    "appraisal_run",
    "appraisal_settings_update",
    "appraisal_stage",
    "indicator_add",
    "indicator_update",
    "is_open",
    "may_edit",
    "may_view",
    "needs_baseline",
    "option_add",
    "option_assumption_add",
    "option_bias_set",
    "option_cash_flows_set",
    "option_discard",
    "option_shortlist",
    "outcome_add",
    "outcome_update",
    "outcomes_framework_create",
    "outcomes_framework_update",
    "target_set",
]
