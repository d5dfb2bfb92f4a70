from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.agenda, name="agenda"),
    path("agenda.ics", views.agenda_ics, name="agenda_ics"),
    path("nouveau/", views.event_form, name="create"),
    path("frequentation/", views.attendance, name="attendance"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>.ics", views.event_ics, name="ics"),
    path("<int:pk>/modifier/", views.event_form, name="edit"),
    path("<int:pk>/inscription/", views.register, name="register"),
    path("<int:pk>/inscrits/", views.registrations, name="registrations"),
    path("<int:pk>/pointage/", views.checkin, name="checkin"),
    path("<int:pk>/pointage/<int:registration_pk>/", views.checkin_toggle, name="checkin_toggle"),
    path("<int:pk>/ceremonie/", views.ceremony, name="ceremony"),
    path("<int:pk>/ceremonie/inviter/", views.ceremony_invite, name="ceremony_invite"),
    path("<int:pk>/ceremonie/<int:invitation_pk>/", views.ceremony_mark, name="ceremony_mark"),
    path("inscriptions/<int:pk>/annuler/", views.cancel, name="cancel"),
]
