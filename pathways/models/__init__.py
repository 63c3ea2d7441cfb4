"""The client's pathway: steps in services, attendance, employer contacts, placements,
certificates.
"""

from pathways.models.documents import DocumentKind, PrintedDocument
from pathways.models.placements import JOB_KINDS, Placement, PlacementEndReason, PlacementKind
from pathways.models.records import (
    COMPETENCE_MAX_LENGTH,
    AbsenceReason,
    Attendance,
    CompetenceCertificate,
    ContactKind,
    EmployerContact,
    InWorkSupport,
    IpsPhaseChange,
    JobcenterContract,
)
from pathways.models.steps import (
    CLIENT_SERVICES_END,
    JOBCENTER_ENDS_WITH_FOLLOW_ON_FUNC,
    PLAN_FIELDS,
    DateRange,
    EndReason,
    ExitOutcome,
    Int8Range,
    IpsPhase,
    PathwayStep,
    ReviewDecision,
    StepStatus,
)

__all__ = [
    "CLIENT_SERVICES_END",
    "COMPETENCE_MAX_LENGTH",
    "JOBCENTER_ENDS_WITH_FOLLOW_ON_FUNC",
    "JOB_KINDS",
    "PLAN_FIELDS",
    "AbsenceReason",
    "Attendance",
    "CompetenceCertificate",
    "ContactKind",
    "DateRange",
    "DocumentKind",
    "EmployerContact",
    "EndReason",
    "ExitOutcome",
    "InWorkSupport",
    "Int8Range",
    "IpsPhase",
    "IpsPhaseChange",
    "JobcenterContract",
    "PathwayStep",
    "Placement",
    "PlacementEndReason",
    "PlacementKind",
    "PrintedDocument",
    "ReviewDecision",
    "StepStatus",
]
