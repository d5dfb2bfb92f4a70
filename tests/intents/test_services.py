"""The two-stage call through its services: deadline, one statement per association, the call's limits,
staff's audited decision with its e-mail, and the full dossier only for the pre-selected, pre-filled."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from forim_portal.errors import Conflict, DomainError
from grants.models import Application, Call
from grants.services import check_call, start_application
from intents import services
from intents.eligibility import check_statement
from intents.models import IntentStatus, StatementOfIntent
from lifecycle.engine import machine_for
from members.models import OrganisationStatus
from tests.factories import CallFactory

from .conftest import GOOD, statement

pytestmark = pytest.mark.django_db


def written(call, association, applicant):
    draft = services.start_statement(call=call, organisation=association, by=applicant)
    return services.save_statement(statement=draft, by=applicant, **GOOD)


def submitted(call, association, applicant):
    return services.submit_statement(statement=written(call, association, applicant), by=applicant)


def test_an_association_writes_and_submits_its_statement_with_an_audit_row(call, association, applicant):
    draft = services.start_statement(call=call, organisation=association, by=applicant)
    assert draft.status == IntentStatus.DRAFT and draft.created_by == applicant
    services.save_statement(statement=draft, by=applicant, **{**GOOD, "estimated_total": "200 000,00"})
    services.submit_statement(statement=draft, by=applicant)
    draft.refresh_from_db()
    assert draft.status == IntentStatus.SUBMITTED and draft.submitted_at is not None
    assert draft.estimated_total == Decimal("200000.00")
    [row] = machine_for(draft).history(draft)
    assert (row.transition, row.from_state, row.to_state, row.by) == ("submit", "draft", "submitted", applicant)


def test_statements_only_between_the_opening_and_the_intent_deadline(call, association, applicant):
    draft = written(call, association, applicant)
    Call.objects.filter(pk=call.pk).update(intent_deadline=timezone.now() - datetime.timedelta(minutes=1))
    draft.refresh_from_db()
    with pytest.raises(DomainError) as refused:
        services.submit_statement(statement=draft, by=applicant)
    assert refused.value.code == "intent_deadline_passed" and "date limite des manifestations" in refused.value.message
    with pytest.raises(DomainError) as refused:
        services.save_statement(statement=StatementOfIntent.objects.get(pk=draft.pk), by=applicant, title="Autre")
    assert refused.value.code == "intent_stage_closed"
    assert StatementOfIntent.objects.get(pk=draft.pk).status == IntentStatus.DRAFT


def test_a_single_stage_call_takes_no_statement(association, applicant):
    with pytest.raises(DomainError) as refused:
        services.start_statement(call=CallFactory(), organisation=association, by=applicant)
    assert refused.value.code == "single_stage"
    assert not StatementOfIntent.objects.exists()


def test_one_statement_per_association_and_call(call, association, applicant):
    first = services.start_statement(call=call, organisation=association, by=applicant)
    assert services.start_statement(call=call, organisation=association, by=applicant) == first
    services.save_statement(statement=first, by=applicant, **GOOD)
    services.submit_statement(statement=first, by=applicant)
    with pytest.raises(Conflict) as refused:
        services.start_statement(call=call, organisation=association, by=applicant)
    assert refused.value.code == "one_per_association" and refused.value.status == 409
    services.withdraw_statement(statement=first, by=applicant, comment="Projet mal ciblé")
    second = services.start_statement(call=call, organisation=association, by=applicant)
    assert second.pk != first.pk
    assert set(StatementOfIntent.objects.values_list("status", flat=True)) == {"withdrawn", "draft"}


def test_an_association_not_yet_validated_cannot_start(call, association, applicant):
    association.status = OrganisationStatus.PENDING
    association.save(update_fields=["status"])
    with pytest.raises(DomainError) as refused:
        services.start_statement(call=call, organisation=association, by=applicant)
    assert "en attente de validation" in refused.value.message and refused.value.status == 403


def test_another_association_member_cannot_write_for_it(call, association, other_applicant):
    with pytest.raises(DomainError) as refused:
        services.start_statement(call=call, organisation=association, by=other_applicant)
    assert refused.value.status == 403


@pytest.mark.parametrize(
    ("figures", "rule", "text"),
    [
        ({"estimated_grant": Decimal("100000.01"), "estimated_total": Decimal("250000.00")}, "grant_max", "plafond"),
        ({"estimated_grant": Decimal("90000.00"), "estimated_total": Decimal("120000.00")}, "grant_share", "70 %"),
        (
            {"estimated_grant": Decimal("70000.00"), "estimated_total": Decimal("100000.00")},
            "total_bounds",
            "compris entre",
        ),
        (
            {"estimated_grant": Decimal("100000.00"), "estimated_total": Decimal("300000.01")},
            "total_bounds",
            "compris entre",
        ),
    ],
)
def test_the_estimated_figures_meet_the_calls_limits(call, association, applicant, figures, rule, text):
    draft = services.start_statement(call=call, organisation=association, by=applicant)
    services.save_statement(statement=draft, by=applicant, **{**GOOD, **figures})
    with pytest.raises(DomainError) as refused:
        services.submit_statement(statement=draft, by=applicant)
    assert refused.value.code == "rules_failed" and text in refused.value.message
    assert StatementOfIntent.objects.get(pk=draft.pk).status == IntentStatus.DRAFT


def test_exactly_at_the_limits_is_accepted(call, association, applicant):
    draft = services.start_statement(call=call, organisation=association, by=applicant)
    services.save_statement(
        statement=draft, by=applicant, **{**GOOD, "estimated_total": "142857.15", "estimated_grant": "100000.00"}
    )
    assert services.submit_statement(statement=draft, by=applicant).status == IntentStatus.SUBMITTED


def test_the_association_must_be_two_years_old(call, association, applicant):
    association.created_on = timezone.localdate() - datetime.timedelta(days=365)
    association.save(update_fields=["created_on"])
    draft = written(call, association, applicant)
    with pytest.raises(DomainError) as refused:
        services.submit_statement(statement=draft, by=applicant)
    assert "24 mois" in refused.value.message


def test_staff_preselect_audited_and_the_association_is_emailed(
    call, association, applicant, staff_user, django_capture_on_commit_callbacks
):
    draft = submitted(call, association, applicant)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_statement(
            statement=draft, by=staff_user, decision="preselect", reason="Projet solide et bien ancré."
        )
    draft.refresh_from_db()
    assert draft.status == IntentStatus.PRESELECTED and draft.decided_by == staff_user and draft.decided_at is not None
    assert draft.decision_reason == "Projet solide et bien ancré."
    last = list(machine_for(draft).history(draft))[-1]
    assert (last.transition, last.from_state, last.to_state, last.by, last.comment) == (
        "preselect",
        "submitted",
        "preselected",
        staff_user,
        "Projet solide et bien ancré.",
    )
    [message] = mail.outbox
    assert message.to == [applicant.email]
    assert "présélectionnée" in message.subject and "Mésoprojets 2026" in message.subject
    assert "Projet solide et bien ancré." in message.body and f"/manifestations/{draft.pk}/" in message.body


def test_declining_needs_a_reason_which_is_emailed(
    call, association, applicant, staff_user, django_capture_on_commit_callbacks
):
    draft = submitted(call, association, applicant)
    with pytest.raises(DomainError) as refused:
        services.decide_statement(statement=draft, by=staff_user, decision="decline", reason="  ")
    assert refused.value.code == "comment_required"
    assert StatementOfIntent.objects.get(pk=draft.pk).status == IntentStatus.SUBMITTED
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_statement(
            statement=draft, by=staff_user, decision="decline", reason="Budget hors des priorités du comité."
        )
    assert StatementOfIntent.objects.get(pk=draft.pk).status == IntentStatus.NOT_PRESELECTED
    [message] = mail.outbox
    assert "n'est pas présélectionnée" in message.subject and "Budget hors des priorités du comité." in message.body


def test_only_staff_decide_and_only_on_a_submitted_statement(call, association, applicant, staff_user):
    draft = written(call, association, applicant)
    with pytest.raises(DomainError) as refused:
        services.decide_statement(statement=draft, by=staff_user, decision="preselect")
    assert refused.value.code == "not_submitted" and "Brouillon" in refused.value.message
    services.submit_statement(statement=draft, by=applicant)
    with pytest.raises(DomainError) as refused:
        services.decide_statement(statement=draft, by=applicant, decision="preselect")
    assert refused.value.status == 403
    assert StatementOfIntent.objects.get(pk=draft.pk).status == IntentStatus.SUBMITTED


@pytest.mark.parametrize("status", ["draft", "submitted", "not_preselected", "withdrawn", None])
def test_the_full_dossier_is_refused_without_preselection(call, association, applicant, status):
    if status:
        statement(call, association, status=status)
    with pytest.raises(DomainError) as refused:
        start_application(call=call, organisation=association, by=applicant)
    assert refused.value.code == "not_preselected" and refused.value.status == 403
    assert "présélectionnées" in refused.value.message
    assert not Application.objects.exists()


def test_the_preselected_full_dossier_is_prefilled_from_the_statement(call, association, applicant, staff_user):
    draft = submitted(call, association, applicant)
    services.decide_statement(statement=draft, by=staff_user, decision="preselect")
    application = start_application(call=call, organisation=association, by=applicant)
    assert (
        application.title,
        application.country.code,
        application.sector,
        application.context,
        application.amount_requested,
    ) == (
        GOOD["title"],
        "SN",
        "health",
        GOOD["summary"],
        Decimal("100000.00"),
    )
    assert start_application(call=call, organisation=association, by=applicant) == application  # a second click


def test_a_single_stage_call_is_unchanged(association, applicant):
    application = start_application(call=CallFactory(), organisation=association, by=applicant)
    assert application.title == "" and application.amount_requested == 0


def test_the_intent_deadline_sits_between_the_opening_and_the_deadline(call):
    call.intent_deadline = call.deadline + datetime.timedelta(days=1)
    with pytest.raises(DomainError) as refused:
        check_call(call)
    assert refused.value.field == "intent_deadline"


def test_the_statement_reads_the_same_country_rule_as_the_full_dossier(association):
    """No list of its own: the OECD DAC list applies to the statement too, with the rule named."""
    call = CallFactory(eligible_countries=[], excluded_countries=["ML"])
    written = statement(call, association, country="US")
    refused = {r.code: r for r in check_statement(written)}["country"]
    assert not refused.ok and "CAD" in refused.message
    written.country = "ML"
    excluded = {r.code: r for r in check_statement(written)}["country"]
    assert not excluded.ok and "exclu" in excluded.message
    written.country = "SN"
    assert {r.code: r for r in check_statement(written)}["country"].ok
