"""URLs of the REST API under /api/ (namespace "api"); README lists the endpoints."""

from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from gridmgr.api import docs, issue_views, score_views, views

app_name = "api"

router = DefaultRouter()
router.register("regions", views.RegionViewSet, basename="region")
router.register("layers", views.LayerViewSet, basename="layer")
router.register("categories", views.CategoryViewSet, basename="category")
router.register("plans", views.PlanViewSet, basename="plan")
router.register("zones", views.ZoneViewSet, basename="zone")
router.register("owners", views.OwnerViewSet, basename="owner")
router.register("ownerships", views.OwnershipViewSet, basename="ownership")
router.register("stations", views.StationViewSet, basename="station")
router.register("issues", issue_views.IssueViewSet, basename="issue")

urlpatterns: list[URLPattern | URLResolver] = [
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("me/", views.MeView.as_view(), name="me"),
    path("coverage/", views.CoverageView.as_view(), name="coverage"),
    path("scores/", score_views.ScoresView.as_view(), name="scores"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerView.as_view(url_name="api:schema", template_name="api/swagger_ui.html"),
        name="docs",
    ),
    path(
        "redoc/",
        SpectacularRedocView.as_view(url_name="api:schema", template_name="api/redoc.html"),
        name="redoc",
    ),
    path("redoc/redoc.standalone.js", docs.redoc_bundle, name="redoc-bundle"),
    path("", include(router.urls)),
]
