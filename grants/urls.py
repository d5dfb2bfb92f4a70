from django.urls import path

from . import views

app_name = "grants"

urlpatterns = [
    path("appels/", views.call_list, name="call_list"),
    path("appels/nouveau/", views.call_edit, name="call_create"),
    path("appels/<int:pk>/modifier/", views.call_edit, name="call_edit"),
    path("programmes/nouveau/", views.programme_edit, name="programme_create"),
    path("programmes/<int:pk>/modifier/", views.programme_edit, name="programme_edit"),
    path("appels/<int:call_pk>/commencer/", views.start_application, name="start_application"),
    path("mes-dossiers/", views.my_applications, name="my_applications"),
    path("operateur/brouillons/", views.operator_drafts, name="operator_drafts"),
    path("dossiers/<int:pk>/", views.application_detail, name="application_detail"),
    path("dossiers/<int:pk>/etape/<slug:step>/", views.application_edit, name="application_edit"),
    path("dossiers/<int:pk>/etape/<slug:step>/autosave/", views.autosave, name="autosave"),
    path("dossiers/<int:pk>/pieces/ajouter/", views.document_add, name="document_add"),
    path("dossiers/<int:pk>/pieces/<int:document_pk>/retirer/", views.document_remove, name="document_remove"),
    path("dossiers/<int:pk>/pieces/<int:document_pk>/", views.document_download, name="document_download"),
    path("dossiers/<int:pk>/coffre-fort/<int:document_pk>/", views.vault_document, name="vault_document"),
    path("dossiers/<int:pk>/deposer/", views.submit, name="submit"),
    path("dossiers/<int:pk>/retirer/", views.withdraw, name="withdraw"),
    path("dossiers/<int:pk>/accuse-de-depot.pdf", views.receipt, name="receipt"),
    path("dossiers/<int:pk>/versions/<int:number>/", views.version_diff, name="version_diff"),
    path("dossiers/<int:pk>/corrections/", views.corrections, name="corrections"),
    path("dossiers/<int:pk>/messages/", views.post_message, name="post_message"),
    path("dossiers/<int:pk>/visa/", views.visa, name="visa"),
    path("dossiers/<int:pk>/visa/demander/", views.visa_request, name="visa_request"),
    path("dossiers/<int:pk>/laureats/", views.publish_consent, name="publish_consent"),
    path("dossiers/<int:pk>/lever-une-regle/", views.lift_rule, name="lift_rule"),
]
