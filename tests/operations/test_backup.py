"""A backup restored into an empty database gives back every dossier, file and audit entry."""

import io

import pytest
from django.core import management
from django.core.files.storage import default_storage
from django.core.management.base import CommandError

from grants.models import Application, Transition
from members.models import Organisation
from operations.backup import RestoreError, read_backup, stored_files, write_backup

pytestmark = pytest.mark.django_db(transaction=True)


def _state():
    """What must come back: rows by their natural identity, and each file's bytes."""
    history = Organisation.history.model
    return {
        "dossiers": list(
            Application.objects.order_by("pk").values_list(
                "pk", "reference", "status", "awarded_amount", "organisation__name"
            )
        ),
        "audit": list(
            Transition.objects.order_by("pk").values_list(
                "pk", "application_id", "name", "from_state", "to_state", "by__email", "at"
            )
        ),
        "history": history.objects.count(),
        "files": {name: default_storage.open(name).read() for name in stored_files()},
    }


def _empty_everything():
    management.call_command("flush", interactive=False, verbosity=0)
    for name in list(stored_files()):
        default_storage.delete(name)


def test_restore_into_an_empty_database_gives_back_dossiers_files_and_audit(tmp_path):
    management.call_command("load_demo", stdout=io.StringIO())
    before = _state()
    assert before["dossiers"] and before["audit"] and before["files"], "the demo data has dossiers, moves and files"

    archive = tmp_path / "forim.tar.gz"
    out = io.StringIO()
    management.call_command("backup", str(archive), stdout=out)
    assert f"{len(before['files'])} fichiers" in out.getvalue()

    _empty_everything()
    assert not Application.objects.exists() and not list(stored_files())

    management.call_command("restore", str(archive), stdout=io.StringIO())
    assert _state() == before


def test_restore_refuses_a_database_that_is_not_empty(tmp_path):
    management.call_command("load_demo", stdout=io.StringIO())
    archive = tmp_path / "forim.tar.gz"
    management.call_command("backup", str(archive), stdout=io.StringIO())
    with pytest.raises(CommandError, match="La base n'est pas vide"):
        management.call_command("restore", str(archive))


def test_a_damaged_archive_is_refused_before_anything_is_written():
    target = io.BytesIO()
    write_backup(target)
    damaged = bytearray(target.getvalue())
    damaged[len(damaged) // 2] ^= 0xFF
    with pytest.raises((RestoreError, OSError, EOFError)):
        read_backup(io.BytesIO(bytes(damaged)))
    with pytest.raises(RestoreError, match="pas une sauvegarde"):
        read_backup(_tar_without_manifest())


def _tar_without_manifest():
    import tarfile

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        info = tarfile.TarInfo("autre.txt")
        archive.addfile(info, io.BytesIO(b""))
    buffer.seek(0)
    return buffer


def test_a_backup_older_than_the_country_rows_gets_them_back_from_the_organisations(tmp_path):
    """The directory's country filter reads rows derived from the organisations' fields (members.country_index):
    a backup taken before that table had rows is restored with them, as the fields say."""
    from members.country_index import codes_of
    from members.models import OrganisationCountry

    management.call_command("load_demo", stdout=io.StringIO())
    expected = {(o.pk, code) for o in Organisation.objects.all() for code in codes_of(o)}
    assert expected, "the demo's associations name their countries"
    OrganisationCountry.objects.all().delete()  # as in a backup from before the table
    archive = tmp_path / "forim.tar.gz"
    management.call_command("backup", str(archive), stdout=io.StringIO())
    _empty_everything()

    management.call_command("restore", str(archive), stdout=io.StringIO())
    assert set(OrganisationCountry.objects.values_list("organisation_id", "country")) == expected
