"""URLs of the public register (no sign-in)."""

from django.urls import path

from workspace.contracts import public

app_name = "transparency"
urlpatterns = [
    path("public/<slug:slug>/", public.register, name="register"),
    path("public/<slug:slug>/agreements/<int:pk>/", public.agreement, name="agreement"),
    path("public/<slug:slug>/register.csv", public.register_csv_view, name="register-csv"),
    path("public/<slug:slug>/register-ocds.json", public.register_ocds_view, name="register-ocds"),
]
