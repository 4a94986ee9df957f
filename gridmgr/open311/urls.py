"""URLs of Open311 GeoReport v2, under /open311/v2/: every resource as .xml or .json."""

from django.urls import URLPattern, URLResolver, re_path

from gridmgr.open311 import views

app_name = "open311"

# A resource name, then the format; anything else under v2/ is a 404 in the specification's shape.
FORMAT = r"\.(?P<fmt>xml|json)$"
ID = r"(?P<{}>[^/]+?)"

urlpatterns: list[URLPattern | URLResolver] = [
    re_path(r"^v2/discovery" + FORMAT, views.discovery, name="discovery"),
    re_path(r"^v2/services" + FORMAT, views.services, name="services"),
    re_path(
        r"^v2/services/" + ID.format("code") + FORMAT, views.service_definition, name="service"
    ),
    re_path(r"^v2/requests" + FORMAT, views.requests, name="requests"),
    re_path(
        r"^v2/requests/" + ID.format("request_id") + FORMAT, views.request_detail, name="request"
    ),
    re_path(r"^v2/tokens/" + ID.format("token") + FORMAT, views.token, name="token"),
    re_path(r"^v2/openapi\.json$", views.openapi, name="openapi"),
    re_path(r"^v2/", views.not_found),
]
