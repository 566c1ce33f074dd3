from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path("", views.case_list, name="case-list"),
    path("cases/<int:pk>/", views.case_detail, name="case-detail"),
    path("cases/<int:pk>/answers/<int:annotation_id>/", views.answer, name="answer"),
    path("versions/<int:pk>/", views.viewer, name="viewer"),
]
