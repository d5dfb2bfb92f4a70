"""People who log in. The e-mail is the login; the role chooses the home page."""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    APPLICANT = "applicant", _("Association (porteur de projet)")
    STAFF = "staff", _("Équipe FORIM")
    ADMIN = "admin", _("Administrateur FORIM")
    REVIEWER = "reviewer", _("Évaluateur")
    OPERATOR = "operator", _("Opérateur d'appui (OPAP)")
    PARTNER = "partner", _("Partenaire cofinanceur")
    COORDINATOR = "coordinator", _("Coordinateur de réseau (FOSIM/COSIM)")


# The fields a list of users (reviewers to choose, a select of people) shows or chooses by: caches of such
# lists are read again after a save of one of them, not after a login or a password change.
LISTED_USER_FIELDS = frozenset({"first_name", "last_name", "email", "role", "is_active"})


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("L'adresse e-mail est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_superuser=True, role=Role.ADMIN)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("adresse e-mail"), unique=True)
    first_name = models.CharField(_("prénom"), max_length=150, blank=True)
    last_name = models.CharField(_("nom"), max_length=150, blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices, default=Role.APPLICANT)
    language = models.CharField(
        _("langue"), max_length=5, choices=[("fr", "Français"), ("en", "English")], default="fr"
    )
    is_active = models.BooleanField(_("actif"), default=True)
    date_joined = models.DateTimeField(_("inscrit le"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        ordering = ["last_name", "first_name", "email"]
        # the reviewer picker and the role lookups (filter on role, in name order) read an index, not every user
        indexes = [models.Index(fields=["role", "last_name", "first_name"], name="accounts_user_role_idx")]

    def __str__(self):
        return self.get_full_name() or self.email

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.email

    @property
    def is_staff(self):
        """Django admin access: FORIM administrators only."""
        return self.is_active and (self.is_superuser or self.role == Role.ADMIN)

    @property
    def is_forim_staff(self):
        return self.is_active and (self.is_superuser or self.role in {Role.STAFF, Role.ADMIN})

    @property
    def is_forim_admin(self):
        return self.is_staff


class ApiToken(models.Model):
    """A personal API key. Only its SHA-256 is stored; the key is shown once, at creation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("nom"), max_length=100, help_text=_("Ex. « Tableur de la trésorerie »"))
    prefix = models.CharField(_("début de la clé"), max_length=12)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)
    # Created (or kept at enrolment) by a session that gave its second factor.
    second_factor_ok = models.BooleanField(_("créé avec la double authentification"), default=False)

    class Meta:
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")
        ordering = ["revoked_at", "-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self):
        return self.revoked_at is None
