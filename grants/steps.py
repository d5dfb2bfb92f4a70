"""The steps of the application form, in order, and which dossier fields each one edits."""

from django.utils.translation import gettext_lazy as _

STEPS = [
    ("association", _("Association")),
    ("project", _("Projet")),
    ("budget", _("Budget")),
    ("documents", _("Pièces")),
    ("operator", _("Opérateur d'appui")),
    ("review", _("Vérification et dépôt")),
]
STEP_CODES = [code for code, _label in STEPS]
STEP_LABELS = dict(STEPS)
# steps that hold data an applicant edits (association is read from the registry, review only shows)
EDITABLE_STEPS = ["project", "budget", "documents", "operator"]

PROJECT_FIELDS = [
    "title", "country", "locality", "sector", "local_partner", "beneficiaries", "beneficiaries_count", "context",
    "sector_policy", "objectives", "activities", "expected_results", "sustainability", "start_date", "duration_months",
]
FUNDING_FIELDS = ["amount_requested", "own_funds", "in_kind", "local_partner_funds", "other_funders", "other_funders_detail"]
STEP_FIELDS = {
    "project": PROJECT_FIELDS,
    "budget": FUNDING_FIELDS,
    "operator": ["operator"],
    "review": ["publish_consent"],
}


def step_of_field(field):
    for step, fields in STEP_FIELDS.items():
        if field in fields:
            return step
    return {"budget": "budget", "documents": "documents", "association": "association"}.get(field, "review")
