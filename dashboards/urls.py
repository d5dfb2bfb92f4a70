from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("programme/", views.staff, name="staff"),
    path("programme/csv/<slug:key>/", views.staff_csv, name="staff_csv"),
    path("mes-chiffres/", views.mine, name="mine"),
    path("mes-chiffres/csv/<slug:key>/", views.mine_csv, name="mine_csv"),
    path("laureats/", views.laureates_page, name="laureates"),
    path("laureats/laureats.csv", views.laureates_csv, name="laureates_csv"),
    path("laureats/iati-activites.xml", views.laureates_iati, name="laureates_iati"),
]
