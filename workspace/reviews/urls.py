"""URLs of the Review stage, the spiral, the portfolio and the review report."""

from django.urls import path

from workspace.reviews import views

app_name = "reviews"
urlpatterns = [
    path("portfolio/", views.portfolio, name="portfolio"),
    path("programmes/<int:pk>/spiral/", views.programme_spiral, name="spiral"),
    path("programmes/<int:pk>/history/", views.history_download, name="history-download"),
    path("programmes/<int:pk>/history/upload/", views.history_upload, name="history-upload"),
    path("programmes/<int:pk>/review-report/", views.review_report, name="report"),
    path("programmes/<int:pk>/review-report/pdf/", views.review_report_pdf, name="report-pdf"),
    path("cycles/<int:pk>/review/", views.cycle_review, name="cycle-review"),
    path("cycles/<int:pk>/review/findings/", views.findings_edit, name="findings"),
    path("cycles/<int:pk>/review/figures/", views.cycle_figures, name="cycle-figures"),
    path("recommendations/<int:pk>/plan-response/", views.plan_response, name="plan-response"),
]
