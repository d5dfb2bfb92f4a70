"""A realistic dataset at a chosen scale, for load benchmarks: `manage.py generate_scale_data`.

Written with bulk_create in batches (no per-row workflow calls): 10,000 associations and
10,000 dossiers take minutes. The audit trail keeps its shape: each dossier gets the
Transition rows the workflow would have written to reach its state. Everything it creates
hangs off the programme `charge` and e-mails `@charge.forim.test`, so `--reset` removes
exactly that and nothing else. Reviews and events are written only if those apps exist.
"""

import datetime
import random
from decimal import Decimal

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from dashboards import cache as dashboard_figures
from forim_portal import options as option_lists
from forim_portal.money import half_up_cents
from grants import tally
from grants.models import Application, BudgetLine, Call, Criterion, Programme, Transition
from grants.states import State
from members import country_index
from members import tally as members_tally
from members.models import MemberRole, Membership, Organisation, OrganisationKind, OrganisationStatus
from reviews import conflicts

PROGRAMME_CODE = "charge"
EMAIL_DOMAIN = "charge.forim.test"
RNA_PREFIX = "W99"
PASSWORD = "charge-forim-2026"  # noqa: S105 - public on purpose: benchmark accounts on a throwaway database
BATCH = 2000

# (city, region code) — real cities of the regions where FORIM's members live
CITIES = [
    ("Paris", "IDF"), ("Montreuil", "IDF"), ("Saint-Denis", "IDF"), ("Créteil", "IDF"), ("Évry-Courcouronnes", "IDF"),
    ("Mantes-la-Jolie", "IDF"), ("Marseille", "PAC"), ("Nice", "PAC"), ("Lyon", "ARA"), ("Grenoble", "ARA"),
    ("Villeurbanne", "ARA"), ("Lille", "HDF"), ("Roubaix", "HDF"), ("Bordeaux", "NAQ"), ("Poitiers", "NAQ"),
    ("Toulouse", "OCC"), ("Montpellier", "OCC"), ("Rennes", "BRE"), ("Brest", "BRE"), ("Nantes", "PDL"),
    ("Le Mans", "PDL"), ("Rouen", "NOR"), ("Le Havre", "NOR"), ("Strasbourg", "GES"), ("Mulhouse", "GES"),
    ("Dijon", "BFC"), ("Orléans", "CVL"), ("Pointe-à-Pitre", "GUA"), ("Fort-de-France", "MTQ"), ("Saint-Denis", "REU"),
]
# (country code, adjective for the diaspora) — countries of the programme
DIASPORAS = [
    ("SN", "Sénégalais"), ("CM", "Camerounais"), ("CI", "Ivoiriens"), ("KM", "Comoriens"), ("MA", "Marocains"),
    ("DZ", "Algériens"), ("TN", "Tunisiens"), ("HT", "Haïtiens"), ("MG", "Malgaches"), ("BJ", "Béninois"),
    ("TG", "Togolais"), ("BF", "Burkinabè"), ("GN", "Guinéens"), ("CD", "Congolais"), ("VN", "Vietnamiens"),
    ("MR", "Mauritaniens"), ("NE", "Nigériens"), ("TD", "Tchadiens"), ("CG", "Congolais de Brazzaville"), ("LA", "Laotiens"),
]
NAME_PATTERNS = [
    "Association des {people} de {city}", "Solidarité {people} {city}", "Union des ressortissants {people} de {city}",
    "Femmes {people} pour le développement ({city})", "Jeunesse {people} solidaire de {city}", "Amicale des {people} de {city}",
]
LOCALITIES = ["Kayes", "Podor", "Bafoussam", "Korhogo", "Moroni", "Ouarzazate", "Jacmel", "Fianarantsoa", "Parakou",
              "Kara", "Koudougou", "Kindia", "Matam", "Kaédi", "Zinder", "Abéché", "Tiznit", "Sfax", "Tlemcen", "Huế"]
