"""Budgets typed in the project's currency (issue 17, point 4): XOF at its fixed parity, other
currencies at the call's rate, euros computed half-up to the cent, shown beside the local figures
in the form, the pages, the PDF receipt, the staff export and the API; every rule stays in euros."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from pypdf import PdfReader
from rest_framework.test import APIClient

from forim_portal.errors import DomainError
from forim_portal.money import FIXED_PARITIES, parse_rate, to_euros
from grants import currencies, services
from grants.documents import render_receipt
from grants.eligibility import budget_total, check_application
from grants.models import Application, BudgetLine, CallCurrencyRate
from grants.states import State
from tests.conftest import login
from tests.grants.test_call_rules import page_data

XOF_RATE = Decimal("655.957")
NOTE = "converti au taux fixe de 655,957 XOF pour 1 €, arrondi au centime"
# (label, category, quantity, unit cost in XOF) as a treasurer in Matam copies them from the signed quotes
XOF_LINES = [
    ("Forage et pompe solaire", "investment", Decimal("1"), Decimal("9000000")),
    ("Sacs de ciment", "supplies", Decimal("3"), Decimal("12500")),
    ("Formation des gestionnaires", "training", Decimal("1"), Decimal("1000000")),
    ("Main-d'œuvre des habitants", "in_kind", Decimal("1"), Decimal("2500000")),
]


def plain(text):
    """Text with the narrow and ordinary no-break spaces of French amounts as plain spaces."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def xof_rows():
    return [
        {"label": label, "category": category, "quantity": quantity, "local_unit_cost": cost}
        for label, category, quantity, cost in XOF_LINES
    ]


def budget_in_xof(application, by, **funding):
    services.save_step(
        application=application,
        by=by,
        step="budget",
        values={"budget_currency": "XOF", **funding},
        lock_version=application.lock_version,
        lines=[{"id": pk, "delete": True} for pk in application.budget_lines.values_list("pk", flat=True)] + xof_rows(),
    )
    application.refresh_from_db()
    return application


# the in-kind figure of the plan (3 811,23 €) is not typed: it is the converted in-kind line (grants.eligibility.in_kind_total)
BALANCED = {"amount_requested": Decimal("13000.00"), "own_funds": Decimal("2302.07")}


@pytest.fixture
def xof_draft(draft, applicant):
    return budget_in_xof(draft, applicant, **BALANCED)


# The one conversion -------------------------------------------------------------------------------


def test_to_euros_rounds_half_up_to_the_cent():
    assert to_euros(Decimal("1000000"), XOF_RATE) == Decimal("1524.49")  # 1 524,490 17…
    assert to_euros(Decimal("2500000"), XOF_RATE) == Decimal("3811.23")  # 3 811,225 43…
    assert to_euros(Decimal("0.05"), Decimal("2")) == Decimal("0.03")  # exactly 0,025: half-up, not banker's 0,02
    assert to_euros(Decimal("491967.75"), FIXED_PARITIES["KMF"]) == Decimal("1000.00")
    with pytest.raises(DomainError):
        to_euros(Decimal("100"), Decimal("0"))


@pytest.mark.parametrize("typed", ["0", "-3", "abc", "1,1234567", "", None])
def test_a_rate_is_read_exactly_or_refused_in_french(typed):
    with pytest.raises(DomainError) as refusal:
        parse_rate(typed)
    assert "Taux invalide" in refusal.value.message


def test_a_rate_keeps_its_decimals():
    assert parse_rate("10,85") == Decimal("10.85") and parse_rate("491.96775") == FIXED_PARITIES["KMF"]


# Service: one conversion for the page, the API and autosave -----------------------------------


