from django.urls import path

from . import views

app_name = "intents"

urlpatterns = [
    path("appels/<int:call_pk>/commencer/", views.start, name="start"),
    path("appels/<int:call_pk>/", views.call_statements, name="call_statements"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/modifier/", views.edit, name="edit"),
    path("<int:pk>/deposer/", views.submit, name="submit"),
    path("<int:pk>/retirer/", views.withdraw, name="withdraw"),
    path("<int:pk>/decision/", views.decide, name="decide"),
]
