"""Pages for outcomes frameworks and options appraisals: check access, parse, call a service.

Reading needs the VIEW capability in the programme's lead or partner organisation (so
approvers, auditors and administrators read); changing needs EDIT (commissioners, analysts,
finance and procurement). Providers and people from other organisations are refused.
"""

from workspace.plan.views.appraisal_results import (
    appraisal_cases,
    appraisal_recommend,
    appraisal_report,
    appraisal_report_pdf,
    appraisal_results,
    appraisal_scoring,
)
from workspace.plan.views.appraisals import (
    appraisal_detail,
    appraisal_import,
    appraisal_input_remove,
    appraisal_inputs,
    appraisal_list,
    appraisal_new,
    appraisal_settings,
    appraisal_upload,
    option_assumption_new,
    option_bias,
    option_cash_flows,
    option_discard,
    option_new,
    option_shortlist,
)
from workspace.plan.views.outcomes import (
    indicator_edit,
    indicator_new,
    outcome_edit,
    outcome_new,
    outcomes_framework,
    outcomes_framework_edit,
    outcomes_list,
    outcomes_new,
    target_new,
)

__all__ = [
    "appraisal_cases",
    "appraisal_detail",
    "appraisal_import",
    "appraisal_input_remove",
    "appraisal_inputs",
    "appraisal_list",
    "appraisal_new",
    "appraisal_recommend",
    "appraisal_report",
    "appraisal_report_pdf",
    "appraisal_results",
    "appraisal_scoring",
    "appraisal_settings",
    "appraisal_upload",
    "indicator_edit",
    "indicator_new",
    "option_assumption_new",
    "option_bias",
    "option_cash_flows",
    "option_discard",
    "option_new",
    "option_shortlist",
    "outcome_edit",
    "outcome_new",
    "outcomes_framework",
    "outcomes_framework_edit",
    "outcomes_list",
    "outcomes_new",
    "target_new",
]
