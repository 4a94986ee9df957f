"""URLs of the map page and its data endpoints, mounted at /map/."""

from django.urls import path

from gridmgr.maps import views

app_name = "maps"

urlpatterns = [
    path("", views.map_page, name="page"),
    path("layers/<int:layer_id>.geojson", views.layer_features, name="layer"),
    path("tiles/<int:layer_id>/<int:z>/<int:x>/<int:y>.pbf", views.layer_tile, name="tile"),
    path("context.geojson", views.context_features, name="context"),
    path("basemap/<int:z>/<int:x>/<int:y>", views.basemap_tile, name="basemap"),
    path("regions.geojson", views.region_features, name="regions"),
    path("stations.geojson", views.station_features, name="stations"),
    path("issues.geojson", views.issue_features, name="issues"),
    path("coverage.geojson", views.coverage_features, name="coverage"),
    path("search", views.search, name="search"),
    path("zones/<int:zone_id>/panel", views.zone_panel, name="panel"),
]