FIRST_NAMES = ["Aminata", "Moussa", "Fatoumata", "Mamadou", "Aïcha", "Youssef", "Nadia", "Jean-Baptiste", "Marie-Claire",
               "Ibrahima", "Khadija", "Ousmane", "Mariam", "Karim", "Rokia", "Samuel", "Hélène", "Thi Lan", "Souad", "Didier"]
LAST_NAMES = ["Diallo", "Traoré", "Koné", "Ndiaye", "Camara", "El Idrissi", "Benali", "Joseph", "Rakoto", "Mbemba",
              "Ouédraogo", "Sow", "Diop", "Nguyen", "Hamdi", "Kaboré", "Mensah", "Pierre", "Said", "Toure"]
SECTORS = ["health", "education", "water", "economy", "rural", "social"]
PROJECTS = {
    "health": "Case de santé maternelle à {place}", "education": "Scolarisation des filles à {place}",
    "water": "Adduction d'eau potable à {place}", "economy": "Coopérative de transformation agricole à {place}",
    "rural": "Périmètre maraîcher de {place}", "social": "Maison des jeunes de {place}",
}
CRITERIA = ["Pertinence et ancrage local", "Implication des bénéficiaires et des autorités locales",
            "Faisabilité et budget", "Pérennité et restitution en France"]

# The workflow moves that lead from a draft to each state (the audit trail the workflow writes).
PATHS = {
    State.DRAFT: [],
    State.SUBMITTED: [("submit", State.DRAFT, State.SUBMITTED)],
}
PATHS[State.CORRECTIONS_REQUESTED] = [*PATHS[State.SUBMITTED], ("request_corrections", State.SUBMITTED, State.CORRECTIONS_REQUESTED)]
PATHS[State.ADMISSIBLE] = [*PATHS[State.SUBMITTED], ("declare_admissible", State.SUBMITTED, State.ADMISSIBLE)]
PATHS[State.INADMISSIBLE] = [*PATHS[State.SUBMITTED], ("declare_inadmissible", State.SUBMITTED, State.INADMISSIBLE)]
PATHS[State.WITHDRAWN] = [*PATHS[State.SUBMITTED], ("withdraw", State.SUBMITTED, State.WITHDRAWN)]
PATHS[State.UNDER_REVIEW] = [*PATHS[State.ADMISSIBLE], ("start_review", State.ADMISSIBLE, State.UNDER_REVIEW)]
PATHS[State.READY_FOR_COMMITTEE] = [*PATHS[State.UNDER_REVIEW], ("send_to_committee", State.UNDER_REVIEW, State.READY_FOR_COMMITTEE)]
for _name, _state in (("award", State.AWARDED), ("reject", State.REJECTED), ("defer", State.DEFERRED)):
    PATHS[_state] = [*PATHS[State.READY_FOR_COMMITTEE], (_name, State.READY_FOR_COMMITTEE, _state)]
PATHS[State.AGREEMENT_SIGNED] = [*PATHS[State.AWARDED], ("sign_agreement", State.AWARDED, State.AGREEMENT_SIGNED)]
PATHS[State.IN_PROGRESS] = [*PATHS[State.AGREEMENT_SIGNED], ("start_project", State.AGREEMENT_SIGNED, State.IN_PROGRESS)]
PATHS[State.CLOSED] = [*PATHS[State.IN_PROGRESS], ("close", State.IN_PROGRESS, State.CLOSED)]
COMMENTS = {"request_corrections": "Pièce manquante : budget détaillé.", "declare_inadmissible": "Dossier incomplet à la date limite.",
            "reject": "Projet jugé moins prioritaire par le comité.", "defer": "À représenter avec le budget révisé."}
REVIEWED = {State.UNDER_REVIEW, State.READY_FOR_COMMITTEE, State.AWARDED, State.REJECTED, State.DEFERRED,
            State.AGREEMENT_SIGNED, State.IN_PROGRESS, State.CLOSED}
