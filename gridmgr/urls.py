"""URL configuration of gridmgr."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from gridmgr import views

urlpatterns = [
    path("", views.start, name="home"),
    path("overview/", views.overview, name="overview"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/", include("gridmgr.api.urls")),
    path("open311/", include("gridmgr.open311.urls")),
    path("map/", include("gridmgr.maps.urls")),
    path("coverage/", include("gridmgr.coverage.urls")),
    path("editor/", include("gridmgr.editor.urls")),
    path("", include("gridmgr.casework.web.urls")),
    path("", include("gridmgr.scores.urls")),
    *static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT),
]
# A server error shows the request id, in the format of the API, Open311 or the pages.
handler500 = "gridmgr.server.request_id.server_error"
