"""The parts of a commissioning cycle framework, as frozen dataclasses.

A framework is a sequence of **stages**; each stage holds **activities**, each activity
names the **artefacts** it produces (a needs assessment, an options appraisal, ...), and
each stage ends at a **gate** that a named role signs off against a checklist. The
vocabulary of artefact kinds and roles is closed, so that every framework speaks the same
language to the rest of Spiral (the workspace opens the right form for a
``needs_assessment`` whichever framework asked for it).

The shapes follow the commissioning cycles described by Bovaird, Briggs & Willis (2014),
*Strategic Commissioning in the UK: Service Improvement Cycle or Just Going Round in
Circles?*, Local Government Studies 40(4), doi:10.1080/03003930.2013.805689: departments
drew the cycle differently, so the cycle is data rather than code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spiral.exceptions import NotFoundError

#: The kinds of artefact a framework may require, in the order of a typical cycle.
ARTEFACT_KINDS: tuple[str, ...] = (
    "needs_assessment",
    "market_analysis",
    "outcomes_framework",
    "options_appraisal",
    "sourcing_plan",
    "contract",
    "review",
    "decommissioning_plan",
    "other",
)

#: The roles that may approve a gate (the workspace's roles per organisation).
ROLES: tuple[str, ...] = (
    "commissioner",
    "analyst",
    "finance",
    "procurement",
    "approver",
    "auditor",
    "provider",
    "administrator",
)


@dataclass(frozen=True)
class ArtefactRequirement:
    """An artefact an activity produces.

    Attributes
    ----------
    id : str
        Unique within its activity; defaults to the kind in the file format.
    kind : str
        One of :data:`ARTEFACT_KINDS`.
    name : str
        What people call it here, for example "Joint strategic needs assessment chapter".
    required : bool
        Whether the stage's gate waits for it.
    """

    id: str
    kind: str
    name: str
    required: bool = True


@dataclass(frozen=True)
class Activity:
    """A piece of work within a stage, with the artefacts it produces."""

    id: str
    name: str
    guidance: str = ""
    artefacts: tuple[ArtefactRequirement, ...] = ()


@dataclass(frozen=True)
class Gate:
    """The sign-off at the end of a stage.

    Attributes
    ----------
    name : str
        For example "Needs and priorities agreed".
    approver_role : str
        One of :data:`ROLES`; usually ``approver``.
    checklist : tuple of str
        What the approver confirms before signing off.
    """

    name: str
    approver_role: str
    checklist: tuple[str, ...]


@dataclass(frozen=True)
class Stage:
    """A stage of the cycle: its activities and the gate that closes it.

    ``free_activities`` marks a stage whose activity list is a starting suggestion that
    people may add to as they go (the free-form framework).
    """

    id: str
    name: str
    description: str
    activities: tuple[Activity, ...]
    gate: Gate
    free_activities: bool = False


@dataclass(frozen=True)
class Source:
    """Where the framework comes from, and how this file reads it."""

    title: str
    publisher: str = ""
    year: int | None = None
    url: str = ""
    note: str = ""


@dataclass(frozen=True)
class Framework:
    """A commissioning cycle framework, one version of it.

    ``based_on`` is ``"id@version"`` of the framework this one was copied from, or ``""``.
    """

    id: str
    name: str
    version: int
    description: str
    source: Source
    stages: tuple[Stage, ...]
    based_on: str = ""
    _index: dict[str, Activity] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index = {activity.id: activity for stage in self.stages for activity in stage.activities}
        object.__setattr__(self, "_index", index)

    @property
    def key(self) -> str:
        """``id@version``, the way one framework version is named.

        Examples
        --------
        >>> from spiral.frameworks import shipped_framework
        >>> shipped_framework("ipc-analyse-plan-do-review").key
        'ipc-analyse-plan-do-review@1'
        """
        return f"{self.id}@{self.version}"

    def stage(self, stage_id: str) -> Stage:
        """The stage with this id.

        Examples
        --------
        >>> from spiral.frameworks import shipped_framework
        >>> shipped_framework("ipc-analyse-plan-do-review").stage("plan").name
        'Plan'
        """
        for stage in self.stages:
            if stage.id == stage_id:
                return stage
        raise NotFoundError(f"{self.key} has no stage {stage_id!r}")

    def activity(self, activity_id: str) -> Activity:
        """The activity with this id (activity ids are unique across a framework).

        Examples
        --------
        >>> from spiral.frameworks import shipped_framework
        >>> nhs = shipped_framework("nhs-joint-commissioning")
        >>> nhs.activity("assess-needs").name
        'Assess needs'
        """
        try:
            return self._index[activity_id]
        except KeyError:
            raise NotFoundError(f"{self.key} has no activity {activity_id!r}") from None
