"""URLs of the zone editor, mounted at /editor/."""

from django.urls import URLPattern, path

from gridmgr.editor import views

app_name = "editor"

urlpatterns: list[URLPattern] = [
    path("", views.editor_page, name="page"),
    path("drafts", views.new_draft, name="drafts"),
    path("fix", views.fix, name="fix"),
    path("plans/<int:plan_id>/search", views.search, name="search"),
    path("layers/<int:layer_id>/pieces.geojson", views.pieces, name="pieces"),
    path("plans/<int:plan_id>/layers/<int:layer_id>.geojson", views.zones, name="zones"),
    path("plans/<int:plan_id>/layers/<int:layer_id>/zones", views.draw, name="draw"),
    path("plans/<int:plan_id>/layers/<int:layer_id>/preview", views.preview, name="preview"),
    path("plans/<int:plan_id>/summary", views.summary, name="summary"),
    path("zones/<int:zone_id>/cut", views.cut, name="cut"),
    path("zones/<int:zone_id>/split", views.split, name="split"),
    path("zones/merge", views.merge, name="merge"),
    path("owners", views.owners, name="owners"),
]
