"""Pages: the steps render, autosave keeps what is valid, stale saves answer 409, access is by dossier."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from grants import services
from grants.models import Application, ApplicationDocument, BudgetLine, Call, Message
from grants.states import State
from grants.steps import STEP_CODES
from tests.conftest import login
from tests.factories import ApplicationFactory, MembershipFactory

PDF = b"%PDF-1.4\n%test\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def edit_url(application, step):
    return reverse("grants:application_edit", args=[application.pk, step])


def autosave_url(application, step):
    return reverse("grants:autosave", args=[application.pk, step])


def budget_post(application, **funding):
    lines = list(application.budget_lines.all())
    data = {"lock_version": application.lock_version, "lines-TOTAL_FORMS": len(lines) + 1, "lines-INITIAL_FORMS": 0}
    for index, line in enumerate(lines):
        data.update({f"lines-{index}-id": line.pk, f"lines-{index}-category": line.category, f"lines-{index}-label": line.label,
                     f"lines-{index}-quantity": "1", f"lines-{index}-unit_cost": str(line.unit_cost)})
    data.update({"amount_requested": "14000", "own_funds": "4000", "in_kind": "2000", "local_partner_funds": "", "other_funders": ""})
    data.update(funding)
    return data


@pytest.mark.parametrize("step", STEP_CODES)
def test_every_step_renders_with_rules_at_the_field(client, draft, applicant, step):
    draft.amount_requested = Decimal("16000.00")
    draft.save()
    response = login(client, applicant).get(edit_url(draft, step))
    assert response.status_code == 200
    body = response.content.decode()
    assert escape(draft.title) in body
    if step == "budget":
        assert 'id="fb-amount_requested"' in body and "plafond" in body
        assert "Forage et pompe solaire" in body


def test_autosave_keeps_valid_fields_and_reports_invalid_numbers(client, draft, applicant):
    data = budget_post(draft, own_funds="abc", local_partner_funds="-5", other_funders="99999999999", other_funders_detail="Mairie de Tafraout")
    response = login(client, applicant).post(autosave_url(draft, "budget"), data)
    assert response.status_code == 200
    body = response.content.decode()
    # the messages of forim_portal.money.parse_amount, the one reading of an amount
    assert "Montant invalide" in body and "ne peut pas être négatif" in body and "Montant hors limites" in body
    assert 'hx-swap-oob="true"' in body and "Enregistré" in body
    draft.refresh_from_db()
    assert draft.other_funders_detail == "Mairie de Tafraout"
    assert draft.own_funds == Decimal("4000.00")  # the invalid value did not overwrite the saved one


def test_autosave_new_budget_line_gets_its_id_back(client, draft, applicant):
    data = budget_post(draft)
    data.update({"lines-2-category": "training", "lines-2-label": "Formation du comité de l'eau", "lines-2-quantity": "2", "lines-2-unit_cost": "250,50"})
    data["lines-TOTAL_FORMS"] = 3
    data["lines-0-unit_cost"] = "dix-huit mille"  # a bad number on an existing line keeps its saved cost
    response = login(client, applicant).post(autosave_url(draft, "budget"), data)
    assert draft.budget_lines.get(category="investment").unit_cost == Decimal("18000.00")
    assert 'id="fb-lines-0"' in response.content.decode() and "Coût unitaire (€) : Montant invalide" in response.content.decode()
    line = BudgetLine.objects.get(application=draft, category="training")
    assert line.amount == Decimal("501.00")
    assert f'name="lines-2-id" id="id_lines-2-id" value="{line.pk}"' in response.content.decode()


def test_an_autosave_answers_from_the_row_it_saved_in_a_fixed_number_of_queries(client, draft, applicant):
    """At the deadline hour every association autosaves: after its save the answer reads neither the dossier again
    (the service hands back the stored row) nor the lines twice, shows what was stored, and reads as much
    with 3 lines as with 13."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, applicant)
    data = budget_post(draft)
    data.update({"lines-2-category": "training", "lines-2-label": "Formation", "lines-2-quantity": "1", "lines-2-unit_cost": "500"})
    data["lines-TOTAL_FORMS"] = 3
    data["amount_requested"] = "14500"
    with CaptureQueriesContext(connection) as few_lines:
        response = client.post(autosave_url(draft, "budget"), data)
    assert response.status_code == 200 and "20\u202f500,00\xa0€" in response.content.decode()  # the stored total
    after_save = [q["sql"] for q in few_lines.captured_queries]
    after_save = after_save[next(i for i, sql in enumerate(after_save) if sql.startswith('UPDATE "grants_application"')) + 1:]
    assert not [sql for sql in after_save if re.search(r'FROM "grants_application" WHERE "grants_application"."id" = \d+ LIMIT', sql)]
    assert len([sql for sql in after_save if sql.startswith('SELECT "grants_budgetline"')]) == 1

    draft.refresh_from_db()
    for extra in range(10):
        BudgetLine.objects.create(application=draft, category="operating", label=f"Ligne {extra}", quantity=1, unit_cost=Decimal("10"), amount=Decimal("10"))
    draft.refresh_from_db()
    with CaptureQueriesContext(connection) as many_lines:
        assert client.post(autosave_url(draft, "budget"), budget_post(draft)).status_code == 200
    def reads(captured):  # each line sent is written (an UPDATE each); what is read stays the same
        return len([q for q in captured.captured_queries if q["sql"].startswith("SELECT")])

    assert reads(many_lines) <= reads(few_lines)
    draft.refresh_from_db()
    assert client.post(autosave_url(draft, "project"), {"lock_version": draft.lock_version, "title": "Puits solaire"}).status_code == 200
    assert Application.objects.get(pk=draft.pk).title == "Puits solaire"