def test_lines_in_xof_are_converted_each_to_the_cent_and_the_local_figures_kept(xof_draft):
    lines = {line.label: line for line in xof_draft.budget_lines.all()}
    assert {label: line.amount for label, line in lines.items()} == {
        "Forage et pompe solaire": Decimal("13720.41"),
        "Sacs de ciment": Decimal("57.17"),
        "Formation des gestionnaires": Decimal("1524.49"),  # 1 000 000 XOF
        "Main-d'œuvre des habitants": Decimal("3811.23"),
    }
    for line in lines.values():
        assert line.currency == "XOF" and line.local_amount == line.quantity * line.local_unit_cost
        assert line.amount == to_euros(line.local_amount, XOF_RATE)
    assert lines["Sacs de ciment"].unit_cost == Decimal("19.06")  # 12 500 XOF, shown in euros
    assert xof_draft.budget_currency == "XOF" and xof_draft.budget_units_per_euro == XOF_RATE
    assert budget_total(xof_draft) == Decimal("19113.30") == sum(line.amount for line in lines.values())
    assert currencies.local_total(xof_draft) == Decimal("12537500")


def test_the_rules_stay_in_euros(xof_draft, applicant):
    results = {result.code: result for result in check_application(xof_draft)}
    assert results["budget_balanced"].ok and results["grant_share"].ok and results["grant_max"].ok
    services.save_step(
        application=xof_draft,
        by=applicant,
        step="budget",
        values={"amount_requested": Decimal("13379.32"), "own_funds": Decimal("1922.75")},
        lock_version=xof_draft.lock_version,
    )
    xof_draft.refresh_from_db()
    results = {result.code: result for result in check_application(xof_draft)}
    assert results["budget_balanced"].ok and not results["grant_share"].ok  # 70 % of 19 113,30 € is 13 379,31 €
    assert "13 379,31 €" in plain(results["grant_share"].message)
    assert xof_draft.budget_lines.get(label="Formation des gestionnaires").amount == Decimal(
        "1524.49"
    )  # saving the plan kept the lines


def test_a_currency_without_a_rate_is_refused_and_nothing_is_saved(draft, applicant):
    before = list(draft.budget_lines.values_list("label", "amount"))
    for code, message in [
        ("MAD", "Aucun taux de change n'est fixé pour la devise dirham marocain (MAD)"),
        ("ZZZ", "Devise inconnue : « ZZZ »"),
    ]:
        with pytest.raises(DomainError) as refusal:
            services.save_step(
                application=draft,
                by=applicant,
                step="budget",
                values={"budget_currency": code},
                lock_version=draft.lock_version,
                lines=xof_rows(),
            )
        assert message in refusal.value.message and refusal.value.status == 400
    draft.refresh_from_db()
    assert draft.budget_currency == "EUR" and list(draft.budget_lines.values_list("label", "amount")) == before


def test_a_rate_changed_by_staff_applies_at_the_next_save_and_not_after_submission(draft, applicant, staff_user):
    currencies.set_call_rates(
        call=draft.call,
        by=staff_user,
        rates=[{"currency": "MAD", "units_per_euro": Decimal("10.85"), "rate_date": datetime.date(2026, 11, 2)}],
    )
    services.save_step(
        application=draft,
        by=applicant,
        step="budget",
        values={"budget_currency": "MAD"},
        lock_version=draft.lock_version,
        lines=[{"id": pk, "delete": True} for pk in draft.budget_lines.values_list("pk", flat=True)]
        + [{"label": "Pompe", "category": "investment", "quantity": 1, "local_unit_cost": Decimal("217000")}],
    )
    draft.refresh_from_db()
    assert draft.budget_lines.get().amount == Decimal("20000.00")
    assert (
        currencies.application_note(draft)
        == "converti au taux de 10,85 MAD pour 1 € (taux du 2 novembre 2026), arrondi au centime"
    )
    currencies.set_call_rates(
        call=draft.call,
        by=staff_user,
        rates=[{"currency": "MAD", "units_per_euro": Decimal("10.90"), "rate_date": datetime.date(2026, 11, 20)}],
    )
    assert draft.budget_lines.get().amount == Decimal("20000.00")  # stored: the dossier keeps its rate until saved
    services.save_step(
        application=draft,
        by=applicant,
        step="budget",
        values={"own_funds": Decimal("0")},
        lock_version=draft.lock_version,
    )
    draft.refresh_from_db()
    assert draft.budget_lines.get().amount == Decimal("19908.26") and draft.budget_units_per_euro == Decimal(
        "10.90"
    )  # 217 000 / 10,90


