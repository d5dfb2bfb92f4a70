"""`manage.py restore FILE`: bring an archive back into a new, migrated, empty database."""

from django.core.management.base import BaseCommand, CommandError

from operations.backup import RestoreError, read_backup


class Command(BaseCommand):
    help = "Restaure une sauvegarde (base et fichiers) dans une base neuve et migrée."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="l'archive écrite par `manage.py backup`")
        parser.add_argument(
            "--replace-files", action="store_true", help="remplacer les fichiers déjà présents dans le stockage"
        )

    def handle(self, *args, archive, replace_files, **options):
        try:
            with open(archive, "rb") as source:
                manifest = read_backup(source, replace_files=replace_files)
        except (OSError, RestoreError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Sauvegarde du {manifest['created_at']} restaurée : {manifest['rows']} lignes, {len(manifest['files'])} fichiers."
        )
