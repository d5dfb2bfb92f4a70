"""Demo organisations taken from FORIM's own documents (shared/seeds). RNA numbers are fictional."""

import datetime

from django.core.files.base import ContentFile

from accounts.models import User

from .models import (
    ActionDomain,
    DocumentType,
    FranceAction,
    MemberRole,
    Membership,
    NetworkLink,
    Organisation,
    OrganisationDocument,
    OrganisationKind,
    OrganisationStatus,
)

ORGANISATIONS = [
    # key, kind, name, acronym, rna, city, postcode, region, extra
    ("forim", OrganisationKind.FORIM, "Forum des Organisations de Solidarité Internationale issues des Migrations", "FORIM", None, "Paris", "75011", "IDF", {}),
    ("cosim-bretagne", OrganisationKind.COSIM, "Collectif des OSIM de Bretagne", "COSIM Bretagne", "W353000101", "Rennes", "35000", "BRE", {}),
    ("cosim-ara", OrganisationKind.COSIM, "Collectif des OSIM Auvergne-Rhône-Alpes", "COSIM-ARA", "W691000102", "Lyon", "69007", "ARA", {}),
    ("cosim-om", OrganisationKind.COSIM, "Collectif des OSIM Occitanie-Méditerranée", "COSIM OM", "W343000103", "Montpellier", "34000", "OCC", {}),
    ("fosim-maroc", OrganisationKind.FOSIM, "Fédération des associations de la diaspora marocaine", "FEDIMA", "W751000104", "Paris", "75018", "IDF", {}),
    ("md", OrganisationKind.OPERATOR, "Migrations & Développement", "M&D", "W133000105", "Marseille", "13001", "PAC",
     {"intervention_countries": ["MA"], "label_since": datetime.date(2016, 1, 1), "covered_regions": ["PAC", "OCC", "IDF"],
      "covered_countries": ["MA", "DZ", "TN"]}),
    ("ccme", OrganisationKind.PARTNER, "Conseil de la Communauté Marocaine à l'Étranger", "CCME", None, "Rabat", "", "",
     {"cofinancing_offer": "Complément de 30 % du montant PRA/OSIM accordé aux projets d'associations de la diaspora "
                           "marocaine au Maroc (partenariat 2017-2019).", "cofinancing_rate": 30}),
    ("amf", OrganisationKind.OSIM, "Association des Marocains en France", "AMF", "W751000201", "Paris", "75010", "IDF",
     {"diaspora_countries": ["MA"], "intervention_countries": ["MA"], "sectors": ["water", "education"], "board_migrant_share": 80}),
    ("pafha", OrganisationKind.OSIM, "Plateforme des associations franco-haïtiennes", "PAFHA", "W751000202", "Paris", "75019", "IDF",
     {"diaspora_countries": ["HT"], "intervention_countries": ["HT"], "sectors": ["social"], "board_migrant_share": 75}),
    ("capcos", OrganisationKind.OSIM, "Collectif des associations pour la promotion de la cohésion sociale", "CAPCOS", "W781000203", "Houdan", "78550", "IDF",
     {"diaspora_countries": ["SN", "ML"], "intervention_countries": ["SN"], "sectors": ["economy"], "board_migrant_share": 60}),
    ("rame", OrganisationKind.OSIM, "Réseau d'accompagnement des migrants vers l'emploi", "RAME", "W352000204", "Rennes", "35200", "BRE",
     {"diaspora_countries": ["CM"], "intervention_countries": ["CM"], "sectors": ["economy"], "board_migrant_share": 70}),
]

MEMBERSHIPS = [
    ("association@example.org", "amf", MemberRole.ADMIN),
    ("association@example.org", "rame", MemberRole.MEMBER),
    ("association2@example.org", "pafha", MemberRole.ADMIN),
    ("operateur@example.org", "md", MemberRole.ADMIN),
    ("partenaire@example.org", "ccme", MemberRole.ADMIN),
    ("coordination@example.org", "cosim-bretagne", MemberRole.ADMIN),
    ("instruction@example.org", "forim", MemberRole.MEMBER),
    ("admin@example.org", "forim", MemberRole.ADMIN),
]