def test_staff_rates_refuse_fixed_parities_duplicates_and_non_staff(call, staff_user, applicant):
    date = datetime.date(2026, 11, 2)
    cases = [
        ([{"currency": "XOF", "units_per_euro": Decimal("650"), "rate_date": date}], "parité fixe"),
        ([{"currency": "MAD", "units_per_euro": Decimal("10.85"), "rate_date": date}] * 2, "Un seul taux par devise"),
        ([{"currency": "MAD", "units_per_euro": Decimal("10.85"), "rate_date": None}], "date du taux"),
        ([{"currency": "XYZ", "units_per_euro": Decimal("3"), "rate_date": date}], "Devise inconnue"),
    ]
    for rates, message in cases:
        with pytest.raises(DomainError) as refusal:
            currencies.set_call_rates(call=call, by=staff_user, rates=rates)
        assert message in refusal.value.message
    with pytest.raises(DomainError):
        currencies.set_call_rates(call=call, by=applicant, rates=[])
    assert not CallCurrencyRate.objects.exists()


# Receipt and export agree to the cent ------------------------------------------------------------


def test_receipt_and_staff_export_agree_with_the_lines_to_the_cent(client, xof_draft, applicant, staff_user):
    services.submit_application(application=xof_draft, by=applicant)
    xof_draft.refresh_from_db()
    assert xof_draft.status == State.SUBMITTED
    version = xof_draft.versions.get()
    assert version.data["budget_total"] == "19113.30" and version.data["budget_currency"] == "XOF"
    assert {line["local_amount"] for line in version.data["budget_lines"]} == {
        "9000000.00",
        "37500.00",
        "1000000.00",
        "2500000.00",
    }

    _name, content = render_receipt(xof_draft)
    text = plain("".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages))
    for expected in [
        "1 000 000 XOF",
        "1 524,49 €",
        "9 000 000 XOF",
        "13 720,41 €",
        "12 500 XOF",
        "37 500 XOF",
        "57,17 €",
        "12 537 500 XOF",
        "19 113,30 €",
        NOTE,
    ]:
        assert expected in text, expected

    login(client, staff_user)
    exported = client.get(reverse("reviews:applications"), {"export": "csv"}).getvalue().decode("utf-8-sig")
    row = next(r for r in csv.DictReader(io.StringIO(exported), delimiter=";") if r["Référence"] == xof_draft.reference)
    assert row["Devise du budget"] == "XOF" and row["Taux appliqué (unités pour 1 €)"] == "655.957"
    assert row["Total des dépenses (€)"] == "19113.30" and row["Total des dépenses (devise du budget)"] == "12537500.00"
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("reviews:applications"), {"export": "xlsx"}).getvalue())
    )
    sheet = workbook.active
    headers = [cell.value for cell in sheet[1]]
    values = next(
        dict(zip(headers, [c.value for c in r], strict=True))
        for r in sheet.iter_rows(min_row=2)
        if r[0].value == xof_draft.reference
    )
    assert Decimal(str(values["Total des dépenses (€)"])) == Decimal("19113.30") and Decimal(
        str(values["Total des dépenses (devise du budget)"])
    ) == Decimal("12537500")


def test_a_euro_budget_exports_no_local_figures(client, draft, applicant, staff_user):
    services.submit_application(application=draft, by=applicant)
    login(client, staff_user)
    exported = client.get(reverse("reviews:applications"), {"export": "csv"}).getvalue().decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(exported), delimiter=";"))
    assert (
        row["Devise du budget"] == "EUR"
        and row["Total des dépenses (devise du budget)"] == ""
        and row["Total des dépenses (€)"] == "20000.00"
    )


# Pages ------------------------------------------------------------------------------------------


