from django.urls import path

from accounts.api import TokenView
from documents.api import views

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("cases/", views.CaseList.as_view(), name="case-list"),
    path("cases/<int:pk>/", views.CaseDetail.as_view(), name="case-detail"),
    path("cases/<int:pk>/applicants/", views.CaseApplicants.as_view(), name="case-applicants"),
    path("cases/<int:pk>/applicants/<str:username>/", views.CaseApplicant.as_view(), name="case-applicant"),
    path("cases/<int:pk>/documents/", views.CaseDocuments.as_view(), name="case-documents"),
    path("documents/<int:pk>/", views.DocumentDetail.as_view(), name="document-detail"),
    path("documents/<int:pk>/versions/", views.DocumentVersions.as_view(), name="document-versions"),
    path("versions/<int:pk>/", views.VersionDetail.as_view(), name="version-detail"),
    path("versions/<int:pk>/file/", views.VersionFile.as_view(), name="version-file"),
    path("versions/<int:pk>/pages/<int:number>/thumbnail/", views.PageThumbnail.as_view(), name="page-thumbnail"),
]
