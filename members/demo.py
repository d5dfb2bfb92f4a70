"""Demo organisations taken from FORIM's own documents (shared/seeds). RNA numbers are fictional."""

import datetime

from accounts.models import User

from .models import MemberRole, Membership, NetworkLink, Organisation, OrganisationKind, OrganisationStatus

ORGANISATIONS = [
    # key, kind, name, acronym, rna, city, postcode, region, extra
    ("forim", OrganisationKind.FORIM, "Forum des Organisations de Solidarité Internationale issues des Migrations", "FORIM", None, "Paris", "75011", "IDF", {}),
    ("cosim-bretagne", OrganisationKind.COSIM, "Collectif des OSIM de Bretagne", "COSIM Bretagne", "W353000101", "Rennes", "35000", "BRE", {}),
    ("cosim-ara", OrganisationKind.COSIM, "Collectif des OSIM Auvergne-Rhône-Alpes", "COSIM-ARA", "W691000102", "Lyon", "69007", "ARA", {}),
    ("cosim-om", OrganisationKind.COSIM, "Collectif des OSIM Occitanie-Méditerranée", "COSIM OM", "W343000103", "Montpellier", "34000", "OCC", {}),
    ("fosim-maroc", OrganisationKind.FOSIM, "Fédération des associations de la diaspora marocaine", "FEDIMA", "W751000104", "Paris", "75018", "IDF", {}),
    ("md", OrganisationKind.OPERATOR, "Migrations & Développement", "M&D", "W133000105", "Marseille", "13001", "PAC",
     {"intervention_countries": ["MA"]}),
    ("ccme", OrganisationKind.PARTNER, "Conseil de la Communauté Marocaine à l'Étranger", "CCME", None, "Rabat", "", "", {}),
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


def load():
    organisations = {}
    for key, kind, name, acronym, rna, city, postcode, region, extra in ORGANISATIONS:
        lookup = {"rna": rna} if rna else {"name": name}
        organisation, _ = Organisation.objects.get_or_create(
            **lookup,
            defaults={
                "kind": kind, "name": name, "acronym": acronym, "city": city, "postcode": postcode,
                "region": region, "status": OrganisationStatus.VALIDATED,
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
    return organisations
