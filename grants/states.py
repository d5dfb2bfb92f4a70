"""The states a dossier can be in, with plain-French labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Déposé")
    CORRECTIONS_REQUESTED = "corrections_requested", _("Corrections demandées")
    ADMISSIBLE = "admissible", _("Recevable")
    INADMISSIBLE = "inadmissible", _("Irrecevable")
    UNDER_REVIEW = "under_review", _("En évaluation")
    READY_FOR_COMMITTEE = "ready_for_committee", _("Présenté au comité (CEP)")
    AWARDED = "awarded", _("Lauréat")
    REJECTED = "rejected", _("Non retenu")
    DEFERRED = "deferred", _("Ajourné")
    WITHDRAWN = "withdrawn", _("Retiré")
    AGREEMENT_SIGNED = "agreement_signed", _("Convention signée")
    IN_PROGRESS = "in_progress", _("En cours de réalisation")
    CLOSED = "closed", _("Clôturé")


EDITABLE_STATES = {State.DRAFT, State.CORRECTIONS_REQUESTED}
FUNDED_STATES = {State.AWARDED, State.AGREEMENT_SIGNED, State.IN_PROGRESS, State.CLOSED}
