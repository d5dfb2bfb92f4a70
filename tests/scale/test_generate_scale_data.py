"""The scale-data command at a tiny scale: realistic rows, the audit trail's shape, re-runnable."""

import io
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Count

from accounts.management.commands.generate_scale_data import EMAIL_DOMAIN, PATHS, PROGRAMME_CODE
from accounts.models import User
from grants.models import Application, Call, Transition
from grants.states import State
from members.choices import Region
from members.models import Organisation, OrganisationKind
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

TINY = {"associations": 40, "applications": 60, "calls": 3, "reviews": 90, "events": 4}


def generate(**extra):
    out = io.StringIO()
    call_command("generate_scale_data", **{**TINY, **extra}, stdout=out)
    return out.getvalue()


def scale_applications():
    return Application.objects.filter(call__programme__code=PROGRAMME_CODE)


def test_it_creates_the_requested_volumes_with_realistic_values():
    generate()
    associations = Organisation.objects.filter(kind=OrganisationKind.OSIM, rna__startswith="W99")
    assert associations.count() == 40
    assert set(associations.values_list("region", flat=True)) <= set(Region.values)
    assert all(name.startswith(("Association", "Solidarité", "Union", "Femmes", "Jeunesse", "Amicale")) for name in associations.values_list("name", flat=True))
    assert Call.objects.filter(programme__code=PROGRAMME_CODE).count() == 3
    assert scale_applications().count() == 60
    for application in scale_applications().prefetch_related("budget_lines"):
        assert application.amount_requested <= Decimal("15000.00")
        assert application.amount_requested <= application.funding_total * Decimal("0.70")
        assert application.funding_total <= Decimal("120000.00")
        assert sum(line.amount for line in application.budget_lines.all()) == application.funding_total
    # One open call (the deadline hour), with drafts and submissions.
    open_calls = [call for call in Call.objects.filter(programme__code=PROGRAMME_CODE) if call.is_open()]
    assert len(open_calls) == 1
    assert User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}", memberships__organisation__in=associations).count() == 40


def test_every_dossier_has_the_audit_trail_of_its_state():
    generate()
    for application in scale_applications().prefetch_related("transitions"):
        trail = [(t.name, t.from_state, t.to_state) for t in application.transitions.all()]
        assert trail == [(name, str(src), str(dst)) for name, src, dst in PATHS[application.status]]
        assert (application.reference is None) == (application.status == State.DRAFT)
    assert not scale_applications().exclude(reference=None).values("reference").annotate(n=Count("id")).filter(n__gt=1).exists()


def test_reviews_and_events_are_written_when_those_apps_exist():
    generate()
    if apps.is_installed("reviews"):
        review = apps.get_model("reviews", "Review")
        reviews = review.objects.filter(assignment__application__call__programme__code=PROGRAMME_CODE)
        assert reviews.count() == 90
        assert all(Decimal(0) <= r.score <= Decimal(20) for r in reviews)
    if apps.is_installed("events"):
        assert apps.get_model("events", "Event").objects.filter(organiser__rna__startswith="W99").count() == 4


def test_it_refuses_to_run_twice_and_reset_replaces_only_its_own_rows():
    unrelated = ApplicationFactory()
    generate()
    assert "déjà présentes" in generate()
    assert scale_applications().count() == 60
    generate(reset=True, applications=30)
    assert scale_applications().count() == 30
    assert Application.objects.filter(pk=unrelated.pk).exists()
    assert Transition.objects.filter(application__call__programme__code=PROGRAMME_CODE).exists()
