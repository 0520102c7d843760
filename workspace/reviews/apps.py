from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "workspace.reviews"
    label = "reviews"
    verbose_name = "Reviews and the Spiral test"

    def ready(self) -> None:
        from workspace.cycles.services import SIGN_OFF_WARNINGS
        from workspace.reviews.plan_check import plan_gate_warnings

        if plan_gate_warnings not in SIGN_OFF_WARNINGS:
            SIGN_OFF_WARNINGS.append(plan_gate_warnings)
