"""Shape cycles and programmes for pages: the task list and the programmes table."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.urls import reverse

from workspace.cycles.models import Artefact, Cycle, Programme, StageProgress

STATUS_TAGS = {
    StageProgress.Status.NOT_STARTED: "govuk-tag--grey",
    StageProgress.Status.IN_PROGRESS: "govuk-tag--light-blue",
    StageProgress.Status.SUBMITTED: "govuk-tag--yellow",
    StageProgress.Status.SENT_BACK: "govuk-tag--red",
    StageProgress.Status.APPROVED: "govuk-tag--green",
}
ARTEFACT_TAGS = {
    Artefact.Status.NOT_STARTED: "govuk-tag--grey",
    Artefact.Status.DRAFT: "govuk-tag--light-blue",
    Artefact.Status.COMPLETE: "govuk-tag--green",
}


def _status(text: str, classes: str) -> dict[str, Any]:
    if classes == "govuk-tag--green":
        return {"text": text}
    return {"tag": {"text": text, "classes": classes}}


def cycle_task_list(cycle: Cycle) -> list[dict[str, Any]]:
    """Stages → activities → artefacts, with statuses, for the GOV.UK task list."""
    artefacts: dict[str, list[Artefact]] = defaultdict(list)
    for artefact in cycle.artefacts.order_by("id"):
        artefacts[artefact.activity_id].append(artefact)
    progress = {p.stage_id: p for p in cycle.stages.all()}
    coproduction: dict[str, int] = defaultdict(int)
    for entry in cycle.coproduction.all():
        coproduction[entry.stage_id] += 1
    stages = []
    for number, stage in enumerate(cycle.definition.stages, start=1):
        stage_progress = progress[stage.id]
        activities = []
        added = [a.as_activity() for a in cycle.added_activities.filter(stage_id=stage.id)]
        for activity in [*stage.activities, *added]:
            items = [
                {
                    "title": {"text": artefact.title},
                    "href": reverse("cycles:artefact", args=[artefact.pk]),
                    "hint": {
                        "text": ("Required" if artefact.required else "Optional")
                        + f" · {artefact.get_kind_display()}"
                    },
                    "status": _status(
                        artefact.get_status_display(),
                        ARTEFACT_TAGS[Artefact.Status(artefact.status)],
                    ),
                }
                for artefact in artefacts.get(activity.id, [])
            ]
            activities.append({"activity": activity, "tasks": items})
        gate_status = StageProgress.Status(stage_progress.status)
        gate_item = {
            "title": {"text": f"Gate: {stage.gate.name}"},
            "href": reverse("cycles:gate", args=[cycle.pk, stage.id]),
            "hint": {"text": f"Signed off by the {stage.gate.approver_role}"},
            "status": _status(stage_progress.get_status_display(), STATUS_TAGS[gate_status]),
        }
        stages.append(
            {
                "number": number,
                "stage": stage,
                "progress": stage_progress,
                "tag": STATUS_TAGS[gate_status],
                "activities": activities,
                "gate_item": gate_item,
                "coproduction": coproduction.get(stage.id, 0),
            }
        )
    return stages


def programme_rows(programmes: list[Programme]) -> list[dict[str, Any]]:
    """Each programme with its current cycle and where that cycle stands."""
    rows = []
    for programme in programmes:
        cycle = programme.current_cycle()
        where = ""
        if cycle is not None:
            current = cycle.current_progress()
            if current is None:
                where = "Complete"
            else:
                where = f"{current.stage.name}: {current.get_status_display().lower()}"
        rows.append({"programme": programme, "cycle": cycle, "where": where})
    return rows
