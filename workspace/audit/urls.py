from django.urls import path

from workspace.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.trail, name="trail"),
    path("events/<int:pk>/", views.event, name="event"),
    path("verify/", views.verify, name="verify"),
]