# Past calls end in decisions; the previous call is under instruction; the last one is open.
PAST_MIX = [(State.CLOSED, 8), (State.IN_PROGRESS, 3), (State.AGREEMENT_SIGNED, 1), (State.AWARDED, 1), (State.REJECTED, 50),
            (State.DEFERRED, 2), (State.INADMISSIBLE, 10), (State.WITHDRAWN, 5), (State.READY_FOR_COMMITTEE, 0)]
INSTRUCTION_MIX = [(State.SUBMITTED, 10), (State.CORRECTIONS_REQUESTED, 10), (State.ADMISSIBLE, 10), (State.INADMISSIBLE, 5),
                   (State.UNDER_REVIEW, 40), (State.READY_FOR_COMMITTEE, 25)]
OPEN_MIX = [(State.DRAFT, 60), (State.SUBMITTED, 35), (State.WITHDRAWN, 5)]


def money(value):
    return half_up_cents(value)


def in_batches(model, rows):
    created = []
    for start in range(0, len(rows), BATCH):
        created += model.objects.bulk_create(rows[start : start + BATCH])
    return created


def optional_model(label):
    """A model of an app being built in parallel: None when the app or model is not there."""
    app_label, _, name = label.partition(".")
    if not apps.is_installed(app_label):
        return None
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


