from django.urls import path

from . import views

app_name = "support"

urlpatterns = [
    path("", views.operator_home, name="operator_home"),
    path("activite/", views.staff_activity, name="staff_activity"),
    path("mon-activite/", views.operator_activity, name="operator_activity"),
    path("associations/<int:pk>/", views.association, name="association"),
    path("associations/<int:pk>/suivi/", views.log_create, name="log_create"),
    path("suivis/<int:log_pk>/modifier/", views.log_edit, name="log_edit"),
    path("suivis/<int:log_pk>/supprimer/", views.log_delete, name="log_delete"),
    path("associations/<int:pk>/convention/", views.agreement_create, name="agreement_create"),
    path("conventions/<int:pk>/fichier/", views.agreement_file, name="agreement_file"),
]
