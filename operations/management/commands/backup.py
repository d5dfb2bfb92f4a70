"""`manage.py backup FILE`: the database rows and every stored file in one archive."""

from django.core.management.base import BaseCommand

from operations.backup import write_backup


class Command(BaseCommand):
    help = "Sauvegarde la base et les fichiers stockés dans une archive .tar.gz."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="chemin de l'archive à écrire, par ex. forim-2026-12-01.tar.gz")

    def handle(self, *args, archive, **options):
        with open(archive, "wb") as target:
            manifest = write_backup(target)
        self.stdout.write(f"Sauvegarde écrite dans {archive} : {manifest['rows']} lignes, {len(manifest['files'])} fichiers.")
