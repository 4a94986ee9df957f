"""An existing Open311 client works unchanged: discover, list, post, follow until closed."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from django.test import Client
from django.utils import timezone

from gridmgr.casework.loop import apply
from gridmgr.models import Issue
from tests.gridmgr.open311_client import a_point, centre_user, new_key
from tests.world import World


def get_xml(client: Client, path: str) -> ET.Element:
    response = client.get(path)
    assert response.status_code == 200, response.content
    return ET.fromstring(response.content)


def test_a_311_client_reports_and_follows_a_case_until_it_is_closed(
    client: Client, world: World
) -> None:
    key = new_key("hotline vendor")
    # 1. Discovery names the v2 endpoint; the client keeps only its URL.
    discovery = get_xml(client, "/open311/v2/discovery.xml")
    base = discovery.findtext("endpoints/endpoint/url") or ""
    assert discovery.findtext("endpoints/endpoint/specification") == (
        "http://wiki.open311.org/GeoReport_v2"
    )
    # 2. The service list; exposed rubbish needs no service definition (metadata false).
    services = get_xml(client, f"{base}/services.xml")
    rubbish = next(s for s in services if s.findtext("service_name") == "暴露垃圾")
    code = rubbish.findtext("service_code") or ""
    assert rubbish.findtext("metadata") == "false"
    # 3. Post the request the way the specification's example does.
    lon, lat = a_point(world, 5)
    posted = client.post(
        f"{base}/requests.xml",
        f"api_key={key}&service_code={code}&lat={lat}&long={lon}"
        "&description=%E5%9E%83%E5%9C%BE%E5%A0%86%E6%94%BE&first_name=Li&last_name=Lei",
        content_type="application/x-www-form-urlencoded; charset=utf-8",
    )
    assert posted.status_code == 201
    request_id = ET.fromstring(posted.content).findtext("request/service_request_id") or ""
    # 4. Follow it: open, then closed once the centre has verified the handling.
    path = f"{base}/requests/{request_id}.xml"
    assert get_xml(client, path).findtext("request/status") == "open"
    issue = Issue.objects.get(tracking_number=request_id)
    assert issue.description == "垃圾堆放" and issue.reporter_name == "Li Lei"
    assert issue.department == world.owners["城管"]
    _close(issue)
    closed = get_xml(client, path).find("request")
    assert closed is not None
    assert closed.findtext("status") == "closed"
    assert closed.findtext("status_notes") == "已结案 / closed"
    issue.refresh_from_db()
    assert issue.closed_at is not None
    closed_at = timezone.localtime(issue.closed_at).isoformat(timespec="seconds")
    assert closed.findtext("updated_datetime") == closed_at
    # 5. It is also among the closed requests of its service.
    listed = get_xml(client, f"{base}/requests.xml?status=closed&service_code={code}")
    assert [r.findtext("service_request_id") for r in listed] == [request_id]


def _close(issue: Issue) -> None:
    """Take the case through the loop: register, dispatch, accept, handle, verify."""
    centre, verifier = centre_user("值班员"), centre_user("核查员")
    for action in ("register", "dispatch", "accept"):
        apply(issue, action, centre)
    apply(issue, "handle", centre, evidence=1)  # one photo uploaded with the report-back
    apply(issue, "verify", verifier)
