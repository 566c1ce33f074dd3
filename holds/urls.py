from django.urls import path

from holds import views

app_name = "holds"

urlpatterns = [
    path("cases/<int:pk>/holds/", views.place, name="place"),
    path("cases/<int:pk>/holds/<int:hold_id>/release/", views.release, name="release"),
]
