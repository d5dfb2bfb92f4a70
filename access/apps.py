from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    """Who sees what, and who may do what: one module for every page, download, export and API call.

    Depends on every domain app (it reads their models); no domain app's models depend on it.
    """

    name = "access"
    verbose_name = _("Accès")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from members.models import Membership

        from .visibility import forget_memberships_read

        post_save.connect(forget_memberships_read, sender=Membership, dispatch_uid="access-forget-memberships-save")
        post_delete.connect(forget_memberships_read, sender=Membership, dispatch_uid="access-forget-memberships-delete")