def test_stale_autosave_answers_409_and_names_who_saved(client, draft, applicant, association):
    colleague = MembershipFactory(organisation=association, user__first_name="Awa", user__last_name="Diop").user
    seen = draft.lock_version
    services.save_step(application=draft, by=colleague, step="project", values={"locality": "Tafraout"}, lock_version=seen)
    response = login(client, applicant).post(autosave_url(draft, "project"), {"lock_version": seen, "locality": "Tiznit", "title": draft.title})
    assert response.status_code == 409
    assert "Awa Diop" in response.content.decode()
    assert Application.objects.get(pk=draft.pk).locality == "Tafraout"


def test_plain_post_conflict_keeps_what_was_typed_then_overwrites(client, draft, applicant, association):
    colleague = MembershipFactory(organisation=association).user
    seen = draft.lock_version
    services.save_step(application=draft, by=colleague, step="project", values={"locality": "Tafraout"}, lock_version=seen)
    login(client, applicant)
    response = client.post(edit_url(draft, "project"), {"lock_version": seen, "locality": "Tiznit, mon long texte", "save": ""})
    assert response.status_code == 409
    assert "Tiznit, mon long texte" in response.content.decode()
    current = Application.objects.get(pk=draft.pk).lock_version
    response = client.post(edit_url(draft, "project"), {"lock_version": current, "locality": "Tiznit, mon long texte", "title": draft.title, "next": ""})
    assert response.status_code == 302 and response.url == edit_url(draft, "budget")
    assert Application.objects.get(pk=draft.pk).locality == "Tiznit, mon long texte"


def test_no_js_budget_add_and_remove_line(client, draft, applicant):
    login(client, applicant)
    response = client.post(edit_url(draft, "budget"), {**budget_post(draft), "add_line": ""})
    assert response.status_code == 302 and "lignes=1" in response.url
    draft.refresh_from_db()
    response = client.post(edit_url(draft, "budget"), {**budget_post(draft), "remove_line": "1"})
    assert response.status_code == 302
    assert list(draft.budget_lines.values_list("label", flat=True)) == ["Forage et pompe solaire"]


def test_submit_by_page_then_edit_by_url_is_refused(client, draft, applicant, django_capture_on_commit_callbacks):
    login(client, applicant)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("grants:submit", args=[draft.pk]))
        client.post(reverse("grants:submit", args=[draft.pk]))  # double click
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == State.SUBMITTED and draft.reference == "PRA-2026-0001"
    assert sum(1 for m in mail.outbox if m.to == [applicant.email]) == 1
    response = client.post(edit_url(draft, "project"), {"lock_version": draft.lock_version, "title": "Piraté"})
    assert response.status_code == 403
    assert "ne peut plus être modifié" in response.content.decode()
    assert Application.objects.get(pk=draft.pk).title != "Piraté"
    receipt = client.get(reverse("grants:receipt", args=[draft.pk]))
    assert receipt["Content-Type"] == "application/pdf" and receipt.content.startswith(b"%PDF")


