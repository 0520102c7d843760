from django.apps import AppConfig


class CyclesConfig(AppConfig):
    name = "workspace.cycles"
    label = "cycles"
    verbose_name = "Programmes and commissioning cycles"
