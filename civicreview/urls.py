from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from audit.api import urls as audit_api
from civicreview.health import healthz
from documents.api import urls as documents_api
from holds.api import urls as holds_api
from insight import urls as insight_urls
from notifications.api import urls as notifications_api
from public import urls as public_urls
from reviews.api import urls as reviews_api
from search import urls as search_urls
from workflows.api import urls as workflows_api

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: no inline script under the CSP.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
    path(
        "api/",
        include(
            (
                [
                    *documents_api.urlpatterns,
                    *reviews_api.urlpatterns,
                    *workflows_api.urlpatterns,
                    *holds_api.urlpatterns,
                    *audit_api.urlpatterns,
                    *notifications_api.urlpatterns,
                    *public_urls.api_urlpatterns,
                    *insight_urls.urlpatterns,
                    *search_urls.api_urlpatterns,
                ],
                "api",
            )
        ),
    ),
    path("", include("public.urls")),
    path("", include("search.urls")),
    path("", include("workflows.urls")),
    path("", include("notifications.urls")),
    path("", include("holds.urls")),
    path("", include("documents.urls")),
]
