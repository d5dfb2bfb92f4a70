"""Demo: the Mésoprojets 2026 call run in two stages, end to end.

Statements of intent in every state (a draft, one awaiting the decision, one declined with its
reason, one withdrawn, one pre-selected), and the pre-selected association's full dossier,
pre-filled from its statement, completed and submitted. Dates are set from the first load: the
intent stage stays open three more weeks, the full dossier four months, so every step can be tried.
Idempotent: a second run changes nothing.
"""

import datetime
from decimal import Decimal

from django.utils import timezone, translation

from accounts.models import User
from grants import workflow
from grants.models import Application, BudgetLine, Call, OperatorVisa, VisaDecision
from grants.services import start_application
from members.models import Organisation

from . import services
from .models import StatementOfIntent

STAFF_EMAIL = "instruction@example.org"

# rna, who writes, title, country, sector, summary, estimated total, estimated grant, (decision, reason)
STATEMENTS = [
    (
        "W751000201",
        "association@example.org",
        "Irrigation solaire pour les coopératives agricoles du Souss",
        "MA",
        "rural",
        "Équiper 12 coopératives de pompes solaires et de goutte-à-goutte ; former 300 agriculteurs ; créer un service "
        "d'entretien local.",
        "240000.00",
        "100000.00",
        ("preselect", "Projet mûr, partenaires locaux engagés, budget réaliste : déposez le dossier complet."),
    ),
    (
        "W751000202",
        "association2@example.org",
        "Maison des jeunes et de la formation numérique de Jacmel",
        "HT",
        "education",
        "Un lieu de formation au numérique et d'accompagnement à l'emploi pour 400 jeunes par an, géré avec la mairie.",
        "150000.00",
        "90000.00",
        None,
    ),
    (
        "W352000204",
        "association@example.org",
        "Unité de transformation du manioc de Bafoussam",
        "CM",
        "rural",
        "Agrandir la coopérative et ajouter une ligne de séchage.",
        "130000.00",
        "90000.00",
        (
            "decline",
            "Ampleur et partenariats en deçà d'un Mésoprojet : présentez-le à l'appel PRA/OSIM 2026 "
            "avec un budget resserré.",
        ),
    ),
    (
        "W353000101",
        "coordination@example.org",
        "Appui aux coopératives de pêche de Ziguinchor",
        "SN",
        "economy",
        "Chambres froides et formation à la gestion pour quatre coopératives de femmes transformatrices.",
        "180000.00",
        "100000.00",
        ("withdraw", "Le partenaire local se retire : nous représenterons le projet l'an prochain."),
    ),
]
DRAFT = ("W781000203", "Centre de santé communautaire de Thiès", "SN", "health", "Une maternité de 12 lits.")

FULL_DOSSIER = {
    "locality": "Région de Souss-Massa, province de Taroudant",
    "local_partner": "Union des coopératives agricoles de Taroudant",
    "beneficiaries": "12 coopératives, 300 agriculteurs et leurs familles (environ 1 800 personnes).",
    "beneficiaries_count": 1800,
    "objectives": "Réduire de moitié la consommation d'eau des cultures et doubler les revenus des coopératives.",
    "activities": "Études, installation des pompes et du goutte-à-goutte, formations, service d'entretien.",
    "duration_months": 24,
    "own_funds": Decimal("20000.00"),
    "in_kind": Decimal("10000.00"),
    "local_partner_funds": Decimal("50000.00"),
    "other_funders": Decimal("60000.00"),
    "other_funders_detail": "Agence du bassin hydraulique du Souss-Massa",
}
LINES = [
    ("investment", "Pompes solaires et goutte-à-goutte (12 sites)", "150000.00"),
    ("training", "Formation de 300 agriculteurs", "30000.00"),
    ("staff", "Coordination du projet (24 mois)", "40000.00"),
    ("followup", "Suivi, évaluation et restitution en France", "10000.00"),
    ("in_kind", "Main-d'œuvre des coopérateurs (valorisée)", "10000.00"),
]


def _two_stage(call):
    """Open the call in two stages from the first load (the grants demo created it single-stage)."""
    if call.intent_deadline is None:
        now = timezone.now().replace(minute=0, second=0, microsecond=0)
        Call.objects.filter(pk=call.pk).update(
            opens_at=now - datetime.timedelta(days=30),
            intent_deadline=now + datetime.timedelta(days=21),
            deadline=now + datetime.timedelta(days=120),
            operator_visa_required=True,
        )
        call.refresh_from_db()
    return call


def load():
    call = Call.objects.filter(programme__code="MESO", year=2026).first()
    if call is None:
        return {}
    call = _two_stage(call)
    staff = User.objects.get(email=STAFF_EMAIL)
    with translation.override("fr"):
        for rna, email, title, country, sector, summary, total, grant, decision in STATEMENTS:
            _statement(
                call,
                staff,
                Organisation.objects.get(rna=rna),
                User.objects.get(email=email),
                {
                    "title": title,
                    "country": country,
                    "sector": sector,
                    "summary": summary,
                    "estimated_total": total,
                    "estimated_grant": grant,
                },
                decision,
            )
        rna, title, country, sector, summary = DRAFT
        StatementOfIntent.objects.get_or_create(
            call=call,
            organisation=Organisation.objects.get(rna=rna),
            defaults={"title": title, "country": country, "sector": sector, "summary": summary},
        )
        _full_dossier(call, Organisation.objects.get(rna=STATEMENTS[0][0]), User.objects.get(email=STATEMENTS[0][1]))
    return {"call": call}


def _statement(call, staff, organisation, user, fields, decision):
    if StatementOfIntent.objects.filter(call=call, organisation=organisation).exists() or not call.intents_open():
        return
    statement = services.start_statement(call=call, organisation=organisation, by=user)
    services.save_statement(statement=statement, by=user, **fields)
    services.submit_statement(statement=statement, by=user)
    if decision is None:
        return
    action, reason = decision
    if action == "withdraw":
        services.withdraw_statement(statement=statement, by=user, comment=reason)
    else:
        services.decide_statement(statement=statement, by=staff, decision=action, reason=reason)


def _full_dossier(call, organisation, user):
    """The pre-selected association's dossier: started pre-filled, completed, the operator's visa, submitted."""
    if Application.objects.filter(call=call, organisation=organisation).exists() or not call.is_open():
        return
    application = start_application(call=call, organisation=organisation, by=user)
    for name, value in FULL_DOSSIER.items():
        setattr(application, name, value)
    application.start_date = timezone.localdate(call.deadline) + datetime.timedelta(days=90)
    application.save()
    BudgetLine.objects.bulk_create(
        [
            BudgetLine(
                application=application,
                category=category,
                label=label,
                unit_cost=Decimal(cost),
                amount=Decimal(cost),
                position=i,
            )
            for i, (category, label, cost) in enumerate(LINES)
        ]
    )
    if organisation.operator_id:
        OperatorVisa.objects.create(
            application=application,
            operator=organisation.operator,
            decision=VisaDecision.GRANTED,
            given_by=User.objects.filter(email="operateur@example.org").first(),
            comment="Dossier solide, prêt à déposer.",
        )
    workflow.fire(application, "submit", by=user)
