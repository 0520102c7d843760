from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "workspace.reviews"
    label = "reviews"
    verbose_name = "Reviews and the Spiral test"
