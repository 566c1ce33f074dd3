from django.urls import path

from search import api, views

app_name = "search"

api_urlpatterns = [
    path("search/", api.SearchView.as_view(), name="search"),
    path("versions/<int:pk>/find/", api.FindInVersion.as_view(), name="version-find"),
]
urlpatterns = [
    path("search/", views.search_page, name="search"),
]