def test_submit_after_deadline_by_page_is_refused(client, draft, applicant):
    Call.objects.filter(pk=draft.call_id).update(deadline=timezone.now() - datetime.timedelta(seconds=1), opens_at=timezone.now() - datetime.timedelta(days=9))
    response = login(client, applicant).post(reverse("grants:submit", args=[draft.pk]))
    assert response.status_code == 400
    assert "date limite" in response.content.decode()
    assert Application.objects.get(pk=draft.pk).status == State.DRAFT


def test_document_upload_checks_type_and_serves_only_to_the_dossier(client, draft, applicant, other_applicant):
    login(client, applicant)
    url = reverse("grants:document_add", args=[draft.pk])
    bad = client.post(url, {"doc_type": "statutes", "file": SimpleUploadedFile("statuts.pdf", b"MZ not a pdf", "application/pdf")})
    assert bad.status_code == 400 and "ne correspond pas" in bad.content.decode()
    exe = client.post(url, {"doc_type": "statutes", "file": SimpleUploadedFile("statuts.exe", PDF)})
    assert exe.status_code == 400 and not ApplicationDocument.objects.exists()
    client.post(url, {"doc_type": "statutes", "file": SimpleUploadedFile("statuts.pdf", PDF, "application/pdf")})
    document = ApplicationDocument.objects.get(application=draft)
    download = reverse("grants:document_download", args=[draft.pk, document.pk])
    assert b"".join(client.get(download).streaming_content) == PDF
    login(client, other_applicant)
    assert client.get(download).status_code == 404


def test_too_large_upload_is_refused(client, draft, applicant, settings):
    settings.MAX_UPLOAD_SIZE = 100
    response = login(client, applicant).post(reverse("grants:document_add", args=[draft.pk]), {"doc_type": "statutes", "file": SimpleUploadedFile("s.pdf", PDF * 10)})
    assert response.status_code == 400 and "trop volumineux" in response.content.decode()
    assert not ApplicationDocument.objects.exists()


def test_another_association_never_reaches_the_dossier(client, draft, other_applicant):
    login(client, other_applicant)
    urls = [
        reverse("grants:application_detail", args=[draft.pk]), edit_url(draft, "project"),
        reverse("grants:receipt", args=[draft.pk]), reverse("grants:version_diff", args=[draft.pk, 2]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    for url in [autosave_url(draft, "project"), reverse("grants:submit", args=[draft.pk]), reverse("grants:withdraw", args=[draft.pk]),
                reverse("grants:post_message", args=[draft.pk]), reverse("grants:visa", args=[draft.pk])]:
        assert client.post(url, {"title": "x", "body": "x", "lock_version": draft.lock_version}).status_code == 404, url
    draft.refresh_from_db()
    assert draft.status == State.DRAFT and draft.title == "Adduction d'eau potable à Tafraout"
    assert not Message.objects.exists()


def test_my_applications_lists_only_mine_with_next_step(client, draft, other_draft, applicant, django_assert_max_num_queries):
    for _ in range(5):
        ApplicationFactory(call=draft.call, organisation=draft.organisation)
    login(client, applicant)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("grants:my_applications"))
    body = response.content.decode()
    assert escape(draft.title) in body and escape(other_draft.title) not in body
    assert "avant la date limite" in body
    assert {a.pk for a in response.context["applications"]} == set(Application.objects.filter(organisation=draft.organisation).values_list("pk", flat=True))


def test_withdraw_by_page(client, draft, applicant):
    response = login(client, applicant).post(reverse("grants:withdraw", args=[draft.pk]), {"comment": "Projet reporté"})
    assert response.status_code == 302
    assert Application.objects.get(pk=draft.pk).status == State.WITHDRAWN


def test_thread_between_association_and_staff(client, draft, applicant, staff_user, django_capture_on_commit_callbacks):
    login(client, applicant)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("grants:post_message", args=[draft.pk]), {"body": "Question sur le budget"})
    assert [m.to for m in mail.outbox] == [[staff_user.email]]
    login(client, staff_user)
    page = client.get(reverse("grants:application_detail", args=[draft.pk])).content.decode()
    assert "Question sur le budget" in page
    assert Message.objects.get().read_at is not None


