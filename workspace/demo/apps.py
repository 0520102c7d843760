from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "workspace.demo"
    label = "demo"
    verbose_name = "Demo council"
