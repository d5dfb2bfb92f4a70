"""Which part of the application a scoring criterion reads, so the reviewer's grid links to it.

A call's grid is free text (grants.Criterion.label); a criterion is matched to the sections of the
whole-application include (templates/grants/includes/application_full.html, anchors "dossier-<key>")
by the words of its label. A criterion that names none of them links to nothing.
"""

from django.utils.translation import gettext_lazy as _

# (anchor key, label, words of a criterion's label that point to it), in the order links are shown
SECTIONS = [
    ("context", _("Contexte et justification"), ("pertinence", "contexte", "besoin", "ancrage")),
    (
        "sector_policy",
        _("Cohérence avec la politique sectorielle nationale"),
        ("politique sectorielle", "politique nationale"),
    ),
    ("objectives", _("Objectifs"), ("objectif",)),
    ("activities", _("Activités"), ("activité",)),
    ("expected_results", _("Résultats attendus"), ("résultats attendus", "impact")),
    ("beneficiaries", _("Bénéficiaires"), ("bénéficiaire",)),
    ("local_partner", _("Partenaire local"), ("partenaire local", "partenaires locaux", "autorités locales")),
    ("sustainability", _("Pérennité"), ("pérennité", "durabilité", "viabilité")),
    ("budget", _("Budget et plan de financement"), ("budget", "financement", "coût", "cofinancement")),
]


def sections_for(label):
    """[(anchor id, section label)] that a criterion of this label reads; [] when none is named."""
    text = (label or "").lower()
    return [(f"dossier-{key}", name) for key, name, words in SECTIONS if any(word in text for word in words)]
