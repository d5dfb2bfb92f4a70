"""Pages of the registry. They parse input, call `members.services` / `members.selectors` and render."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access import visibility
from access.permissions import check_staff, has_perm, require, visible_or_404
from accounts.models import Role
from forim_portal.errors import DomainError
from forim_portal.exports import export_response
from forim_portal.options import read_for_form
from forim_portal.paging import CountedPaginator
from forim_portal.uploads import serve_file

from . import importer, services, tally
from .countries import country_names
from .exports import ACTION_COLUMNS, ORGANISATION_COLUMNS
from .filters import FranceActionFilter, OrganisationFilter
from .forms import (
    AcceptInvitationForm,
    AccountFields,
    DocumentForm,
    FranceActionForm,
    ImportForm,
    InvitationForm,
    NetworkLinkForm,
    OrganisationForm,
    RegistrationDocuments,
    RejectForm,
)
from .models import (
    FranceAction,
    Invitation,
    MemberRole,
    Membership,
    NetworkLink,
    Organisation,
    OrganisationKind,
)
from .organisation_fields import clean_organisation_data
from .selectors import (
    actions_queryset,
    can_apply,
    directory_page_rows,
    directory_queryset,
    with_directory_texts,
    with_member_counts,
)

PAGE_SIZE = 50
IMPORT_SESSION_KEY = "members_import"
BACKEND = "accounts.backends.ModelBackend"


def _form_error(form, error):
    """Show a refused rule on the form (each refused field when the service names several), keeping what was typed."""
    for field, message in getattr(error, "errors", {error.field: error.message}).items():
        form.add_error(field if field in form.fields else None, message)


def _visible_or_404(request, pk):
    return visible_or_404(visibility.organisations(request.user), pk=pk)


def _require_network_viewer(user):
    """The directory and the actions list are for FORIM staff and network coordinators."""
    if not (visibility.is_staff(user) or user.role == Role.COORDINATOR):
        raise PermissionDenied(_("Cette liste est réservée à l'équipe du FORIM et aux coordinateurs de réseau."))


# --- registration -----------------------------------------------------------------------------------


def register(request):
    """An association signs up: its details, its first administrator, its statutes and receipt."""
    anonymous = not request.user.is_authenticated
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    org_form = OrganisationForm(data, kind=OrganisationKind.OSIM, prefix="org")
    account_form = AccountFields(data, prefix="account") if anonymous else None
    documents_form = RegistrationDocuments(data, files, prefix="docs")
    if request.method == "POST":
        forms_ok = [org_form.is_valid(), documents_form.is_valid(), account_form.is_valid() if account_form else True]
        if forms_ok[0] and not all(forms_ok):  # show the registry's refusals now too, not after the files are fixed
            try:
                clean_organisation_data(data=org_form.changes())
            except DomainError as error:
                _form_error(org_form, error)
        if all(forms_ok):
            account = None
            if anonymous:
                account = {
                    "email": account_form.cleaned_data["account_email"], "password": account_form.cleaned_data["password"],
                    "first_name": account_form.cleaned_data["first_name"], "last_name": account_form.cleaned_data["last_name"],
                }
            try:
                organisation, user = services.register_organisation(
                    data=org_form.changes(), statutes=documents_form.cleaned_data["statutes"],
                    receipt=documents_form.cleaned_data["receipt"], user=None if anonymous else request.user, account=account,
                )
            except DomainError as error:
                if error.field == "email" and account_form:
                    account_form.add_error("account_email", error.message)
                else:
                    _form_error(org_form, error)
            else:
                documents_form.discard_kept()
                if anonymous:
                    login(request, user, backend=BACKEND)
                request.session["active_organisation_id"] = organisation.pk
                messages.success(
                    request,
                    _("Merci ! L'inscription de l'association « %(name)s » est enregistrée. L'équipe du FORIM va la vérifier ; "
                      "vous recevrez un e-mail dès qu'elle sera validée.") % {"name": organisation},
                )
                return redirect("members:my_organisation")
        documents_form.keep_uploads()  # refused: the files already sent are not asked for again
    return render(
        request, "members/register.html",
        {
            "org_form": org_form, "account_form": account_form, "documents_form": documents_form,
            "forms": [org_form, account_form, documents_form],
        },
        status=400 if request.method == "POST" else 200,
    )


# --- organisation pages -----------------------------------------------------------------------------


def _organisation_context(request, organisation):
    user = request.user
    context = {
        "organisation": organisation,
        "can_change": has_perm(user, "members.change_organisation", organisation),
        "can_see_people": has_perm(user, "members.view_people", organisation),
        "can_manage_people": has_perm(user, "members.manage_people", organisation),
        "can_see_documents": has_perm(user, "members.view_documents", organisation),
        "can_edit_documents": has_perm(user, "members.change_documents", organisation),
        "can_edit_actions": has_perm(user, "members.edit_actions", organisation),
        "is_staff": visibility.is_staff(user),
        "network_links": organisation.network_links.select_related("network").order_by("network__name"),
        "actions": organisation.france_actions.order_by("-year", "title"),
        "apply": can_apply(organisation),
        "role_choices": MemberRole.choices,
    }
    if organisation.kind in (OrganisationKind.FOSIM, OrganisationKind.COSIM):
        context["network_members"] = NetworkLink.objects.filter(network=organisation).select_related("member").order_by(
            "member__name"
        )
    if organisation.kind == OrganisationKind.OPERATOR:
        context["accompanied"] = organisation.accompanied.order_by("name")
    if context["can_see_people"]:
        context["memberships"] = organisation.memberships.select_related("user").order_by("user__last_name", "user__email")
    if context["can_manage_people"]:
        context["invitations"] = [i for i in organisation.invitations.all() if i.is_open]
        context["invitation_form"] = InvitationForm()
    if context["can_see_documents"]:
        from .selectors import current_documents

        current_ids = {document.pk for document in current_documents(organisation).values()}
        documents = list(organisation.documents.select_related("uploaded_by"))
        for document in documents:
            document.is_current = document.pk in current_ids
        context["documents"] = documents
    if context["can_change"]:
        context["link_form"] = NetworkLinkForm()
    if context["is_staff"]:
        context["reject_form"] = RejectForm()
    context["applications"] = visibility.applications(user, queryset=organisation.applications.select_related("call"))[:20]
    return context


@login_required
def my_organisation(request):
    organisation = request.organisation
    if not organisation:
        return render(request, "members/no_organisation.html")
    return render(request, "members/organisation_detail.html", {**_organisation_context(request, organisation), "mine": True})


@login_required
def organisation_detail(request, pk):
    organisation = _visible_or_404(request, pk)
    return render(request, "members/organisation_detail.html", _organisation_context(request, organisation))


@login_required
def organisation_edit(request, pk):
    organisation = _visible_or_404(request, pk)
    require(request.user, "members.change_organisation", organisation)
    staff = visibility.is_staff(request.user)
    form = OrganisationForm(request.POST or None, instance=organisation, staff=staff)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_organisation(organisation=organisation, by=request.user, data=form.changes())
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("La fiche de l'organisation est enregistrée."))
            return redirect("members:organisation_detail", pk=organisation.pk)
    return render(
        request, "members/organisation_form.html", {"form": form, "organisation": organisation},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def organisation_validate(request, pk):
    organisation = _visible_or_404(request, pk)
    services.validate_organisation(organisation=organisation, by=request.user)
    messages.success(request, _("%(name)s est validée ; ses administrateurs sont prévenus par e-mail.") % {"name": organisation})
    return redirect("members:organisation_detail", pk=pk)


@login_required
@require_POST
def organisation_reject(request, pk):
    organisation = _visible_or_404(request, pk)
    check_staff(request.user)  # before reading the form: only staff decide on a registration
    form = RejectForm(request.POST)
    if form.is_valid():
        services.reject_organisation(organisation=organisation, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("L'inscription est refusée ; le motif est envoyé par e-mail."))
        return redirect("members:organisation_detail", pk=pk)
    context = _organisation_context(request, organisation)
    context["reject_form"] = form
    return render(request, "members/organisation_detail.html", context, status=400)


@login_required
def organisation_history(request, pk):
    organisation = _visible_or_404(request, pk)
    check_staff(request.user)
    records = list(organisation.history.select_related("history_user").order_by("-history_date", "-history_id")[:100])
    entries = []
    for record, previous in zip(records, [*records[1:], None], strict=True):
        changes = []
        if previous is not None:
            for change in record.diff_against(previous).changes:
                field = Organisation._meta.get_field(change.field)
                changes.append(
                    {"field": field.verbose_name, "old": readable(field, change.old), "new": readable(field, change.new)}
                )
        entries.append({"record": record, "changes": changes})
    return render(request, "members/history.html", {"organisation": organisation, "entries": entries})


def readable(field, value):
    """A history value as staff read it: labels for choices, names for links and countries."""
    if value in (None, "", []):
        return "—"
    if field.is_relation:
        target = field.related_model.objects.filter(pk=value).first()
        return str(target) if target else f"#{value}"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.name.endswith("_countries"):
        codes = [getattr(code, "code", code) for code in (value.split(",") if isinstance(value, str) else value)]
        return ", ".join(country_names(codes))
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


@login_required
@require_POST
def network_link_add(request, pk):
    organisation = _visible_or_404(request, pk)
    form = NetworkLinkForm(request.POST)
    if form.is_valid():
        services.add_network_link(organisation=organisation, by=request.user, **form.cleaned_data)
        messages.success(request, _("Adhésion enregistrée."))
    else:
        messages.error(request, _("Choisissez une fédération ou un collectif."))
    return redirect("members:organisation_detail", pk=pk)


@login_required
@require_POST
def network_link_remove(request, pk, link_pk):
    organisation = _visible_or_404(request, pk)
    link = get_object_or_404(NetworkLink, pk=link_pk, member=organisation)
    services.remove_network_link(link=link, by=request.user)
    messages.success(request, _("Adhésion retirée."))
    return redirect("members:organisation_detail", pk=pk)


# --- people -----------------------------------------------------------------------------------------


@login_required
@require_POST
def invite(request, pk):
    organisation = _visible_or_404(request, pk)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.invite_member(organisation=organisation, by=request.user, **form.cleaned_data)
        except DomainError as error:
            if error.status == 403:
                raise
            messages.error(request, error.message)
        else:
            messages.success(request, _("Invitation envoyée à %(email)s.") % {"email": invitation.email})
    else:
        messages.error(request, _("Indiquez une adresse e-mail valide."))
    return redirect(reverse("members:organisation_detail", args=[pk]) + "#people")


@login_required
@require_POST
def invitation_revoke(request, pk, invitation_pk):
    organisation = _visible_or_404(request, pk)
    invitation = get_object_or_404(Invitation, pk=invitation_pk, organisation=organisation)
    services.revoke_invitation(invitation=invitation, by=request.user)
    messages.success(request, _("Invitation annulée."))
    return redirect(reverse("members:organisation_detail", args=[pk]) + "#people")


@login_required
@require_POST
def member_update(request, pk, membership_pk):
    organisation = _visible_or_404(request, pk)
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=membership_pk, organisation=organisation)
    try:
        if request.POST.get("remove"):
            services.remove_member(membership=membership, by=request.user)
            messages.success(request, _("%(user)s n'agit plus pour l'organisation.") % {"user": membership.user})
        else:
            services.change_member_role(membership=membership, by=request.user, role=request.POST.get("role", ""))
            messages.success(request, _("Rôle modifié : %(user)s.") % {"user": membership.user})
    except DomainError as error:
        if error.status == 403:
            raise
        messages.error(request, error.message)
    if membership.user_id == request.user.pk and request.POST.get("remove"):
        return redirect("accounts:home")
    return redirect(reverse("members:organisation_detail", args=[pk]) + "#people")


def invitation(request, token):
    """The link of an invitation e-mail: accept with the invited account, or create it."""
    invitation = services.open_invitation(token)
    form = None
    existing = False
    if not request.user.is_authenticated:
        from django.contrib.auth import get_user_model

        existing = get_user_model().objects.filter(email__iexact=invitation.email).exists()
        if not existing:
            form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST":
        if form is not None and not form.is_valid():
            return render(request, "members/invitation.html", {"invitation": invitation, "form": form})
        if existing:
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        organisation, user = services.accept_invitation(
            token=token, user=request.user if request.user.is_authenticated else None,
            account=form.cleaned_data if form is not None else None,
        )
        if not request.user.is_authenticated:
            login(request, user, backend=BACKEND)
        request.session["active_organisation_id"] = organisation.pk
        messages.success(request, _("Bienvenue ! Vous agissez maintenant pour %(name)s.") % {"name": organisation})
        return redirect("members:my_organisation")
    return render(request, "members/invitation.html", {"invitation": invitation, "form": form, "existing": existing})


# --- document vault ---------------------------------------------------------------------------------


@login_required
def document_add(request, pk):
    organisation = _visible_or_404(request, pk)
    require(request.user, "members.change_documents", organisation)
    form = DocumentForm(request.POST or None, request.FILES or None, initial={"doc_type": request.GET.get("type")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.add_document(
            organisation=organisation, by=request.user, doc_type=data["doc_type"], upload=data["file"],
            year=data.get("year"), valid_until=data.get("valid_until"), title=data.get("title", ""),
        )
        messages.success(request, _("Document ajouté au coffre-fort."))
        return redirect(reverse("members:organisation_detail", args=[pk]) + "#documents")
    return render(request, "members/document_form.html", {"form": form, "organisation": organisation})


def _document_or_404(request, document_pk):
    return visible_or_404(visibility.organisation_documents(request.user).select_related("organisation"), pk=document_pk)


@login_required
def document_download(request, document_pk):
    document = _document_or_404(request, document_pk)
    return serve_file(document.file, filename=document.original_name or None)


@login_required
@require_POST
def document_delete(request, document_pk):
    document = _document_or_404(request, document_pk)
    services.delete_document(document=document, by=request.user)
    messages.success(request, _("Document supprimé."))
    return redirect(reverse("members:organisation_detail", args=[document.organisation_id]) + "#documents")


# --- actions in France ------------------------------------------------------------------------------


@login_required
def action_form(request, pk, action_pk=None):
    organisation = _visible_or_404(request, pk)
    action = get_object_or_404(FranceAction, pk=action_pk, organisation=organisation) if action_pk else None
    require(request.user, "members.edit_actions", organisation)
    form = FranceActionForm(request.POST or None, instance=action, initial={"region": organisation.region, "city": organisation.city})
    if request.method == "POST" and form.is_valid():
        fields = form.cleaned_data
        services.save_action(organisation=organisation, by=request.user, data=fields, action=action)
        messages.success(request, _("Action enregistrée."))
        return redirect(reverse("members:organisation_detail", args=[pk]) + "#actions")
    return render(
        request, "members/action_form.html", {"form": form, "organisation": organisation, "action": action},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def action_delete(request, pk, action_pk):
    organisation = _visible_or_404(request, pk)
    action = get_object_or_404(FranceAction, pk=action_pk, organisation=organisation)
    services.delete_action(action=action, by=request.user)
    messages.success(request, _("Action supprimée."))
    return redirect(reverse("members:organisation_detail", args=[pk]) + "#actions")


# --- lists ------------------------------------------------------------------------------------------


def _list_page(
    request, *, queryset, filterset_class, columns, filename, template, title, exported=None, shown=None, described=None,
    known_count=None,
):
    """A filtered list with its exports. `exported(rows)`: what an export reads; `shown(rows)`: what a page reads
    (cut into pages by the database); `described(page rows)`: those rows, given the texts they show;
    `known_count(request)`: the list's total when it is kept elsewhere, else None (the paginator counts)."""
    filterset = filterset_class(request.GET or None, queryset=queryset, request=request)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
    export = request.GET.get("export")
    if export:
        return export_response(exported(rows) if exported else rows, columns, filename=filename, fmt=export, title=title)
    count = known_count(request) if known_count else None
    page = CountedPaginator(shown(rows) if shown else rows, PAGE_SIZE, count=count).get_page(request.GET.get("page"))
    if described:
        page.object_list = described(page.object_list)  # for this page's rows only
    query = request.GET.copy()
    query.pop("page", None)
    more_filters = any(value for key, value in request.GET.items() if key not in ("q", "page", "export"))
    read_for_form(filterset.form)  # the selects listing organisations: from the cache until one changes
    return render(
        request, template, {"filter": filterset, "page": page, "query": query.urlencode(), "more_filters": more_filters}
    )


