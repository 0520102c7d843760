from django.apps import AppConfig


class SourcingConfig(AppConfig):
    name = "workspace.sourcing"
    label = "sourcing"
    verbose_name = "Sourcing, transaction costs, OCDS and market"
