from django.urls import path

from public import views

app_name = "public"

api_urlpatterns = [
    path("public/cases/<str:number>/", views.CaseStatus.as_view(), name="public-case"),
    path("public/cases.csv", views.OpenDataCsv.as_view(), name="public-cases-csv"),
    path("public/cases.json", views.OpenDataJson.as_view(), name="public-cases-json"),
]
urlpatterns = [
    path("public/cases/<str:number>/", views.case_status_page, name="case-status"),
]
