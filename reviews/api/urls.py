from django.urls import path

from reviews.api import chest, views

urlpatterns = [
    path("versions/<int:pk>/annotations/", views.VersionAnnotations.as_view(), name="version-annotations"),
    path("versions/<int:pk>/annotations/summary.csv", chest.SummaryCsv.as_view(), name="markup-summary-csv"),
    path("versions/<int:pk>/annotations/summary.pdf", chest.SummaryPdf.as_view(), name="markup-summary-pdf"),
    path("versions/<int:pk>/events/", views.VersionEvents.as_view(), name="version-events"),
    path("versions/<int:pk>/pages/<int:number>/", views.PageSettings.as_view(), name="page-settings"),
    path("versions/<int:pk>/changes/", views.VersionChanges.as_view(), name="version-changes"),
    path("versions/<int:pk>/unmatched/<int:annotation>/place/", views.PlaceUnmatched.as_view(), name="place-unmatched"),
    path("annotations/<int:pk>/", views.AnnotationDetail.as_view(), name="annotation-detail"),
    path("annotations/<int:pk>/comments/", views.AnnotationComments.as_view(), name="annotation-comments"),
    path("standard-comments/", chest.StandardComments.as_view(), name="standard-comments"),
    path("standard-comments/<int:pk>/", chest.StandardCommentDetail.as_view(), name="standard-comment-detail"),
    path("stamps/", chest.Stamps.as_view(), name="stamps"),
]
