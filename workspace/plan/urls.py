"""URLs for outcomes frameworks and options appraisals. Paths use hyphens."""

from django.urls import path

from workspace.plan import views

app_name = "plan"
urlpatterns = [
    path("programmes/<int:pk>/outcomes/", views.outcomes_list, name="outcomes"),
    path("programmes/<int:pk>/outcomes/new/", views.outcomes_new, name="outcomes-new"),
    path("outcomes-frameworks/<int:pk>/", views.outcomes_framework, name="outcomes-framework"),
    path(
        "outcomes-frameworks/<int:pk>/edit/",
        views.outcomes_framework_edit,
        name="outcomes-framework-edit",
    ),
    path("outcomes-frameworks/<int:pk>/outcomes/new/", views.outcome_new, name="outcome-new"),
    path("outcomes/<int:pk>/edit/", views.outcome_edit, name="outcome-edit"),
    path("outcomes/<int:pk>/indicators/new/", views.indicator_new, name="indicator-new"),
    path("outcome-indicators/<int:pk>/edit/", views.indicator_edit, name="indicator-edit"),
    path("outcome-indicators/<int:pk>/targets/new/", views.target_new, name="target-new"),
    path("cycles/<int:pk>/appraisals/", views.appraisal_list, name="appraisals"),
    path("cycles/<int:pk>/appraisals/new/", views.appraisal_new, name="appraisal-new"),
    path("appraisals/<int:pk>/", views.appraisal_detail, name="appraisal"),
    path("appraisals/<int:pk>/options/new/", views.option_new, name="option-new"),
    path("appraisals/<int:pk>/upload/", views.appraisal_upload, name="appraisal-upload"),
    path("appraisals/<int:pk>/import/", views.appraisal_import, name="appraisal-import"),
    path("appraisals/<int:pk>/settings/", views.appraisal_settings, name="appraisal-settings"),
    path("appraisals/<int:pk>/uncertain-inputs/", views.appraisal_inputs, name="appraisal-inputs"),
    path(
        "appraisals/<int:pk>/uncertain-inputs/remove/",
        views.appraisal_input_remove,
        name="appraisal-input-remove",
    ),
    path("appraisals/<int:pk>/scoring/", views.appraisal_scoring, name="appraisal-scoring"),
    path("appraisals/<int:pk>/cases/", views.appraisal_cases, name="appraisal-cases"),
    path("appraisals/<int:pk>/results/", views.appraisal_results, name="appraisal-results"),
    path("appraisals/<int:pk>/recommend/", views.appraisal_recommend, name="appraisal-recommend"),
    path("appraisals/<int:pk>/report/", views.appraisal_report, name="appraisal-report"),
    path("appraisals/<int:pk>/report.pdf", views.appraisal_report_pdf, name="appraisal-report-pdf"),
    path(
        "appraisal-options/<int:pk>/cash-flows/", views.option_cash_flows, name="option-cash-flows"
    ),
    path("appraisal-options/<int:pk>/optimism-bias/", views.option_bias, name="option-bias"),
    path(
        "appraisal-options/<int:pk>/assumptions/new/",
        views.option_assumption_new,
        name="option-assumption-new",
    ),
    path("appraisal-options/<int:pk>/discard/", views.option_discard, name="option-discard"),
    path("appraisal-options/<int:pk>/shortlist/", views.option_shortlist, name="option-shortlist"),
]
