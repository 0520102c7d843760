"""The workspace's URLs. Paths use hyphens; tests/workspace/test_routes.py lists every route."""

from django.contrib import admin
from django.urls import include, path

from workspace import views
from workspace.api import api

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("", include("workspace.accounts.urls")),
    path("audit/", include("workspace.audit.urls")),
    path("", include("workspace.cycles.urls")),
    path("", include("workspace.needs.urls")),
    path("", include("workspace.sourcing.urls")),
    path("", include("workspace.reviews.urls")),
    path("", include("workspace.contracts.urls")),
    path("", include("workspace.contracts.public_urls")),
    path("", include("workspace.plan.urls")),
    path("api/", api.urls),
    path("django-admin/", admin.site.urls),
]

handler403 = "workspace.views.forbidden"
handler404 = "workspace.views.not_found"
handler500 = "workspace.views.server_error"
