"""URLs of the case-work pages (staff: /issues/…; public: /report/, /track/)."""

from django.urls import path

from gridmgr.casework.web import views

app_name = "casework"

urlpatterns = [
    path("issues/", views.issue_list, name="list"),
    path("issues/map/", views.issue_map, name="map"),
    path("issues/map/issues.geojson", views.issue_points, name="points"),
    path("issues/<int:pk>/", views.issue_detail, name="detail"),
    path("issues/<int:pk>/act/", views.issue_act, name="act"),
    path("report/", views.report, name="report"),
    path("report/thanks/", views.report_thanks, name="thanks"),
    path("track/", views.track, name="track"),
]
