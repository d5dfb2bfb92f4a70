"""Demo accompaniment: Migrations & Développement (operateur@example.org) follows AMF and PAFHA. Idempotent."""

import datetime
from decimal import Decimal

from accounts.models import User
from members.models import Organisation

from .models import AccompanimentAgreement, SupportKind, SupportLog

LOGS = [
    # association rna, date, kind, hours, notes, next step, next step on
    ("W751000201", datetime.date(2026, 9, 22), SupportKind.MEETING, "2.00",
     "Diagnostic de l'association : gouvernance, comptes 2025, projet d'adduction d'eau à Tafraout.",
     "Envoyer le budget détaillé et la lettre du partenaire local", datetime.date(2026, 10, 6)),
    ("W751000201", datetime.date(2026, 10, 8), SupportKind.WORKSHOP, "6.00",
     "Atelier d'écriture : cadre logique, indicateurs, plan de financement (70 % au plus du coût total).",
     "Relire le dossier avant le visa", datetime.date(2026, 11, 20)),
    ("W751000201", datetime.date(2026, 11, 12), SupportKind.CALL, "1.00",
     "Point téléphonique sur les devis des pompes solaires.", "Visa de l'opérateur sur le dossier", datetime.date(2026, 12, 10)),
    ("W751000202", datetime.date(2026, 10, 2), SupportKind.MEETING, "1.50",
     "Première rencontre, présentation du PRA/OSIM et des critères d'éligibilité.",
     "Réunir les statuts et le dernier PV d'assemblée générale", datetime.date(2026, 10, 30)),
    ("W751000202", datetime.date(2026, 10, 24), SupportKind.TRAINING, "4.00",
     "Formation à la gestion financière d'un projet : suivi des dépenses, justificatifs, valorisation du bénévolat.",
     "Visite de terrain auprès du partenaire local à Jacmel (visio)", datetime.date(2026, 11, 15)),
]
AGREEMENTS = [("W751000201", datetime.date(2026, 9, 15), datetime.date(2027, 12, 31)),
              ("W751000202", datetime.date(2026, 10, 1), datetime.date(2027, 12, 31))]


def load():
    operator = Organisation.objects.get(rna="W133000105")
    author = User.objects.filter(email="operateur@example.org").first()
    for rna, signed_on, ends_on in AGREEMENTS:
        AccompanimentAgreement.objects.get_or_create(
            operator=operator, association=Organisation.objects.get(rna=rna), signed_on=signed_on,
            defaults={"ends_on": ends_on, "created_by": author},
        )
    for rna, date, kind, hours, notes, next_step, next_step_on in LOGS:
        SupportLog.objects.get_or_create(
            operator=operator, association=Organisation.objects.get(rna=rna), date=date, kind=kind,
            defaults={"hours": Decimal(hours), "notes": notes, "next_step": next_step, "next_step_on": next_step_on,
                      "created_by": author},
        )
