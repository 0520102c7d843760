"""URLs for programmes, cycles and frameworks. Paths use hyphens."""

from django.urls import path

from workspace.cycles import framework_views, views

app_name = "cycles"
urlpatterns = [
    path("programmes/", views.programme_list, name="programmes"),
    path("programmes/new/", views.programme_new, name="programme-new"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme"),
    path("programmes/<int:pk>/start-cycle/", views.cycle_start, name="cycle-start"),
    path("programmes/<int:pk>/decisions/", views.programme_decisions, name="programme-decisions"),
    path("cycles/<int:pk>/", views.cycle_detail, name="cycle"),
    path("cycles/<int:pk>/start-next-cycle/", views.cycle_start_next, name="cycle-start-next"),
    path("cycles/<int:pk>/stages/<slug:stage_id>/gate/", views.gate, name="gate"),
    path(
        "cycles/<int:pk>/stages/<slug:stage_id>/add-activity/",
        views.activity_add,
        name="activity-add",
    ),
    path("cycles/<int:pk>/stages/<slug:stage_id>/sign-off/", views.sign_off, name="sign-off"),
    path("cycles/<int:pk>/decisions/", views.decision_list, name="decisions"),
    path("cycles/<int:pk>/decisions/new/", views.decision_new, name="decision-new"),
    path("cycles/<int:pk>/co-production/", views.coproduction_list, name="coproduction"),
    path("cycles/<int:pk>/co-production/new/", views.coproduction_new, name="coproduction-new"),
    path(
        "cycles/<int:pk>/recommendations/new/",
        views.recommendation_new,
        name="recommendation-new",
    ),
    path("cycles/<int:pk>/decommissioning/", views.decommissioning, name="decommissioning"),
    path(
        "cycles/<int:pk>/decommissioning/start/",
        views.decommissioning_start,
        name="decommissioning-start",
    ),
    path(
        "cycles/<int:pk>/decommissioning/<slug:step>/",
        views.decommissioning_step,
        name="decommissioning-step",
    ),
    path("artefacts/<int:pk>/", views.artefact_detail, name="artefact"),
    path("artefacts/<int:pk>/edit/", views.artefact_edit, name="artefact-edit"),
    path("artefacts/<int:pk>/file/", views.artefact_file, name="artefact-file"),
    path("approvals/", views.approvals, name="approvals"),
    path("frameworks/", framework_views.framework_list, name="frameworks"),
    path("frameworks/new/", framework_views.framework_import, name="framework-import"),
    path("frameworks/<int:pk>/", framework_views.framework_detail, name="framework"),
    path("frameworks/<int:pk>/adapt/", framework_views.framework_adapt, name="framework-adapt"),
    path(
        "frameworks/<int:pk>/new-version/",
        framework_views.framework_revise,
        name="framework-revise",
    ),
]
