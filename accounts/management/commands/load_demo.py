"""Load realistic demo data, idempotently: a second run changes nothing.

Each app owns its part in `<app>/demo.py` with a `load()` function; they run in order.
"""

from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils.module_loading import module_has_submodule

from accounts.demo import DEMO_PASSWORD, DEMO_USERS

DEMO_MODULES = ["accounts", "members", "grants", "reviews", "awards", "events", "support", "history", "intents"]


class Command(BaseCommand):
    help = "Charge des données de démonstration réalistes (idempotent)."

    def handle(self, *args, **options):
        # Demo dossiers move through the workflow, which e-mails people: demo data tells nobody.
        with override_settings(MAILERS={"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}), transaction.atomic():
            for app_label in DEMO_MODULES:
                app = import_module(app_label)
                if module_has_submodule(app, "demo"):
                    import_module(f"{app_label}.demo").load()
        self.stdout.write(self.style.SUCCESS("Données de démonstration chargées."))
        self.stdout.write(f"Comptes de démonstration (mot de passe commun : {DEMO_PASSWORD})")
        for email, _first_name, _last_name, role in DEMO_USERS:
            self.stdout.write(f"  {role.label:<40} {email}")
        self.stdout.write("Équipe et administrateurs : à la première connexion, activez la double authentification (application TOTP).")
