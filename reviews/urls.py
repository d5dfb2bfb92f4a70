from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("circuit/", views.workflow_page, name="workflow"),
    path("dossiers/", views.application_list, name="applications"),
    path("dossiers/<int:pk>/", views.application_detail, name="application_detail"),
    path("dossiers/<int:pk>/suite/<slug:part>/", views.dossier_lower, name="dossier_lower"),
    path("dossiers/<int:pk>/action/", views.transition, name="transition"),
    path("dossiers/<int:pk>/verifications/", views.save_checklist, name="checklist"),
    path("dossiers/<int:pk>/recevabilite/", views.admissibility, name="admissibility"),
    path("dossiers/<int:pk>/evaluateurs/", views.assign, name="assign"),
    path("dossiers/<int:pk>/notes/", views.add_note, name="add_note"),
    path("dossiers/<int:pk>/avis-operateur/", views.operator_opinion, name="operator_opinion"),
    path("dossiers/<int:pk>/evaluations-partagees/", views.shared_reviews, name="shared_reviews"),
    path("attributions/<int:pk>/retirer/", views.unassign, name="unassign"),
    path("evaluations/<int:pk>/partage/", views.share_review, name="share_review"),
    path("evaluateur/", views.reviewer_home, name="reviewer_home"),
    path("evaluateur/<int:pk>/", views.review_form, name="review"),
    path("evaluateur/<int:pk>/conflit/", views.declare_conflict, name="declare_conflict"),
    path("comites/", views.committee_list, name="committee_list"),
    path("comites/<int:pk>/", views.committee_detail, name="committee_detail"),
    path("comites/<int:pk>/inscrire/", views.committee_add, name="committee_add"),
    path("comites/<int:pk>/dossiers/<int:application_pk>/decision/", views.decide, name="decide"),
]
