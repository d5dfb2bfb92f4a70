"""Load (or update) a list of eligible countries from its data file: `manage.py load_dac_list [--file PATH]`.

Without `--file`, the shipped OECD DAC list (`grants/data/dac_recipients.json`). Idempotent: the
list is found by its code and replaced; a newer file (another code) is added and becomes the default.
"""

from django.core.management.base import BaseCommand, CommandError

from forim_portal.errors import DomainError
from grants.countries import DAC_FILE, load_country_list


class Command(BaseCommand):
    help = "Charge ou met à jour la liste des pays éligibles (liste du CAD de l'OCDE) depuis son fichier de données."

    def add_arguments(self, parser):
        parser.add_argument(
            "--file", default=str(DAC_FILE), help="Fichier JSON : code, name, year, source, codes (ISO 3166-1)."
        )

    def handle(self, *args, **options):
        try:
            country_list, created = load_country_list(path=options["file"])
        except DomainError as error:
            raise CommandError(error.message) from error
        verb = "chargée" if created else "mise à jour"
        default = " (liste par défaut)" if country_list.is_default else ""
        self.stdout.write(f"{country_list} {verb} : {len(country_list.codes)} pays{default}.")