class Command(BaseCommand):
    help = "Génère un jeu de données réaliste à grande échelle (bancs de charge)."

    def add_arguments(self, parser):
        parser.add_argument("--associations", type=int, default=10000)
        parser.add_argument("--applications", type=int, default=10000)
        parser.add_argument("--calls", type=int, default=10)
        parser.add_argument("--reviews", type=int, default=30000)
        parser.add_argument("--events", type=int, default=200)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--reset", action="store_true", help="Supprime d'abord les données de charge existantes.")

    def handle(self, *args, **options):
        if options["calls"] < 1 or options["associations"] < 1:
            raise CommandError("Il faut au moins un appel et une association.")
        self.random = random.Random(options["seed"])  # noqa: S311 - reproducible fake data, not secrets
        self.now = timezone.now()
        if options["reset"]:
            self.reset()
        elif Programme.objects.filter(code=PROGRAMME_CODE).exists():
            self.stdout.write("Données de charge déjà présentes (relancez avec --reset pour les régénérer).")
            return
        with transaction.atomic():
            self.people()
            self.organisations(options["associations"])
            self.calls(options["calls"])
            self.applications(options["applications"])
            reviews = self.reviews(options["reviews"])
            events = self.events(options["events"])
        dashboard_figures.changed()  # bulk_create sends no signal: the dashboards count again
        tally.STATUSES.changed()  # and the dossiers per state
        members_tally.ORGANISATIONS.changed()  # and the organisations
        option_lists.OPTIONS.changed()  # and the staff table's option lists
        conflicts.FREE_REVIEWERS.changed()  # and the reviewers each dossier may be given
        self.stdout.write(
            f"Créés : {len(self.associations)} associations, {len(self.calls_created)} appels, "
            f"{len(self.applications_created)} dossiers, {self.transitions} changements d'état, "
            f"{reviews} évaluations, {events} événements. Mot de passe des comptes : {PASSWORD}"
        )

    # --- reset -------------------------------------------------------------------------------------

    def reset(self):
        scale_orgs = Organisation.objects.filter(rna__startswith=RNA_PREFIX)
        with transaction.atomic():
            event_model = optional_model("events.Event")
            if event_model:
                event_model.objects.filter(organiser__in=scale_orgs).delete()
            decision_model = optional_model("reviews.CommitteeDecision")
            if decision_model:
                decision_model.objects.filter(application__call__programme__code=PROGRAMME_CODE).delete()
            session_model = optional_model("reviews.CommitteeSession")
            if session_model:
                session_model.objects.filter(call__programme__code=PROGRAMME_CODE).delete()
            Application.objects.filter(call__programme__code=PROGRAMME_CODE).delete()
            Call.objects.filter(programme__code=PROGRAMME_CODE).delete()
            Programme.objects.filter(code=PROGRAMME_CODE).delete()
            Organisation.objects.filter(operator__in=scale_orgs).update(operator=None)
            User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").delete()
            scale_orgs.delete()

    # --- people and organisations ------------------------------------------------------------------

    def user(self, email, role):
        return User(
            email=email, first_name=self.random.choice(FIRST_NAMES), last_name=self.random.choice(LAST_NAMES),
            role=role, password=self.password_hash,
        )

    def people(self):
        self.password_hash = make_password(PASSWORD)
        self.staff = in_batches(User, [self.user(f"equipe{n}@{EMAIL_DOMAIN}", Role.STAFF) for n in range(1, 6)])

    def organisations(self, count):
        pick = self.random.choice
        operator_count = max(2, count // 700)
        operators = [
            Organisation(
                kind=OrganisationKind.OPERATOR, name=f"Opérateur d'appui {city} n°{n}", acronym=f"OPAP{n}",
                rna=f"{RNA_PREFIX}{n:07d}", status=OrganisationStatus.VALIDATED, city=city, region=region,
                covered_regions=[region], created_on=datetime.date(2000, 1, 1),
            )
            for n, (city, region) in enumerate((pick(CITIES) for _ in range(operator_count)), start=1)
        ]
        self.operators = in_batches(Organisation, operators)
        rows = []
        self.origin = {}
        for n in range(count):
            city, region = pick(CITIES)
            country, people = pick(DIASPORAS)
            name = pick(NAME_PATTERNS).format(people=people, city=city)
            status = OrganisationStatus.VALIDATED if self.random.random() < 0.95 else OrganisationStatus.PENDING
            # Its diaspora's country; one in four also works in another country of the programme.
            elsewhere = DIASPORAS[(n // 4) % len(DIASPORAS)][0]
            intervention = [country] if n % 4 else list(dict.fromkeys([country, elsewhere]))
            rows.append(Organisation(
                kind=OrganisationKind.OSIM, name=f"{name} ({n + 1})", acronym=f"A{n + 1}", rna=f"{RNA_PREFIX}{operator_count + n + 1:07d}",
                status=status, city=city, region=region, sectors=self.random.sample(SECTORS, 2),
                board_migrant_share=Decimal(self.random.choice([60, 75, 80, 100])),
                operator=pick(self.operators), created_on=datetime.date(self.random.randint(1985, 2022), self.random.randint(1, 12), 1),
                validated_at=self.now if status == OrganisationStatus.VALIDATED else None,
                email=f"contact{n + 1}@{EMAIL_DOMAIN}", diaspora_countries=[country], intervention_countries=intervention,
            ))
            self.origin[n] = country
        self.associations = in_batches(Organisation, rows)
        country_index.add_countries(self.associations)  # bulk_create sends no signal: the country filter's rows
        self.association_country = {org.pk: self.origin[i] for i, org in enumerate(self.associations)}
        users = in_batches(User, [self.user(f"asso{n + 1}@{EMAIL_DOMAIN}", Role.APPLICANT) for n in range(count)])
        users += in_batches(User, [self.user(f"opap{n + 1}@{EMAIL_DOMAIN}", Role.OPERATOR) for n in range(operator_count)])
        orgs = self.associations + self.operators
        in_batches(Membership, [Membership(user=u, organisation=o, role=MemberRole.ADMIN) for u, o in zip(users, orgs, strict=True)])

    # --- calls, dossiers, audit trail ----------------------------------------------------------------

    def calls(self, count):
        programme = Programme.objects.create(code=PROGRAMME_CODE, name="PRA/OSIM (données de charge)")
        this_year = self.now.year
        rows = []
        for n in range(count):
            year = this_year - (count - 1 - n)
            is_open = n == count - 1
            deadline = self.now + datetime.timedelta(hours=1) if is_open else timezone.make_aware(datetime.datetime(year, 11, 18, 12))
            deadline = min(deadline, self.now - datetime.timedelta(days=1)) if not is_open else deadline
            rows.append(Call(
                programme=programme, year=year, title=f"Appel PRA/OSIM {year} (charge)", deadline=deadline,
                opens_at=deadline - datetime.timedelta(days=90), envelope=Decimal("750000.00"),
                sectors=SECTORS, tranche_split=[70, 30], operator_visa_required=False,
            ))
        self.calls_created = in_batches(Call, rows)
        criteria = [
            Criterion(call=call, label=label, weight=Decimal("1.00"), scale_max=5, position=i)
            for call in self.calls_created for i, label in enumerate(CRITERIA)
        ]
        in_batches(Criterion, criteria)
        self.criteria = {}
        for criterion in Criterion.objects.filter(call__in=self.calls_created):
            self.criteria.setdefault(criterion.call_id, []).append(criterion)

    def mix_for(self, index):
        last = len(self.calls_created) - 1
        return OPEN_MIX if index == last else INSTRUCTION_MIX if index == last - 1 else PAST_MIX

    def applications(self, count):
        states_by_call = {}
        rows, lines = [], []
        validated = [org for org in self.associations if org.status == OrganisationStatus.VALIDATED] or self.associations
        for n in range(count):
            index = n % len(self.calls_created)
            call = self.calls_created[index]
            states, weights = zip(*self.mix_for(index), strict=True)
            status = self.random.choices(states, weights)[0]
            organisation = validated[n % len(validated)]
            sector = self.random.choice(SECTORS)
            total = money(self.random.randrange(8000, 60000, 500))
            requested = min(Decimal("15000.00"), money(total * Decimal("0.60")))
            own, kind, local = (money(total * Decimal(share)) for share in ("0.10", "0.10", "0.10"))
            place = self.random.choice(LOCALITIES)
            submitted_at = None if status == State.DRAFT else call.deadline - datetime.timedelta(minutes=self.random.randint(1, 20000))
            call_number = states_by_call.get(call.pk, 0) + (status != State.DRAFT)
            states_by_call[call.pk] = call_number
            rows.append(Application(
                call=call, organisation=organisation, operator_id=organisation.operator_id, status=status,
                reference=f"{PROGRAMME_CODE.upper()}-{call.year}-{call_number:04d}" if status != State.DRAFT else None,
                title=PROJECTS[sector].format(place=place), country=self.association_country[organisation.pk],
                locality=place, sector=sector, local_partner=f"Commune de {place}", beneficiaries_count=self.random.randint(50, 5000),
                beneficiaries="Femmes et jeunes du village", context="Le village manque d'équipements de base.",
                objectives="Améliorer durablement les conditions de vie.", activities="Construction, formation, suivi.",
                expected_results="Un équipement en service, géré par un comité local.", sustainability="Cotisations des usagers.",
                start_date=datetime.date(call.year + 1, 3, 1), duration_months=self.random.choice([12, 18, 24]),
                amount_requested=requested, own_funds=own, in_kind=kind, local_partner_funds=local,
                other_funders=total - requested - own - kind - local,
                awarded_amount=requested if status in {State.AWARDED, State.AGREEMENT_SIGNED, State.IN_PROGRESS, State.CLOSED} else None,
                submitted_at=submitted_at, last_saved_at=submitted_at or self.now,
            ))
        for call in self.calls_created:
            call.last_reference_number = states_by_call.get(call.pk, 0)
        Call.objects.bulk_update(self.calls_created, ["last_reference_number"])
        self.applications_created = in_batches(Application, rows)
        transitions = []
        for application in self.applications_created:
            total = application.funding_total
            amounts = [money(total * Decimal("0.5")), money(total * Decimal("0.3"))]
            amounts.append(total - sum(amounts))
            for position, (category, label) in enumerate(
                [("investment", "Travaux et équipements"), ("training", "Formation des bénéficiaires"), ("followup", "Suivi et restitution")]
            ):
                lines.append(BudgetLine(application=application, category=category, label=label, amount=amounts[position],
                                        unit_cost=amounts[position], position=position))
            at = application.submitted_at or self.now
            for step, (name, source, target) in enumerate(PATHS[application.status]):
                transitions.append(Transition(
                    application=application, name=name, from_state=source, to_state=target, at=at + datetime.timedelta(days=7 * step),
                    by=self.staff[0] if step else None, comment=COMMENTS.get(name, ""),
                ))
        in_batches(BudgetLine, lines)
        in_batches(Transition, transitions)
        self.transitions = len(transitions)

    # --- reviews and events (only if those apps are there) ----------------------------------------------

    def reviews(self, count):
        assignment_model, review_model = optional_model("reviews.ReviewAssignment"), optional_model("reviews.Review")
        score_model = optional_model("reviews.CriterionScore")
        reviewed = [a for a in self.applications_created if a.status in REVIEWED]
        if not (assignment_model and review_model and reviewed and count):
            return 0
        per_application = min(-(-count // len(reviewed)), 10)
        reviewers = in_batches(User, [
            self.user(f"evaluateur{n + 1}@{EMAIL_DOMAIN}", Role.REVIEWER) for n in range(max(per_application + 1, count // 500))
        ])
        assignments = []
        for i, application in enumerate(reviewed):
            for k in range(per_application):
                if len(assignments) >= count:
                    break
                assignments.append(assignment_model(application=application, reviewer=reviewers[(i + k) % len(reviewers)],
                                                    assigned_by=self.staff[0], assigned_at=application.submitted_at))
        assignments = in_batches(assignment_model, assignments)
        values = {a.pk: [self.random.randint(1, 5) for _ in CRITERIA] for a in assignments}
        reviews = in_batches(review_model, [
            review_model(
                assignment=a, recommendation="fund" if sum(values[a.pk]) >= 14 else "do_not_fund",
                comment="Projet cohérent, budget réaliste.", score=money(Decimal(sum(values[a.pk])) * 20 / (5 * len(CRITERIA))),
                submitted_at=a.assigned_at + datetime.timedelta(days=10),
            )
            for a in assignments
        ])
        if score_model:
            by_application = {a.pk: a.application.call_id for a in assignments}
            in_batches(score_model, [
                score_model(review=r, criterion=criterion, value=values[r.assignment_id][i])
                for r in reviews for i, criterion in enumerate(self.criteria[by_application[r.assignment_id]])
            ])
        return len(reviews)

    def events(self, count):
        event_model, registration_model = optional_model("events.Event"), optional_model("events.Registration")
        if not (event_model and count):
            return 0
        kinds = ["training", "workshop", "webinar", "jim", "general_assembly"]
        rows = []
        for n in range(count):
            city, region = self.random.choice(CITIES)
            starts = self.now + datetime.timedelta(days=self.random.randint(-365, 365), hours=self.random.randint(0, 8))
            rows.append(event_model(
                kind=kinds[n % len(kinds)], title=f"{['Formation au montage de projet', 'Atelier budget', 'Webinaire PRA/OSIM', 'Journée internationale des migrant·e·s', 'Assemblée générale'][n % 5]} — {city}",
                organiser=self.random.choice(self.operators), starts_at=starts, ends_at=starts + datetime.timedelta(hours=3),
                place=f"Maison des associations, {city}", city=city, region=region, capacity=self.random.choice([30, 60, 120, 250]),
                description="Rencontre du réseau FORIM.", created_by=self.staff[0],
            ))
        events = in_batches(event_model, rows)
        if registration_model:
            registrations = []
            for event in events:
                for organisation in self.random.sample(self.associations, min(10, len(self.associations))):
                    registrations.append(registration_model(
                        event=event, organisation=organisation, name=organisation.name[:200],
                        email=organisation.email, status="confirmed",
                    ))
            in_batches(registration_model, registrations)
        return len(events)
