"""Declared lifecycle of a generated document job; the system moves it, a user only asks again (see `lifecycle.engine`)."""

from django.utils.translation import gettext_lazy as _

from lifecycle.engine import NOW, SYSTEM, Machine, transition

from .models import DocumentJob, JobStatus

REQUESTER = "requester"


def job_actors(user, job):
    # request_document checked that the user may ask for this document before firing
    return {REQUESTER}


JOB = Machine(
    name="document_job",
    label=_("Document généré (PDF, archive)"),
    model=DocumentJob,
    states=JobStatus,
    initial=[JobStatus.QUEUED],
    actor_kinds=job_actors,
    actor_labels={REQUESTER: _("Personne qui demande le document")},
    transitions=[
        transition(
            "requeue",
            _("Demander à nouveau"),
            [JobStatus.DONE, JobStatus.FAILED],
            JobStatus.QUEUED,
            [REQUESTER, SYSTEM],
            fields={"error", "attempts", "progress_done", "progress_total", "requested_by"},
        ),
        transition(
            "start",
            _("Commencer la génération"),
            [JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.FAILED],
            JobStatus.RUNNING,
            [SYSTEM],
            writes={"started_at": NOW, "error": ""},
            fields={"attempts"},
        ),
        transition(
            "finish",
            _("Document prêt"),
            [JobStatus.RUNNING],
            JobStatus.DONE,
            [SYSTEM],
            writes={"finished_at": NOW},
            fields={"file", "filename"},
        ),
        transition(
            "fail",
            _("Échec de la génération"),
            [JobStatus.QUEUED, JobStatus.RUNNING],
            JobStatus.FAILED,
            [SYSTEM],
            writes={"finished_at": NOW},
            fields={"error"},
        ),
    ],
    description=_(
        "Le travailleur (Celery) commence, termine ou constate l'échec ; une nouvelle tentative repart de « en cours » "
        "(le fichier est remplacé, jamais doublé) ; un document prêt ou en échec peut être redemandé."
    ),
    position=70,
)
