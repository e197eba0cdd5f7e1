"""All models, imported so that their tables are on ``Model.metadata``."""
from app.models.base import Model
from app.models.dispute import Dispute, DisputeCounter, DisputeEvent, Subsidy
from app.models.employer import Employer
from app.models.household import Household
from app.models.job import Job
from app.models.job_type import JobType
from app.models.matching import Placement, Referral, WorkerMatchRank
from app.models.oplog import OperationLog
from app.models.reporting import ScoringPeriod, ScoringSettings, VillageScore, WeeklyReport
from app.models.user import LingongUser
from app.models.village import Village
from app.models.worker import Worker

__all__ = [
    "Model",
    "Dispute",
    "DisputeCounter",
    "DisputeEvent",
    "Subsidy",
    "Employer",
    "Household",
    "Job",
    "JobType",
    "LingongUser",
    "OperationLog",
    "ScoringPeriod",
    "ScoringSettings",
    "VillageScore",
    "WeeklyReport",
    "Placement",
    "Referral",
    "Village",
    "Worker",
    "WorkerMatchRank",
]
