"""URLs of the needs assessment, under its cycle. Paths use hyphens."""

from django.urls import path

from workspace.needs import views

app_name = "needs"
urlpatterns = [
    path("cycles/<int:pk>/needs-assessment/", views.needs_assessment, name="assessment"),
    path(
        "cycles/<int:pk>/needs-assessment/indicators/<int:indicator>/",
        views.needs_indicator,
        name="indicator",
    ),
    path("cycles/<int:pk>/needs-assessment/edit/", views.needs_assessment_edit, name="edit"),
    path("cycles/<int:pk>/needs-assessment/upload/", views.indicator_upload, name="upload"),
    path(
        "cycles/<int:pk>/needs-assessment/upload-age-bands/",
        views.age_band_upload,
        name="upload_age_bands",
    ),
    path("cycles/<int:pk>/needs-assessment/document/", views.document_html, name="document"),
    path("cycles/<int:pk>/needs-assessment/document.pdf", views.document_pdf, name="pdf"),
    path("cycles/<int:pk>/needs-assessment/figures.csv", views.figures_csv, name="csv"),
]
