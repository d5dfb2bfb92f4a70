"""Demo programmes and a real-looking PRA/OSIM call (€15,000 / 70% / €120,000)."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from members.models import Organisation

from .models import Application, BudgetLine, Call, Criterion, Programme

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
            BudgetLine(application=application, category="investment", label="Forage et pompe solaire", amount=Decimal("14500.00"), position=0),
            BudgetLine(application=application, category="investment", label="Château d'eau et réseau de distribution", amount=Decimal("5500.00"), position=1),
            BudgetLine(application=application, category="in_kind", label="Main-d'œuvre des habitants (valorisée)", amount=Decimal("2500.00"), position=2),
        ])
    return {"call": call}
