"""What accounts adds to the navigation. The home page shows the sections each app registered
(accounts.navigation.sections_for)."""

from django.utils.translation import gettext_lazy as _

from .navigation import add_link


def register():
    add_link("accounts:home", _("Accueil"), order=10)