@login_required
def directory(request):
    _require_network_viewer(request.user)
    return _list_page(
        request, queryset=directory_queryset(request.user), filterset_class=OrganisationFilter,
        columns=ORGANISATION_COLUMNS, filename="reseau-forim", template="members/directory.html", title=_("Réseau"),
        exported=with_member_counts, shown=directory_page_rows,
        described=with_directory_texts, known_count=lambda request: tally.directory_count(request.user, request.GET),
    )


@login_required
def actions(request):
    _require_network_viewer(request.user)
    return _list_page(
        request, queryset=actions_queryset(request.user), filterset_class=FranceActionFilter,
        columns=ACTION_COLUMNS, filename="actions-en-france", template="members/actions.html", title=_("Actions en France"),
    )


# --- import -----------------------------------------------------------------------------------------


@login_required
def import_members(request):
    """Upload a list, see what each row would do, then confirm (all rows, or only the valid ones if asked)."""
    check_staff(request.user)
    form = ImportForm()
    stored = request.session.get(IMPORT_SESSION_KEY)
    if request.method == "POST" and "confirm" in request.POST and stored:
        try:
            counts = importer.apply_import(
                raw_rows=stored["rows"], by=request.user, allow_partial=bool(request.POST.get("allow_partial"))
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            del request.session[IMPORT_SESSION_KEY]
            messages.success(
                request,
                _("Import terminé : %(create)s créée(s), %(update)s mise(s) à jour, %(unchanged)s inchangée(s), "
                  "%(error)s ligne(s) ignorée(s).") % counts,
            )
            return redirect("members:directory")
    elif request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                rows = importer.read_table(form.cleaned_data["file"])
            except DomainError as error:
                form.add_error("file", error.message)
            else:
                stored = {"rows": rows, "name": form.cleaned_data["file"].name}
                request.session[IMPORT_SESSION_KEY] = stored
                return redirect("members:import")
    checks = importer.check_rows(stored["rows"]) if stored else None
    return render(
        request, "members/import.html",
        {"form": form, "checks": checks, "counts": importer.summary(checks) if checks else None,
         "file_name": stored["name"] if stored else ""},
    )


@login_required
@require_POST
def import_cancel(request):
    request.session.pop(IMPORT_SESSION_KEY, None)
    return redirect("members:import")
