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
FUNDING_FIELDS = [
    "amount_requested", "own_funds", "in_kind", "local_partner_funds", "other_funders", "other_funders_detail",
    "budget_currency",  # the currency the lines are typed in (grants.currencies); every amount above is in euros
]
# Figures of the funding plan computed from the budget, never typed: the in-kind contributions are the budget's
# lines « en nature » (grants.services._save_budget), counted once in the expenses and once in the resources.
COMPUTED_FUNDING_FIELDS = ["in_kind"]
TYPED_FUNDING_FIELDS = [name for name in FUNDING_FIELDS if name not in COMPUTED_FUNDING_FIELDS]
STEP_FIELDS = {
    "project": PROJECT_FIELDS,
    "budget": TYPED_FUNDING_FIELDS,
    "operator": ["operator"],
    "review": ["publish_consent"],
}


def step_of_field(field):
    for step, fields in STEP_FIELDS.items():
        if field in fields:
            return step
    if field in COMPUTED_FUNDING_FIELDS:
        return "budget"
    return {"budget": "budget", "documents": "documents", "association": "association"}.get(field, "review")