def test_operator_drafts_and_visa(client, draft, association, operator_org, operator_user):
    association.operator = operator_org
    association.save()
    other = ApplicationFactory(call=draft.call)  # not accompanied by this operator
    login(client, operator_user)
    response = client.get(reverse("grants:operator_drafts"))
    assert [a.pk for a in response.context["drafts"]] == [draft.pk]
    assert escape(other.title) not in response.content.decode()
    response = client.post(reverse("grants:visa", args=[draft.pk]), {"decision": "granted", "comment": "Dossier solide"})
    assert response.status_code == 302
    assert draft.visas.get().decision == "granted"


def test_staff_create_call_with_rules_and_grid(client, staff_user, call, applicant):
    login(client, staff_user)
    data = {
        "programme": call.programme_id, "year": 2027, "title": "Appel PRA/OSIM 2027", "description": "",
        "opens_at": "2027-09-01T09:00", "deadline": "2027-11-18T12:00", "envelope": "750000", "max_grant": "15000",
        "max_grant_share": "70", "min_total_budget": "0", "max_total_budget": "120000", "min_association_age_months": "12",
        "max_duration_months": "24", "excluded_countries": ["ML"], "sectors": ["water", "health"], "required_documents": ["statutes"],
        "operator_visa_required": "on", "tranche_split": "70, 30", "reviewers_per_application": "2",
        "criteria-TOTAL_FORMS": "1", "criteria-INITIAL_FORMS": "0", "criteria-0-label": "Pertinence", "criteria-0-weight": "3",
        "criteria-0-scale_max": "5", "criteria-0-position": "0", "criteria-0-guidance": "",
    }
    bad = client.post(reverse("grants:call_create"), {**data, "tranche_split": "70, 20"})
    assert bad.status_code == 400 and "100" in bad.content.decode()  # a refused form is a 4xx (issue 13), shown again
    response = client.post(reverse("grants:call_create"), data)
    assert response.status_code == 302
    created = Call.objects.get(year=2027)
    assert created.tranche_split == [70, 30] and list(created.excluded_countries) == ["ML"]
    assert created.deadline.hour == 11 or created.deadline.hour == 12  # stored in UTC from Paris time
    assert list(created.criteria.values_list("label", flat=True)) == ["Pertinence"]
    login(client, applicant)
    assert client.get(reverse("grants:call_edit", args=[created.pk])).status_code == 403


def test_no_js_post_with_bad_numbers_keeps_them_and_saves_the_rest(client, draft, applicant):
    data = {**budget_post(draft, own_funds="4 000 euros", other_funders_detail="Région Souss-Massa"), "next": ""}
    response = login(client, applicant).post(edit_url(draft, "budget"), data)
    assert response.status_code == 400  # the rest is saved, the refused field shown again: the answer says it refused
    body = response.content.decode()
    assert 'value="4 000 euros"' in body and "Montant invalide" in body
    draft.refresh_from_db()
    assert draft.other_funders_detail == "Région Souss-Massa" and draft.own_funds == Decimal("4000.00")


def test_in_corrections_only_asked_steps_open(client, draft, applicant, staff_user):
    services.submit_application(application=draft, by=applicant)
    login(client, staff_user)
    response = client.post(reverse("grants:corrections", args=[draft.pk]), {"sections": ["documents"], "message": "Joignez les statuts signés."})
    assert response.status_code == 302
    login(client, applicant)
    page = client.get(edit_url(draft, "project")).content.decode()
    assert "Joignez les statuts signés." in page and "pas ouverte aux corrections" in page
    draft.refresh_from_db()
    refused = client.post(edit_url(draft, "project"), {"lock_version": draft.lock_version, "title": "Autre titre"})
    assert refused.status_code == 403
    assert Application.objects.get(pk=draft.pk).title == "Adduction d'eau potable à Tafraout"


def test_applicant_home_shows_dossiers_and_next_step(client, draft, applicant):
    body = login(client, applicant).get(reverse("accounts:home")).content.decode()
    assert escape(draft.title) in body and "avant la date limite" in body


def test_autosave_refusals_answer_a_fragment_not_a_page(client, draft, applicant):
    services.submit_application(application=draft, by=applicant)
    refused = login(client, applicant).post(autosave_url(draft, "project"), {"lock_version": draft.lock_version, "title": "x"})
    assert refused.status_code == 403 and 'id="save-state"' in refused.content.decode()
    client.logout()
    expired = client.post(autosave_url(draft, "project"), {"title": "x"})
    assert expired.status_code == 401 and "session a expiré" in expired.content.decode()
    assert Application.objects.get(pk=draft.pk).title != "x"


