from django.apps import AppConfig


class PlanConfig(AppConfig):
    name = "workspace.plan"
    label = "plan"
    verbose_name = "Plan: outcomes frameworks and options appraisals"

    def ready(self) -> None:
        from workspace.cycles.services import GATE_APPROVED_HOOKS
        from workspace.plan.services import appraisal_decide_at_gate

        if appraisal_decide_at_gate not in GATE_APPROVED_HOOKS:
            GATE_APPROVED_HOOKS.append(appraisal_decide_at_gate)