NETWORK = [("amf", "fosim-maroc"), ("rame", "cosim-bretagne"), ("capcos", "cosim-ara"), ("pafha", "cosim-om")]

# A registration waiting for FORIM's decision, so the staff home and the validation page have something to show.
PENDING = ("kassoumai", OrganisationKind.OSIM, "Association Kassoumaï pour le développement de la Casamance", "AKDC",
           "W352000205", "Rennes", "35200", "BRE",
           {"diaspora_countries": ["SN"], "intervention_countries": ["SN"], "sectors": ["health"], "board_migrant_share": 65})

# Annex of seed 002: actions of the members in France (organisation, title, domain, objectives, results, city, QPV).
ACTIONS = [
    ("amf", "Forum d'accès aux droits et de lutte contre les discriminations", ActionDomain.RIGHTS,
     "Accompagner les personnes vulnérables, quelle que soit leur origine.",
     "Un suivi permanent du public, un accompagnement qui aboutit à des résultats positifs.", "Paris", "Château-Rouge"),
    ("amf", "Colloque euro-méditerranéen sur l'impact du covid sur les femmes vulnérables dans les 2 rives", ActionDomain.SOLIDARITY,
     "Un colloque euro-méditerranéen avec plusieurs organisations féministes et d'accès aux droits de tout le pourtour Euromed.",
     "Une alliance d'associations de femmes qui continuent à travailler ensemble.", "Paris", ""),
    ("capcos", "Activités d'animation culturelle à la 95e foire de la Saint-Matthieu à Houdan", ActionDomain.CITIZENSHIP,
     "Participer à la vie de la ville avec les autorités locales ; rassembler tous les publics pour favoriser le vivre "
     "ensemble ; montrer la contribution des populations issues des migrations aux richesses culturelles, sociales et "
     "économiques du pays.",
     "Publics enthousiastes, autorités locales satisfaites, qui demandent à nous associer aux éditions suivantes.", "Houdan", ""),
    ("capcos", "Forum de la société civile africaine à Épinay-sur-Seine", ActionDomain.CULTURE,
     "Créer des synergies entre associations des diasporas africaines et avec la ville et le département, pour des "
     "actions ici et là-bas ; vivre un moment festif tous ensemble.",
     "Publics et autorités satisfaits ; des associations qui ne se connaissaient pas participent désormais aux actions "
     "les unes des autres.", "Épinay-sur-Seine", ""),
    ("cosim-bretagne", "Alphabétisation", ActionDomain.LITERACY,
     "Favoriser l'autonomie des personnes ; faciliter leur intégration culturelle, sociale ou professionnelle.",
     "Les participants s'expriment aisément, suivent des parcours pour mieux connaître la France et ses institutions, "
     "se forment pour porter des projets de budgets participatifs et témoignent pour motiver des primo-arrivants.",
     "Rennes", "Le Blosne"),
    ("cosim-bretagne", "Accompagnement administratif pour l'accès aux droits", ActionDomain.RIGHTS,
     "Faciliter l'accès des personnes à leurs droits fondamentaux ; sensibiliser aux violences faites aux femmes, aux "
     "préjugés et aux discriminations.",
     "Les participants comprennent que la loi protège et punit, et la différence entre un préjugé et une certitude.",
     "Rennes", "Villejean-Beauregard"),
    ("cosim-om", "Lutte contre la fracture numérique", ActionDomain.DIGITAL,
     "Accompagner les personnes vers l'autonomie et une insertion durable.",
     "Taux d'insertion sur un parcours professionnel cohérent.", "Montpellier", "La Mosson"),
    ("cosim-om", "Ateliers sociolinguistiques", ActionDomain.EMPLOYMENT,
     "Accompagnement pour une insertion durable.", "Insertion sociale.", "Montpellier", "Petit Bard"),
    ("cosim-ara", "Campagne des 10 mythes sur les migrations", ActionDomain.DISCRIMINATION,
     "Déconstruire les idées reçues sur les migrations et amener le public à changer de regard.",
     "Changement de point de vue sur les migrations ; envie de certains migrants de s'engager dans des activités citoyennes.",
     "Vaulx-en-Velin", ""),
    ("cosim-ara", "Accueil et accompagnement des étudiants étrangers", ActionDomain.CITIZENSHIP,
     "Déconstruire les idées reçues sur les migrations et accompagner les étudiants étrangers.",
     "Volonté de mieux connaître les réalités des migrations ; engagement citoyen de certains étudiants.", "Lyon", ""),
    ("pafha", "Distribution de kits alimentaires", ActionDomain.SOLIDARITY,
     "Distribuer des kits alimentaires aux plus démunis.", "Alimentation et protections hygiéniques distribuées.",
     "Paris", "Paris 19e"),
    ("pafha", "Journée portes ouvertes des associations", ActionDomain.ASSOCIATIVE,
     "Formation, informatique, information et culture.", "Solidarité, éducation et information du public.", "Paris", ""),
    ("rame", "Accompagnement des personnes dans leur processus d'insertion", ActionDomain.EMPLOYMENT,
     "Aider les personnes à trouver une formation ou un emploi.",
     "Beaucoup trouvent une formation ou un emploi grâce à notre accompagnement.", "Rennes", "Cleunay"),
    ("rame", "Formations pour renforcer les capacités des OSIM", ActionDomain.ASSOCIATIVE,
     "Organiser des formations pour renforcer les capacités de nos OSIM.",
     "Les OSIM gagnent en compétences : montage de projet, vie associative.", "Rennes", ""),
]

