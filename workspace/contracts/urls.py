"""URLs for the contract register, returns and performance. Paths use hyphens."""

from django.urls import path

from workspace.contracts import views

app_name = "contracts"
urlpatterns = [
    path("contracts/", views.register, name="register"),
    path("contracts/new/", views.agreement_new, name="agreement-new"),
    path("contracts/outstanding-returns/", views.outstanding, name="outstanding"),
    path("contracts/renewals/", views.renewals, name="renewals"),
    path("contracts/<int:pk>/", views.agreement_detail, name="agreement"),
    path("contracts/<int:pk>/kpis/new/", views.kpi_new, name="kpi-new"),
    path("contracts/<int:pk>/put-into-force/", views.agreement_activate, name="activate"),
    path("contracts/<int:pk>/publication/", views.publication, name="publication"),
    path("contracts/<int:pk>/in-house-team/", views.in_house_team, name="in-house-team"),
    path("contracts/<int:pk>/milestones/new/", views.milestone_new, name="milestone-new"),
    path(
        "contracts/<int:pk>/milestones/<int:milestone>/met/",
        views.milestone_complete,
        name="milestone-complete",
    ),
    path("contracts/<int:pk>/changes/new/", views.change_new, name="change-new"),
    path("contracts/<int:pk>/payments/new/", views.payment_new, name="payment-new"),
    path("contracts/<int:pk>/payments/import/", views.payments_import, name="payments-import"),
    path("contracts/<int:pk>/performance/", views.performance, name="performance"),
    path("contracts/<int:pk>/returns/<str:period>/", views.return_edit, name="return-edit"),
    path("returns/<int:pk>/", views.return_detail, name="return"),
    path("returns/<int:pk>/query/", views.return_query, name="return-query"),
    path("returns/<int:pk>/accept/", views.return_accept, name="return-accept"),
    path(
        "returns/<int:pk>/kpis/<int:kpi>/override/",
        views.rating_override,
        name="rating-override",
    ),
]
