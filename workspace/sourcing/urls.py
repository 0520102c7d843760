"""URLs for sourcing, transaction costs, evaluation, OCDS publication and the market."""

from django.urls import path

from workspace.sourcing import views

app_name = "sourcing"
urlpatterns = [
    path("cycles/<int:pk>/sourcing/", views.sourcing_list, name="sourcing-list"),
    path("cycles/<int:pk>/sourcing/new/", views.sourcing_new, name="sourcing-new"),
    path("sourcing/<int:pk>/", views.sourcing_detail, name="sourcing"),
    path("sourcing/<int:pk>/edit/", views.sourcing_edit, name="sourcing-edit"),
    path("sourcing/<int:pk>/terminate/", views.terminate, name="terminate"),
    path("sourcing/<int:pk>/milestones/new/", views.milestone_new, name="milestone-new"),
    path(
        "sourcing/<int:pk>/milestones/<int:milestone>/edit/",
        views.milestone_edit,
        name="milestone-edit",
    ),
    path(
        "sourcing/<int:pk>/milestones/<int:milestone>/delete/",
        views.milestone_delete,
        name="milestone-delete",
    ),
    path("sourcing/<int:pk>/transaction-costs/", views.costs_edit, name="costs"),
    path("sourcing/<int:pk>/criteria/", views.criteria_edit, name="criteria"),
    path("sourcing/<int:pk>/bids/new/", views.bid_new, name="bid-new"),
    path("sourcing/<int:pk>/bids/<int:bid>/edit/", views.bid_edit, name="bid-edit"),
    path("sourcing/<int:pk>/bids/<int:bid>/delete/", views.bid_delete, name="bid-delete"),
    path("sourcing/<int:pk>/award/", views.award, name="award"),
    path("sourcing/<int:pk>/ocds.json", views.ocds_export, name="ocds"),
    path("sourcing/<int:pk>/notices.json", views.notices_export, name="notices"),
    path("programmes/<int:pk>/market/", views.market, name="market"),
    path("programmes/<int:pk>/market/filter/", views.market_filter_edit, name="market-filter"),
    path("programmes/<int:pk>/market/import-ocds/", views.ocds_import, name="ocds-import"),
    path("programmes/<int:pk>/market/import-spend/", views.spend_import, name="spend-import"),
    path("programmes/<int:pk>/market/statement/", views.statement_edit, name="statement"),
]
