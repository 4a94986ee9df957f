"""URLs of the coverage page and its export jobs, mounted at /coverage/."""

from django.urls import path

from gridmgr.coverage import views

app_name = "coverage"

urlpatterns = [
    path("", views.coverage_page, name="page"),
    path("snapshot/", views.store_snapshot, name="snapshot"),
    path("export/", views.start_export, name="export"),
    path("export/<uuid:job_id>/", views.export_status, name="export_status"),
    path("export/<uuid:job_id>/download", views.export_download, name="export_download"),
]
