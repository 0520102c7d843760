from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "workspace.contracts"
    label = "contracts"
    verbose_name = "Contracts, provider returns and performance"