def budget_post(application, currency, rows, **extra):
    data = {
        "lock_version": application.lock_version,
        "budget_currency": currency,
        "amount_requested": "13000",
        "own_funds": "2302,07",
        "local_partner_funds": "",
        "other_funders": "",
        "lines-TOTAL_FORMS": str(len(rows)),
        "lines-INITIAL_FORMS": "0",
        **extra,
    }
    for index, (label, category, quantity, cost) in enumerate(rows):
        data.update(
            {
                f"lines-{index}-label": label,
                f"lines-{index}-category": category,
                f"lines-{index}-quantity": str(quantity),
                f"lines-{index}-unit_cost": cost,
            }
        )
    return data


def test_the_budget_step_takes_xof_and_shows_both_amounts(client, call, association, applicant):
    application = Application.objects.create(call=call, organisation=association, created_by=applicant)
    login(client, applicant)
    url = reverse("grants:application_edit", args=[application.pk, "budget"])
    response = client.post(
        url, budget_post(application, "XOF", [("Formation des gestionnaires", "training", 1, "1 000 000")])
    )
    assert response.status_code == 302
    line = BudgetLine.objects.get(application=application)
    assert (line.currency, line.local_amount, line.amount) == ("XOF", Decimal("1000000.00"), Decimal("1524.49"))
    page = plain(client.get(url).content.decode())
    assert "1 000 000 XOF = 1 524,49 €" in page and NOTE in page and 'value="1000000,00"' in page
    assert '<option value="XOF" selected>' in page and "Coût unitaire" in page


def test_autosave_converts_like_the_page(client, call, association, applicant):
    application = Application.objects.create(call=call, organisation=association, created_by=applicant)
    login(client, applicant)
    response = client.post(
        reverse("grants:autosave", args=[application.pk, "budget"]),
        budget_post(application, "XOF", [("Sacs de ciment", "supplies", 3, "12500")]),
    )
    assert response.status_code == 200
    assert BudgetLine.objects.get(application=application).amount == Decimal("57.17")
    fragment = plain(response.content.decode())
    assert (
        "37 500 XOF = 57,17 €" in fragment
        and NOTE in fragment
        and 'id="unit-currency-0" hx-swap-oob="true">XOF' in fragment
    )


@pytest.mark.parametrize(("currency", "message"), [("MAD", "Aucun taux de change"), ("ZZZ", "Devise inconnue")])
def test_the_page_refuses_a_currency_without_rate_and_keeps_what_was_typed(client, draft, applicant, currency, message):
    before = list(draft.budget_lines.values_list("pk", "amount"))
    login(client, applicant)
    url = reverse("grants:application_edit", args=[draft.pk, "budget"])
    response = client.post(url, budget_post(draft, currency, [("Moto pour l'animateur", "travel", 1, "40000")]))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and "Moto pour l&#x27;animateur" in page
    draft.refresh_from_db()
    assert draft.budget_currency == "EUR" and list(draft.budget_lines.values_list("pk", "amount")) == before


def test_the_association_and_staff_pages_show_both_amounts(client, xof_draft, applicant, staff_user, other_applicant):
    services.submit_application(application=xof_draft, by=applicant)
    for user, name in [(applicant, "grants:application_detail"), (staff_user, "reviews:application_detail")]:
        client.logout()
        login(client, user)
        page = plain(client.get(reverse(name, args=[xof_draft.pk])).content.decode())
        assert (
            "1 000 000 XOF" in page
            and "1 524,49 €" in page
            and "12 537 500 XOF" in page
            and "19 113,30 €" in page
            and NOTE in page
        ), name
    client.logout()
    login(client, other_applicant)
    assert client.get(reverse("grants:application_detail", args=[xof_draft.pk])).status_code == 404


