from django.apps import AppConfig


class NeedsConfig(AppConfig):
    name = "workspace.needs"
    label = "needs"
    verbose_name = "Indicators and needs assessments"
