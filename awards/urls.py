from django.urls import path

from . import views

app_name = "awards"

urlpatterns = [
    path("", views.followup, name="followup"),
    path("dossiers/<int:pk>/", views.detail, name="detail"),
    path("dossiers/<int:pk>/convention/envoyee/", views.agreement_sent, name="agreement_sent"),
    path("dossiers/<int:pk>/convention/signee/", views.agreement_signed, name="agreement_signed"),
    path("dossiers/<int:pk>/convention/fichier/", views.agreement_file, name="agreement_file"),
    path("dossiers/<int:pk>/convention/renvoyer/", views.agreement_return, name="agreement_return"),
    path("dossiers/<int:pk>/versements/", views.payment_create, name="payment_create"),
    path("dossiers/<int:pk>/complements/", views.top_up_override, name="top_up_override"),
    path("dossiers/<int:pk>/cloturer/", views.close, name="close"),
    path("rapports/<int:pk>/", views.report, name="report"),
    path("rapports/<int:pk>/<str:field>/", views.report_file, name="report_file"),
    path("cofinancement/regles/", views.rules, name="rules"),
    path("cofinancement/regles/nouvelle/", views.rule_edit, name="rule_create"),
    path("cofinancement/regles/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("appels/<int:pk>/documents/", views.call_documents, name="call_documents"),
    path("partenaire/", views.partner_home, name="partner_home"),
]
