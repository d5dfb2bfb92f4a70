from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("inscription/", views.register, name="register"),
    path("mon-association/", views.my_organisation, name="my_organisation"),
    path("actions/", views.actions, name="actions"),
    path("import/", views.import_members, name="import"),
    path("import/annuler/", views.import_cancel, name="import_cancel"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/modifier/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/valider/", views.organisation_validate, name="organisation_validate"),
    path("organisations/<int:pk>/refuser/", views.organisation_reject, name="organisation_reject"),
    path("organisations/<int:pk>/historique/", views.organisation_history, name="organisation_history"),
    path("organisations/<int:pk>/reseaux/", views.network_link_add, name="network_link_add"),
    path("organisations/<int:pk>/reseaux/<int:link_pk>/retirer/", views.network_link_remove, name="network_link_remove"),
    path("organisations/<int:pk>/inviter/", views.invite, name="invite"),
    path(
        "organisations/<int:pk>/invitations/<int:invitation_pk>/annuler/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("organisations/<int:pk>/membres/<int:membership_pk>/", views.member_update, name="member_update"),
    path("organisations/<int:pk>/documents/ajouter/", views.document_add, name="document_add"),
    path("documents/<int:document_pk>/", views.document_download, name="document_download"),
    path("documents/<int:document_pk>/supprimer/", views.document_delete, name="document_delete"),
    path("organisations/<int:pk>/actions/ajouter/", views.action_form, name="action_add"),
    path("organisations/<int:pk>/actions/<int:action_pk>/", views.action_form, name="action_edit"),
    path("organisations/<int:pk>/actions/<int:action_pk>/supprimer/", views.action_delete, name="action_delete"),
]
