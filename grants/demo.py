"""Demo programmes and a real-looking PRA/OSIM call (€15,000 / 70% / €120,000)."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import models
from django.utils import translation

from accounts.models import User
from members.models import Organisation

from . import workflow
from .countries import load_country_list
from .models import Application, BudgetLine, Call, Criterion, Message, OperatorVisa, Programme, VisaDecision

PARIS = ZoneInfo("Europe/Paris")

PROGRAMMES = [
    ("PRA", "PRA/OSIM", "Programme d'appui aux projets des OSIM, financé principalement par l'AFD."),
    ("MESO", "Mésoprojets", "Volet PRA/OSIM pour les projets de 120 000 à 300 000 €, avec présélection sur manifestation d'intérêt."),
    ("CDP", "Coup de Pouce", "Appui technique et financier à la structuration des associations membres."),
    ("CONV", "Conventionnement annuel", "Soutien annuel à la structuration des fédérations et collectifs membres."),
]

GRID = [
    ("Pertinence et ancrage local", "Le projet répond-il à des besoins exprimés par les populations ?", "3"),
    ("Implication des bénéficiaires et des autorités locales", "Apports en argent, matériaux, main-d'œuvre.", "2"),
    ("Cohérence avec la politique sectorielle nationale", "", "1.5"),
    ("Partenariats avec d'autres diasporas", "", "1"),
    ("Restitution des résultats en France", "", "1"),
    ("Pérennité et réalisme du budget", "", "1.5"),
]

REQUIRED_DOCUMENTS = ["statutes", "registration_receipt", "general_assembly", "accounts", "bank_details", "partner_letter", "operator_agreement"]


def load():
    load_country_list()  # the OECD DAC list 2024-2025, the default eligible countries (Mali excluded below)
    programmes = {}
    for code, name, description in PROGRAMMES:
        programmes[code], _ = Programme.objects.get_or_create(code=code, defaults={"name": name, "description": description})
    call, created = Call.objects.get_or_create(
        programme=programmes["PRA"],
        year=2026,
        defaults={
            "title": "Appel à projets PRA/OSIM 2026",
            "description": "Appui aux projets de développement local portés par les OSIM dans leurs pays d'origine.",
            "opens_at": datetime.datetime(2026, 9, 1, 9, 0, tzinfo=PARIS),
            "deadline": datetime.datetime(2026, 12, 18, 12, 0, tzinfo=PARIS),
            "envelope": Decimal("750000.00"),
            "max_grant": Decimal("15000.00"),
            "max_grant_share": Decimal("70.00"),
            "max_total_budget": Decimal("120000.00"),
            "min_association_age_months": 12,
            "max_duration_months": 24,
            "excluded_countries": ["ML"],
            "sectors": ["health", "education", "water", "economy", "rural", "social"],
            "required_documents": REQUIRED_DOCUMENTS,
            "operator_visa_required": True,
            "track_record_required": True,  # up to date with earlier projects (grants.track_record)
            "tranche_split": [70, 30],
        },
    )
    if created:
        for position, (label, guidance, weight) in enumerate(GRID):
            Criterion.objects.create(call=call, label=label, guidance=guidance, weight=Decimal(weight), position=position)
    amf = Organisation.objects.get(rna="W751000201")
    application, created = Application.objects.get_or_create(
        call=call,
        organisation=amf,
        title="Adduction d'eau potable à Tafraout",
        defaults={
            "operator": amf.operator,
            "country": "MA",
            "locality": "Tafraout, province de Tiznit",
            "sector": "water",
            "local_partner": "Association Tifawine pour le développement",
            "beneficiaries": "Les 1 200 habitants des douars d'Aït Mansour, dont 300 enfants scolarisés.",
            "beneficiaries_count": 1200,
            "context": "Les femmes et les enfants parcourent 4 km chaque jour pour puiser l'eau.",
            "objectives": "Assurer un accès durable à l'eau potable pour 1 200 habitants.",
            "amount_requested": Decimal("15000.00"),
            "own_funds": Decimal("3500.00"),
            "in_kind": Decimal("2500.00"),
            "local_partner_funds": Decimal("1500.00"),
        },
    )
    if created:
        BudgetLine.objects.bulk_create([
            BudgetLine(application=application, category="investment", label="Forage et pompe solaire", unit_cost=Decimal("14500.00"), amount=Decimal("14500.00"), position=0),
            BudgetLine(application=application, category="investment", label="Château d'eau et réseau de distribution", unit_cost=Decimal("5500.00"), amount=Decimal("5500.00"), position=1),
            BudgetLine(application=application, category="in_kind", label="Main-d'œuvre des habitants (valorisée)", unit_cost=Decimal("2500.00"), amount=Decimal("2500.00"), position=2),
        ])
    BudgetLine.objects.filter(application=application, unit_cost=0, amount__gt=0).update(unit_cost=models.F("amount"))
    _other_calls(programmes)
    _pafha_submitted(call)
    _rame_corrections(call)
    if amf.operator_id and not application.visas.exists():
        OperatorVisa.objects.create(
            application=application, operator=amf.operator, given_by=User.objects.filter(email="operateur@example.org").first(),
            decision=VisaDecision.CHANGES_REQUESTED,
            comment="Joignez le devis du foreur et précisez qui entretiendra la pompe après le projet.",
        )
    return {"call": call}


def _other_calls(programmes):
    Call.objects.get_or_create(
        programme=programmes["CDP"], year=2026,
        defaults={
            "title": "Coup de Pouce 2026", "description": "Appui à la structuration des associations membres.",
            "opens_at": datetime.datetime(2026, 10, 1, 9, 0, tzinfo=PARIS), "deadline": datetime.datetime(2027, 1, 31, 12, 0, tzinfo=PARIS),
            "envelope": Decimal("60000.00"), "max_grant": Decimal("3000.00"), "max_grant_share": Decimal("80.00"),
            "max_total_budget": Decimal("10000.00"), "max_duration_months": 12, "operator_visa_required": False,
            "required_documents": ["statutes", "general_assembly"], "tranche_split": [100],
        },
    )
    Call.objects.get_or_create(
        programme=programmes["MESO"], year=2026,
        defaults={
            "title": "Mésoprojets 2026", "description": "Projets de 120 000 à 300 000 €, après présélection sur manifestation d'intérêt.",
            "opens_at": datetime.datetime(2026, 3, 1, 9, 0, tzinfo=PARIS), "deadline": datetime.datetime(2026, 6, 30, 12, 0, tzinfo=PARIS),
            "envelope": Decimal("600000.00"), "max_grant": Decimal("100000.00"), "max_grant_share": Decimal("70.00"),
            "min_total_budget": Decimal("120000.00"), "max_total_budget": Decimal("300000.00"), "min_association_age_months": 24,
            "max_duration_months": 24, "tranche_split": [50, 30, 20],
        },
    )


def _filed(call, organisation, title, user_email, project, lines):
    """A dossier filed through the workflow (reference, frozen version), once."""
    application, created = Application.objects.get_or_create(call=call, organisation=organisation, title=title, defaults=project)
    if created:
        BudgetLine.objects.bulk_create([
            BudgetLine(application=application, category=category, label=label, unit_cost=Decimal(cost), amount=Decimal(cost), position=i)
            for i, (category, label, cost) in enumerate(lines)
        ])
        user = User.objects.get(email=user_email)
        with translation.override("fr"):
            workflow.fire(application, "submit", by=user)
    return application, created


def _pafha_submitted(call):
    pafha = Organisation.objects.get(rna="W751000202")
    application, created = _filed(
        call, pafha, "Centre de formation professionnelle pour les jeunes de Jacmel", "association2@example.org",
        {"operator": pafha.operator, "country": "HT", "locality": "Jacmel, département du Sud-Est", "sector": "economy",
         "local_partner": "Association des jeunes entrepreneurs de Jacmel", "beneficiaries_count": 120, "duration_months": 18,
         "objectives": "Former 120 jeunes par an aux métiers de l'électricité solaire et de la menuiserie.",
         "amount_requested": Decimal("15000.00"), "own_funds": Decimal("4000.00"), "in_kind": Decimal("2500.00"),
         "local_partner_funds": Decimal("1000.00")},
        [("investment", "Équipement des ateliers", "12000.00"), ("training", "Formateurs (18 mois)", "8000.00"),
         ("in_kind", "Locaux mis à disposition par la mairie", "2500.00")],
    )
    if created:
        staff = User.objects.get(email="instruction@example.org")
        author = User.objects.get(email="association2@example.org")
        Message.objects.create(application=application, author=author, body="Bonjour, faut-il envoyer l'original de la lettre du partenaire par la poste ?")
        Message.objects.create(application=application, author=staff, from_staff=True, body="Bonjour, non : la copie déposée en ligne suffit. Gardez l'original pour le suivi.")


def _rame_corrections(call):
    rame = Organisation.objects.get(rna="W352000204")
    application, created = _filed(
        call, rame, "Coopérative de transformation du manioc à Bafoussam", "association@example.org",
        {"operator": rame.operator, "country": "CM", "locality": "Bafoussam, région de l'Ouest", "sector": "rural",
         "duration_months": 12, "amount_requested": Decimal("9000.00"), "own_funds": Decimal("3000.00"), "in_kind": Decimal("1000.00")},
        [("investment", "Broyeuse et presse", "10000.00"), ("in_kind", "Terrain et bâtiment de la coopérative", "3000.00")],
    )
    if created:
        from .services import request_corrections

        with translation.override("fr"):
            request_corrections(
                application=application, by=User.objects.get(email="instruction@example.org"), sections=["budget", "documents"],
                message="Le budget ne prévoit pas la formation des coopératrices ; joignez aussi le dernier procès-verbal d'assemblée générale.",
            )
