"""The navigation bar, filled by each app (accounts.navigation), for every demo role, in French and English."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from accounts import demo
from tests.conftest import login

pytestmark = pytest.mark.django_db

HOME, AGENDA = ("accounts:home", "Accueil", "Home"), ("events:agenda", "Agenda", "Calendar")
STAFF_BAR = [
    HOME,
    ("reviews:applications", "Dossiers", "Applications"),
    ("reviews:committee_list", "Comités", "Committees"),
    ("grants:call_list", "Appels", "Calls"),
    ("members:directory", "Réseau", "Network"),
    ("support:staff_activity", "Accompagnement", "Accompaniment"),
    ("awards:followup", "Suivi des projets", "Project monitoring"),
    AGENDA,
    ("dashboards:staff", "Tableau de bord", "Dashboard"),
]  # staff reach "Actions en France" from the network page and the history import from the calls page
MY_FIGURES = ("dashboards:mine", "Mes chiffres", "My figures")
# (url name, French label, English label) in the order of the bar: the same as before the apps registered their own
BARS = {
    "admin@example.org": STAFF_BAR,  # a superuser
    "instruction@example.org": STAFF_BAR,
    "association@example.org": [
        HOME,
        ("grants:my_applications", "Mes dossiers", "My applications"),
        ("members:my_organisation", "Mon association", "My association"),
        AGENDA,
    ],
    "evaluateur@example.org": [HOME, ("reviews:reviewer_home", "Mes évaluations", "My evaluations"), AGENDA],
    "operateur@example.org": [
        HOME,
        ("support:operator_home", "Associations accompagnées", "Supported associations"),
        ("grants:operator_drafts", "Brouillons à viser", "Drafts to endorse"),
        AGENDA,
        MY_FIGURES,
    ],
    "partenaire@example.org": [
        HOME,
        ("awards:partner_home", "Projets cofinancés", "Co-funded projects"),
        AGENDA,
        MY_FIGURES,
    ],
    "coordination@example.org": [
        HOME,
        ("members:directory", "Réseau", "Network"),
        ("members:actions", "Actions en France", "Activities in France"),
        AGENDA,
        MY_FIGURES,
    ],
}


def bar(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(reverse("accounts:profile"))
    assert page.status_code == 200
    nav = re.search(r'<nav id="main-nav".*?<ul>(.*?)</ul>', page.text, re.S).group(1)
    return re.findall(r'<li><a href="([^"]+)"[^>]*>([^<]+)</a></li>', nav)


@pytest.mark.parametrize("email", sorted(BARS))
def test_each_demo_role_sees_the_same_navigation_in_french_and_in_english(client, email):
    users = demo.load()
    login(client, users[email])
    expected = BARS[email]
    assert bar(client, "fr") == [(reverse(name), fr) for name, fr, _en in expected]
    assert bar(client, "en") == [(reverse(name), en) for name, _fr, en in expected]


def test_a_visitor_sees_no_navigation_links(client):
    page = client.get(reverse("accounts:login"))
    assert re.search(r'<nav id="main-nav".*?</nav>', page.text, re.S).group(0).count("<li>") == 0


def test_each_role_gets_the_home_sections_its_apps_registered_in_order(rf):
    from types import SimpleNamespace

    from accounts.navigation import SECTIONS, _for

    staff = [
        "grants.home.staff_section",
        "intents.home.staff_section",
        "awards.home.staff_section",
        "members.home.staff_section",
        "events.home.upcoming_section",
    ]
    expected = {
        "applicant": ["grants.home.applicant_section", "intents.home.applicant_section", "events.home.upcoming_section"],
        "staff": staff,
        "admin": staff,
        "reviewer": ["reviews.home.reviewer_section"],
        "operator": [
            "reviews.home.operator_visa_section", "reviews.home.operator_section", "support.home.operator_section",
            "events.home.upcoming_section",
        ],
        "partner": ["awards.home.partner_section"],
        "coordinator": ["members.home.coordinator_section", "events.home.upcoming_section"],
    }
    for role, sections in expected.items():
        user = SimpleNamespace(is_authenticated=True, is_superuser=False, role=role)
        assert [entry.key for entry in _for(SECTIONS, user)] == sections, role
    visitor = SimpleNamespace(is_authenticated=False, is_superuser=False, role="")
    assert [entry.key for entry in _for(SECTIONS, visitor)] == [
        "grants.home.public_section", "dashboards.home.public_laureates_section", "events.home.upcoming_section",
    ]
