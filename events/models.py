"""Events of the network (trainings, ceremonies, the JIM), registrations, attendance and ceremony invitations."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from members.choices import Region


class EventKind(models.TextChoices):
    TRAINING = "training", _("Formation")
    WORKSHOP = "workshop", _("Atelier")
    CEREMONY = "ceremony", _("Cérémonie des lauréats")
    JIM = "jim", _("Journée internationale des migrant·e·s")
    GENERAL_ASSEMBLY = "general_assembly", _("Assemblée générale")
    WEBINAR = "webinar", _("Webinaire")
    OTHER = "other", _("Autre")


class Audience(models.TextChoices):
    OPEN = "open", _("Ouvert à tous")
    MEMBERS = "members", _("Réservé aux membres du réseau")
    INVITED = "invited", _("Sur invitation")


class Event(models.Model):
    kind = models.CharField(_("type"), max_length=20, choices=EventKind.choices, db_index=True)
    title = models.CharField(_("intitulé"), max_length=200)
    organiser = models.ForeignKey(
        "members.Organisation", verbose_name=_("organisateur"), on_delete=models.PROTECT, related_name="organised_events",
        help_text=_("Le FORIM ou une organisation du réseau."),
    )
    starts_at = models.DateTimeField(_("début"), help_text=_("Heure de Paris."))
    ends_at = models.DateTimeField(_("fin"), help_text=_("Heure de Paris."))
    place = models.CharField(_("lieu"), max_length=255, blank=True, help_text=_("Adresse, ou vide pour un événement en ligne."))
    city = models.CharField(_("ville"), max_length=120, blank=True)
    region = models.CharField(_("région"), max_length=3, choices=Region.choices, blank=True)
    online_url = models.URLField(_("lien de connexion"), blank=True)
    description = models.TextField(_("description"), blank=True)
    capacity = models.PositiveIntegerField(_("nombre de places"), null=True, blank=True, help_text=_("Vide : sans limite."))
    audience = models.CharField(_("public"), max_length=10, choices=Audience.choices, default=Audience.OPEN)
    registration_deadline = models.DateTimeField(_("date limite d'inscription"), null=True, blank=True)
    call = models.ForeignKey(
        "grants.Call", verbose_name=_("appel dont on célèbre les lauréats"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="ceremonies",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("événements")
        ordering = ["starts_at", "pk"]
        # The agenda (not yet ended, soonest first) and the attendance list (latest first).
        indexes = [
            models.Index(fields=["starts_at", "id"], name="event_starts_idx"),
            models.Index(fields=["ends_at"], name="event_ends_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("La fin doit être après le début de l'événement.")
        if self.ends_at and self.registration_deadline and self.registration_deadline > self.ends_at:
            errors["registration_deadline"] = _("La date limite d'inscription doit précéder la fin de l'événement.")
        if self.kind == EventKind.CEREMONY and not self.call_id:
            errors["call"] = _("Une cérémonie des lauréats est liée à un appel : choisissez-le.")
        if self.kind != EventKind.CEREMONY and self.call_id:
            errors["call"] = _("Seule une cérémonie des lauréats est liée à un appel.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_online(self):
        return bool(self.online_url) and not self.place


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Inscrit")
    WAITING = "waiting", _("Liste d'attente")
    CANCELLED = "cancelled", _("Annulé")


ACTIVE_STATUSES = [RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING]


class Registration(models.Model):
    """One person's place at an event, for themselves or on behalf of their association."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("inscrit par"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="event_registrations",
    )
    organisation = models.ForeignKey(
        "members.Organisation", verbose_name=_("au nom de"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="event_registrations",
    )
    name = models.CharField(_("nom du participant"), max_length=200)
    email = models.EmailField(_("e-mail du participant"))
    status = models.CharField(_("statut"), max_length=10, choices=RegistrationStatus.choices, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    promoted_at = models.DateTimeField(_("sorti de la liste d'attente le"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("annulé le"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("rappel envoyé le"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("présent, pointé le"), null=True, blank=True)
    checked_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        ordering = ["event", "created_at", "pk"]
        # The agenda's and the attendance page's counts, per event and status.
        indexes = [models.Index(fields=["event", "status"], name="registration_event_status_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email"], condition=~models.Q(status="cancelled"), name="one_active_registration_per_email"
            ),
        ]

    def __str__(self):
        return f"{self.name} → {self.event}"

    @property
    def is_present(self):
        return self.checked_in_at is not None


class InvitationStatus(models.TextChoices):
    INVITED = "invited", _("Invité")
    PRESENT = "present", _("Présent")
    REPRESENTED = "represented", _("Représenté")
    ABSENT = "absent", _("Absent")


class CeremonyInvitation(models.Model):
    """A laureate invited to its ceremony, and what happened on the day."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="invitations")
    application = models.ForeignKey("grants.Application", on_delete=models.CASCADE, related_name="ceremony_invitations")
    organisation = models.ForeignKey("members.Organisation", on_delete=models.CASCADE, related_name="ceremony_invitations")
    status = models.CharField(_("présence"), max_length=12, choices=InvitationStatus.choices, default=InvitationStatus.INVITED)
    represented_by = models.CharField(_("représenté par"), max_length=200, blank=True)
    diploma_handed = models.BooleanField(_("diplôme remis"), default=False)
    invited_at = models.DateTimeField(_("invité le"), null=True, blank=True)
    marked_at = models.DateTimeField(null=True, blank=True)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("invitation à la cérémonie")
        verbose_name_plural = _("invitations à la cérémonie")
        ordering = ["organisation__name", "pk"]
        constraints = [models.UniqueConstraint(fields=["event", "application"], name="one_invitation_per_laureate")]

    def __str__(self):
        return f"{self.organisation} → {self.event}"