def test_staff_set_rates_on_the_call_page(client, call, staff_user):
    login(client, staff_user)
    rates = {
        "rates-TOTAL_FORMS": "2",
        "rates-INITIAL_FORMS": "0",
        "rates-0-currency": "MAD",
        "rates-0-units_per_euro": "10,85",
        "rates-0-rate_date": "2026-11-02",
        "rates-1-currency": "",
        "rates-1-units_per_euro": "",
        "rates-1-rate_date": "",
    }
    response = client.post(reverse("grants:call_edit", args=[call.pk]), page_data(call, **rates))
    assert response.status_code == 302
    assert list(call.currency_rates.values_list("currency", "units_per_euro", "rate_date")) == [
        ("MAD", Decimal("10.85"), datetime.date(2026, 11, 2))
    ]
    page = client.get(reverse("grants:call_edit", args=[call.pk])).content.decode()
    assert 'value="10,85"' in page and "655,957" in page
    refused = client.post(
        reverse("grants:call_edit", args=[call.pk]),
        page_data(call, **{**rates, "rates-0-currency": "HTG", "rates-0-units_per_euro": "0"}),
    )
    assert refused.status_code == 400 and "Taux invalide" in refused.content.decode()
    assert list(call.currency_rates.values_list("currency", flat=True)) == ["MAD"]


# API --------------------------------------------------------------------------------------------


@pytest.fixture
def api():
    return APIClient()


def test_the_api_writes_and_reads_both_amounts(api, call, association, applicant):
    api.force_authenticate(applicant)
    response = api.post(
        "/api/v1/applications/",
        {
            "call": call.pk,
            "budget_currency": "XOF",
            "budget_lines": [
                {
                    "category": "training",
                    "label": "Formation des gestionnaires",
                    "quantity": "1",
                    "local_unit_cost": "1000000",
                }
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["budget_currency"] == "XOF" and body["budget_conversion"] == NOTE
    assert Decimal(body["budget_units_per_euro"]) == XOF_RATE
    line = body["budget_lines"][0]
    assert (line["currency"], line["local_unit_cost"], line["local_amount"], line["amount"]) == (
        "XOF",
        "1000000.00",
        "1000000.00",
        "1524.49",
    )
    stored = BudgetLine.objects.get(application_id=body["id"])
    assert stored.amount == Decimal("1524.49")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"budget_currency": "MAD"}, "Aucun taux de change"),
        ({"budget_currency": "ZZZ"}, "Devise inconnue"),
        (
            {
                "budget_currency": "XOF",
                "budget_lines": [{"category": "training", "label": "Formation", "unit_cost": "1524.49"}],
            },
            "indiquez le coût unitaire en XOF",
        ),
        ({"budget_currency": "XOF"}, "envoyez aussi les lignes du budget"),
    ],
)
def test_the_api_refuses_in_french_and_saves_nothing(api, draft, applicant, change, message):
    api.force_authenticate(applicant)
    response = api.patch(
        f"/api/v1/applications/{draft.pk}/", {"lock_version": draft.lock_version, **change}, format="json"
    )
    assert response.status_code == 400 and message in response.json()["detail"]
    draft.refresh_from_db()
    assert draft.budget_currency == "EUR" and budget_total(draft) == Decimal("20000.00")


def test_only_staff_write_a_calls_rates_through_the_api(api, call, applicant, staff_user):
    rates = {"currency_rates": [{"currency": "HTG", "units_per_euro": "148.2", "rate_date": "2026-11-02"}]}
    api.force_authenticate(applicant)
    assert api.patch(f"/api/v1/calls/{call.pk}/", rates, format="json").status_code == 403
    api.force_authenticate(staff_user)
    response = api.patch(f"/api/v1/calls/{call.pk}/", rates, format="json")
    assert response.status_code == 200 and response.json()["currency_rates"] == [
        {"currency": "HTG", "units_per_euro": "148.200000", "rate_date": "2026-11-02"}
    ]
    refused = api.patch(
        f"/api/v1/calls/{call.pk}/",
        {"currency_rates": [{"currency": "XAF", "units_per_euro": "655", "rate_date": "2026-11-02"}]},
        format="json",
    )
    assert refused.status_code == 400 and "parité fixe" in refused.json()["detail"]
    assert list(call.currency_rates.values_list("currency", flat=True)) == ["HTG"]
