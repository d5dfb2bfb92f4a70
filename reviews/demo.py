"""Demo instruction: two dossiers of the PRA/OSIM 2026 call moved through the workflow, reviewed, and an open CEP.

Idempotent: each step only runs if the dossier is still before it.
"""

import datetime
from decimal import Decimal

from accounts.models import User
from forim_portal.errors import DomainError
from grants import workflow
from grants.models import Application, BudgetLine, Call
from grants.states import State
from members.models import Organisation

from . import services
from .models import HUMAN_CHECKS, CommitteeSession, ReviewAssignment

DOSSIERS = [
    {
        "rna": "W751000202", "applicant": "association2@example.org", "until": State.READY_FOR_COMMITTEE,
        "title": "Centre de santé communautaire à Jacmel", "country": "HT", "locality": "Jacmel, département du Sud-Est",
        "sector": "health", "local_partner": "Association des femmes de Jacmel (AFJ)",
        "beneficiaries": "4 000 habitants, dont 900 femmes enceintes ou allaitantes.", "beneficiaries_count": 4000,
        "objectives": "Rouvrir un centre de soins de base et de suivi des grossesses.",
        "activities": "Réhabilitation du bâtiment, achat de matériel, formation de deux sages-femmes.",
        "duration_months": 18, "amount_requested": Decimal("14000.00"), "own_funds": Decimal("4000.00"),
        "in_kind": Decimal("1500.00"), "local_partner_funds": Decimal("500.00"),
        "lines": [("investment", "Réhabilitation du bâtiment", "11000.00"), ("supplies", "Matériel médical", "6000.00"),
                  ("training", "Formation de deux sages-femmes", "1500.00"), ("in_kind", "Bénévolat valorisé", "1500.00")],
        "scores": {"evaluateur@example.org": ([5, 4, 4, 3, 4, 4], "fund"), "evaluatrice@example.org": ([4, 4, 3, 3, 3, 4], "fund")},
    },
    {
        "rna": "W352000204", "applicant": "association@example.org", "until": State.UNDER_REVIEW,
        "title": "Coopérative de transformation du manioc à Bafoussam", "country": "CM", "locality": "Bafoussam, région de l'Ouest",
        "sector": "economy", "local_partner": "GIC des transformatrices de Bafoussam",
        "beneficiaries": "60 femmes productrices et leurs familles.", "beneficiaries_count": 60,
        "objectives": "Augmenter les revenus des productrices en transformant le manioc sur place.",
        "activities": "Achat d'une presse et d'un séchoir solaire, formation à la gestion.",
        "duration_months": 12, "amount_requested": Decimal("9800.00"), "own_funds": Decimal("3200.00"),
        "in_kind": Decimal("1000.00"), "local_partner_funds": Decimal("0.00"),
        "lines": [("investment", "Presse et séchoir solaire", "10000.00"), ("training", "Formation à la gestion", "3000.00"),
                  ("in_kind", "Locaux prêtés par le GIC", "1000.00")],
        "scores": {"evaluateur@example.org": ([3, 3, 2, 2, 1, 3], "fund_with_changes")},
        "assigned_only": ["evaluatrice@example.org"],
    },
]
ROAD = [(State.DRAFT, "submit"), (State.SUBMITTED, "declare_admissible"), (State.ADMISSIBLE, "start_review"),
        (State.UNDER_REVIEW, "send_to_committee")]
ORDER = [State.DRAFT, State.SUBMITTED, State.ADMISSIBLE, State.UNDER_REVIEW, State.READY_FOR_COMMITTEE]


def _dossier(call, spec):
    organisation = Organisation.objects.get(rna=spec["rna"])
    fields = {key: spec[key] for key in ("country", "locality", "sector", "local_partner", "beneficiaries", "beneficiaries_count",
                                         "objectives", "activities", "duration_months", "amount_requested", "own_funds", "in_kind",
                                         "local_partner_funds")}
    application, created = Application.objects.get_or_create(
        call=call, organisation=organisation, title=spec["title"],
        defaults={**fields, "operator": organisation.operator, "start_date": datetime.date(2027, 3, 1)},
    )
    if created:
        BudgetLine.objects.bulk_create([
            BudgetLine(application=application, category=category, label=label, amount=Decimal(amount), position=position)
            for position, (category, label, amount) in enumerate(spec["lines"])
        ])
    return application


def _review(application, staff, spec):
    reviewers = {user.email: user for user in User.objects.filter(email__in=[*spec["scores"], *spec.get("assigned_only", [])])}
    criteria = list(application.call.criteria.all())
    for email, user in reviewers.items():
        assignment, _created = ReviewAssignment.objects.get_or_create(application=application, reviewer=user, defaults={"assigned_by": staff})
        review = getattr(assignment, "review", None)
        if email in spec["scores"] and not (review and review.is_submitted) and application.status == State.UNDER_REVIEW:
            values, recommendation = spec["scores"][email]
            services.save_review(
                assignment=assignment, by=user, submit=True, recommendation=recommendation,
                comment="Projet bien ancré localement ; budget réaliste.",
                scores={criterion.pk: (value, "") for criterion, value in zip(criteria, values, strict=False)},
            )


def load():
    call = Call.objects.filter(programme__code="PRA", year=2026).first()
    staff = User.objects.filter(email="instruction@example.org").first()
    if call is None or staff is None:
        return {}
    for spec in DOSSIERS:
        application = _dossier(call, spec)
        applicant = User.objects.get(email=spec["applicant"])
        services.save_checklist(application=application, by=staff, checked_codes={code for code, _label in HUMAN_CHECKS})
        for state, name in ROAD:
            if ORDER.index(spec["until"]) <= ORDER.index(state) or application.status != state:
                continue
            if name == "send_to_committee":
                _review(application, staff, spec)
            try:
                workflow.fire(application, name, by=applicant if name == "submit" else staff, expected_state=state)
            except DomainError:  # e.g. the demo call's deadline has passed: leave the dossier where it is
                break
        if application.status == State.UNDER_REVIEW:
            _review(application, staff, spec)
    session, _created = CommitteeSession.objects.get_or_create(
        call=call, status="open",
        defaults={"date": datetime.date(2027, 2, 11), "place": "FORIM, 4 rue Euryale Dehaynin, 75019 Paris", "created_by": staff,
                  "members_present": "Représentants du FORIM, de l'AFD et des fédérations membres (CEP paritaire)."},
    )
    return {"session": session}
