"""URLs of the scoreboard page (/scores/) and its workbook (/scores.xlsx)."""

from django.urls import URLPattern, URLResolver, path

from gridmgr.scores import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("scores/", views.scores_page, name="scores"),
    path("scores.xlsx", views.scores_download, name="scores_xlsx"),
]
