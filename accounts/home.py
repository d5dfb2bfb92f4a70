"""What each role's home page shows. Apps add their part through `home_sections`.

A section is a function `(request) -> dict | None` returning `{"title", "template", ...}`;
it returns None when it has nothing for this user. Keeping the list here, not in the
view, lets each app own its part of the page.
"""

from django.utils.module_loading import import_string

from .models import Role

HOME_SECTIONS = {
    Role.APPLICANT: ["grants.home.applicant_section", "events.home.upcoming_section"],
    Role.STAFF: ["grants.home.staff_section", "awards.home.staff_section", "members.home.staff_section", "events.home.upcoming_section"],
    Role.ADMIN: ["grants.home.staff_section", "awards.home.staff_section", "members.home.staff_section", "events.home.upcoming_section"],
    Role.REVIEWER: ["reviews.home.reviewer_section"],
    Role.OPERATOR: ["reviews.home.operator_section", "support.home.operator_section", "events.home.upcoming_section"],
    Role.PARTNER: ["awards.home.partner_section"],
    Role.COORDINATOR: ["members.home.coordinator_section", "events.home.upcoming_section"],
}


def home_sections(request):
    role = Role.ADMIN if request.user.is_superuser else request.user.role
    sections = []
    for path in HOME_SECTIONS.get(role, []):
        try:
            provider = import_string(path)
        except ImportError:
            continue
        section = provider(request)
        if section:
            sections.append(section)
    return sections
