"""Demo accounts: one per role, all with the same password, printed by `make run`."""

from .models import Role, User

DEMO_PASSWORD = "forim-demo-2026"

DEMO_USERS = [
    # email, first name, last name, role
    ("admin@example.org", "Amadou", "Sow", Role.ADMIN),
    ("instruction@example.org", "Mariam", "Koné", Role.STAFF),
    ("association@example.org", "Karim", "Benali", Role.APPLICANT),
    ("association2@example.org", "Fatou", "Ndiaye", Role.APPLICANT),
    ("evaluateur@example.org", "Jean", "Dupont", Role.REVIEWER),
    ("evaluatrice@example.org", "Nadia", "Haddad", Role.REVIEWER),
    ("operateur@example.org", "Hassan", "El Idrissi", Role.OPERATOR),
    ("partenaire@example.org", "Leïla", "Amrani", Role.PARTNER),
    ("coordination@example.org", "Yvonne", "Le Gall", Role.COORDINATOR),
]


def load():
    users = {}
    for email, first_name, last_name, role in DEMO_USERS:
        user, created = User.objects.get_or_create(
            email=email, defaults={"first_name": first_name, "last_name": last_name, "role": role}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.is_superuser = role == Role.ADMIN
            user.save()
        users[email] = user
    return users