def test_version_diff_page_shows_what_changed(client, draft, applicant, staff_user):
    services.submit_application(application=draft, by=applicant)
    services.request_corrections(application=draft, by=staff_user, sections=["project"], message="Précisez la localité.")
    draft.refresh_from_db()
    services.save_step(application=draft, by=applicant, step="project", values={"locality": "Douar Aït Mansour"}, lock_version=draft.lock_version)
    services.submit_application(application=draft, by=applicant)
    body = login(client, applicant).get(reverse("grants:version_diff", args=[draft.pk, 2])).content.decode()
    assert "Localité" in body and "Douar Aït Mansour" in body
    assert "Fonds propres" not in body


def test_thread_post_with_htmx_answers_the_thread(client, draft, applicant):
    response = login(client, applicant).post(reverse("grants:post_message", args=[draft.pk]), {"body": "Bonjour le FORIM"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="fil"' in body and "Bonjour le FORIM" in body and "<html" not in body
    empty = client.post(reverse("grants:post_message", args=[draft.pk]), {"body": "   "})
    assert empty.status_code == 400 and Message.objects.count() == 1
    refused = client.post(reverse("grants:post_message", args=[draft.pk]), {"body": "   "}, HTTP_HX_REQUEST="true")
    body = refused.content.decode()
    assert refused.status_code == 400 and 'id="fil"' in body and "Bonjour le FORIM" in body  # the thread stays
    assert "Écrivez votre message avant de l&#x27;envoyer." in body and 'aria-invalid="true"' in body and "<html" not in body


def test_staff_edit_programme_and_applicants_cannot(client, staff_user, applicant, call):
    programme = call.programme
    response = login(client, staff_user).post(reverse("grants:programme_edit", args=[programme.pk]), {"code": "PRA", "name": "PRA/OSIM (AFD)", "description": "", "is_active": "on"})
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.name == "PRA/OSIM (AFD)"
    assert login(client, applicant).get(reverse("grants:programme_create")).status_code == 403


def test_operator_and_viewer_read_but_cannot_write(client, draft, association, operator_org, operator_user, applicant):
    association.operator = operator_org
    association.save()
    viewer = MembershipFactory(organisation=association, role="viewer").user
    for user in (operator_user, viewer):
        login(client, user)
        assert client.get(reverse("grants:application_detail", args=[draft.pk])).status_code == 200
        refused = client.post(autosave_url(draft, "project"), {"lock_version": draft.lock_version, "title": "Changé"})
        assert refused.status_code == 403
        assert client.post(reverse("grants:submit", args=[draft.pk])).status_code == 403
    assert client.get(reverse("grants:corrections", args=[draft.pk])).status_code == 403
    draft.refresh_from_db()
    assert draft.title == "Adduction d'eau potable à Tafraout" and draft.status == State.DRAFT


def test_an_untouched_step_shows_no_rule_until_the_association_saves_it(client, call, association, applicant):
    """GOV.UK pattern: no red on a form nobody has filled; a filled field speaks at once; "Enregistrer" shows all."""
    fresh = ApplicationFactory(call=call, organisation=association, created_by=applicant, title="", duration_months=None)
    login(client, applicant)
    untouched = client.get(edit_url(fresh, "project")).content.decode()
    assert 'class="rule-fail"' not in untouched and "À corriger dans cette étape" not in untouched
    fresh.duration_months = 400
    fresh.save()
    filled = client.get(edit_url(fresh, "project")).content.decode()
    assert filled.count('class="rule-fail"') == 1 and "400 mois" in filled  # only the field it filled in
    response = client.post(edit_url(fresh, "project"), {"lock_version": fresh.lock_version, "title": "", "duration_months": "400", "save": ""})
    assert response.status_code == 302 and response.url.endswith("?verifier=1")
    attempted = client.get(response.url).content.decode()
    assert attempted.count('class="rule-fail"') > 1  # now every rule of the step speaks, at its field


def test_an_attachment_needs_its_type_chosen(client, draft, applicant):
    page = login(client, applicant).get(edit_url(draft, "documents")).content.decode()
    assert "Choisissez le type de pièce" in page
    response = client.post(reverse("grants:document_add", args=[draft.pk]), {"doc_type": "", "file": SimpleUploadedFile("lettre.pdf", PDF * 10)})
    assert response.status_code == 400 and "Choisissez le type de cette pièce." in response.content.decode()
    assert not draft.documents.exists()
