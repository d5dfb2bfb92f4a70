"""Demo follow-up: an awarded AMF project in Morocco, its CCME top-up, a first payment and a report due.

Idempotent: every step runs only if the dossier has not passed it yet.
"""

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import translation

from accounts.models import User
from documents.pdf import html_to_pdf
from grants import workflow
from grants.models import Application, BudgetLine, Call
from grants.states import State
from members.models import Organisation, OrganisationKind

from . import services
from .models import CofinancingRule

TITLE = "Bibliothèque et salle informatique au collège d'Aït Baha"
AMOUNT = Decimal("15000.00")


def _award(application, staff):
    """Through the committee when the reviews app offers an open session, as the CEP would."""
    application.refresh_from_db()
    if application.status != State.READY_FOR_COMMITTEE:
        return
    from reviews.models import CommitteeSession, SessionStatus
    from reviews.services import record_decision

    session = CommitteeSession.objects.filter(call=application.call, status=SessionStatus.OPEN).first()
    if session is None:
        session = CommitteeSession.objects.create(call=application.call, date=datetime.date(2026, 12, 10), place="Paris", created_by=staff)
    record_decision(session=session, application=application, by=staff, outcome="award", amount=AMOUNT,
                    reason="Projet solide, fort ancrage local et cofinancement des parents d'élèves.")


def load():
    staff = User.objects.get(email="instruction@example.org")
    applicant = User.objects.get(email="association@example.org")
    amf = Organisation.objects.get(rna="W751000201")
    ccme = Organisation.objects.get(kind=OrganisationKind.PARTNER, acronym="CCME")
    call = Call.objects.get(programme__code="PRA", year=2026)
    if not CofinancingRule.objects.filter(partner=ccme, programme=call.programme).exists():
        services.save_rule(by=staff, partner=ccme, programme=call.programme, name="Diaspora marocaine, projets au Maroc (+30 %)",
                           diaspora_country="MA", project_country="MA", rate=Decimal("30.00"), cap=None, is_active=True)
    application, created = Application.objects.get_or_create(
        call=call, organisation=amf, title=TITLE,
        defaults={
            "operator": amf.operator, "country": "MA", "locality": "Aït Baha, province de Chtouka-Aït Baha", "sector": "education",
            "local_partner": "Association des parents d'élèves du collège d'Aït Baha",
            "beneficiaries": "420 collégiens, dont 190 filles, et leurs enseignants.", "beneficiaries_count": 420,
            "objectives": "Donner aux collégiens un lieu de lecture et d'accès au numérique.",
            "activities": "Aménagement d'une salle, achat de 2 000 livres et de 15 ordinateurs, formation de deux animateurs.",
            "start_date": datetime.date(2026, 7, 1), "duration_months": 12,
            "amount_requested": AMOUNT, "own_funds": Decimal("4000.00"), "in_kind": Decimal("2000.00"),
            "local_partner_funds": Decimal("1500.00"),
        },
    )
    if created:
        BudgetLine.objects.bulk_create([
            BudgetLine(application=application, category="investment", label="Aménagement de la salle", unit_cost=Decimal("6000.00"), amount=Decimal("6000.00"), position=0),
            BudgetLine(application=application, category="supplies", label="Livres et 15 ordinateurs", unit_cost=Decimal("13000.00"), amount=Decimal("13000.00"), position=1),
            BudgetLine(application=application, category="training", label="Formation de deux animateurs", unit_cost=Decimal("1500.00"), amount=Decimal("1500.00"), position=2),
            BudgetLine(application=application, category="in_kind", label="Travaux des parents (valorisés)", unit_cost=Decimal("2000.00"), amount=Decimal("2000.00"), position=3),
        ])
    with translation.override("fr"):
        steps = [(State.DRAFT, "submit", applicant), (State.SUBMITTED, "declare_admissible", staff),
                 (State.ADMISSIBLE, "start_review", staff), (State.UNDER_REVIEW, "send_to_committee", staff)]
        for state, name, user in steps:
            application.refresh_from_db()
            if application.status == state:
                workflow.fire(application, name, by=user)
        _award(application, staff)
        application.refresh_from_db()
        if application.status == State.AWARDED:
            signed = ContentFile(html_to_pdf("<h1>Convention signée</h1><p>Copie de démonstration.</p>"), name="convention-signee.pdf")
            services.record_signed_agreement(application=application, signed_file=signed, by=staff)
        application.refresh_from_db()
        if application.status == State.AGREEMENT_SIGNED:
            services.record_payment(tranche=application.tranches.get(number=1), paid_on=datetime.date(2026, 7, 10),
                                    amount="10500.00", reference="VIR-FORIM-2026-0142", by=staff)
    return application