# A tiny but real PDF, so the vault's demo documents open.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
VAULT = [
    ("amf", DocumentType.STATUTES, 2019, None),
    ("amf", DocumentType.REGISTRATION_RECEIPT, 2008, None),
    ("amf", DocumentType.GENERAL_ASSEMBLY, 2025, None),
    ("amf", DocumentType.ACCOUNTS, 2025, None),
    ("amf", DocumentType.BANK_DETAILS, 2024, None),
    ("kassoumai", DocumentType.STATUTES, 2024, None),
    ("kassoumai", DocumentType.REGISTRATION_RECEIPT, 2024, None),
]


def load():
    organisations = {}
    for key, kind, name, acronym, rna, city, postcode, region, extra in [*ORGANISATIONS, PENDING]:
        lookup = {"rna": rna} if rna else {"name": name}
        status = OrganisationStatus.PENDING if key == PENDING[0] else OrganisationStatus.VALIDATED
        organisation, _ = Organisation.objects.get_or_create(
            **lookup,
            defaults={
                "kind": kind, "name": name, "acronym": acronym, "city": city, "postcode": postcode,
                "region": region, "status": status, "department": postcode[:2],
                "created_on": datetime.date(2008, 3, 15), "email": f"contact-{key}@example.org", **extra,
            },
        )
        organisations[key] = organisation
    for key in ("amf", "pafha", "rame"):
        if organisations[key].operator_id is None:
            organisations[key].operator = organisations["md"]
            organisations[key].save(update_fields=["operator"])
    for member, network in NETWORK:
        NetworkLink.objects.get_or_create(
            member=organisations[member], network=organisations[network], defaults={"since": datetime.date(2015, 1, 1)}
        )
    for email, key, role in MEMBERSHIPS:
        user = User.objects.get(email=email)
        Membership.objects.get_or_create(user=user, organisation=organisations[key], defaults={"role": role})
    for key, title, domain, objectives, results, city, neighbourhood in ACTIONS:
        organisation = organisations[key]
        FranceAction.objects.get_or_create(
            organisation=organisation, title=title,
            defaults={
                "domain": domain, "objectives": objectives, "results": results, "city": city, "year": 2023,
                "region": organisation.region, "in_qpv": bool(neighbourhood), "neighbourhood": neighbourhood,
            },
        )
    for key, doc_type, year, valid_until in VAULT:
        organisation = organisations[key]
        if not OrganisationDocument.objects.filter(organisation=organisation, doc_type=doc_type).exists():
            document = OrganisationDocument(
                organisation=organisation, doc_type=doc_type, year=year, valid_until=valid_until,
                original_name=f"{doc_type}-{year}.pdf", size=len(DEMO_PDF),
            )
            document.file.save(f"{doc_type}-{year}.pdf", ContentFile(DEMO_PDF), save=False)
            document.save()
    return organisations
