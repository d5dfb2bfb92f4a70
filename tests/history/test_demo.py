"""`make run` loads the demo history: the laureates map has a past."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from history.models import HistoryImport, PastProject
from members.models import Organisation

pytestmark = pytest.mark.django_db


def test_load_demo_imports_the_history_once_and_the_map_shows_it(client):
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    assert HistoryImport.objects.count() == 1
    projects = {project.reference: project for project in PastProject.objects.select_related("organisation")}
    assert len(projects) == 8
    assert projects["PRA-2011-005"].organisation == Organisation.objects.get(rna="W751000201")  # by RNA
    assert projects["PRA-2014-027"].organisation.acronym == "PAFHA"  # by name
    response = client.get(reverse("dashboards:laureates"))
    history = {code: past for code, _name, _portal, past, _total in response.context["map_rows"]}
    assert history == {"SN": 2, "ML": 1, "KM": 1, "MA": 1, "HT": 1, "GN": 1, "MG": 1}
