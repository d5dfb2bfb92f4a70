"""The follow-up section of a funded dossier's page (grants' page; this app fills it, see `grants.panels`).

After the award it is the association's one place: the awarded amount, the agreement (to
download, to return signed), the payment schedule, the reports due and the diploma. Only
those who see the private dossier get it (never a partner: its view is the follow-up page).
"""

from access.permissions import has_perm
from grants.states import FUNDED_STATES, State

from .forms import SignedAgreementForm
from .selectors import schedule


def follow_up_panel(request, application):
    if application.status not in FUNDED_STATES or not has_perm(request.user, "awards.view_private", application):
        return None
    agreement = getattr(application, "agreement", None)
    may_return = (
        application.status == State.AWARDED
        and agreement is not None
        and has_perm(request.user, "grants.change_application", application)
    )
    return {
        "template": "awards/dossier_panel.html",
        "agreement": agreement,
        "tranches": schedule(application),
        "reports": list(application.reports.all()),
        "return_form": SignedAgreementForm() if may_return else None,
        "may_write_reports": has_perm(request.user, "awards.edit_report", application),
    }


def register():
    from grants.panels import add_dossier_panel

    add_dossier_panel(follow_up_panel, order=10)
