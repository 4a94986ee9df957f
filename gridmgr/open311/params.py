"""Parse GeoReport v2 parameters into typed values, refusing bad input with bilingual messages.

Empty parameters count as absent ("Optional Arguments" in the specification); parameters the
specification does not name are ignored, as are attribute[...] values (no service has any).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.http import QueryDict
from django.utils import timezone

from geodata.coords import COORD_SYSTEMS
from gridmgr.models import Issue
from gridmgr.open311.errors import InvalidRequest
from gridmgr.validators import first_refusal, years_refusal

# Limits of the specification (description) and of the Issue fields the values go into.
DESCRIPTION_MAX = 4000
NAME_MAX = Issue._meta.get_field("reporter_name").max_length or 100
CONTACT_MAX = Issue._meta.get_field("reporter_contact").max_length or 100
ADDRESS_MAX = Issue._meta.get_field("address").max_length or 200
# Leaves room in Issue.idempotency_key for the per-client namespace.
IDEMPOTENCY_KEY_MAX = 64
# "the range defaults to most recent 90 days" and "may not span more than 90 days".
MAX_SPAN = dt.timedelta(days=90)
STATUSES = ("open", "closed")

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class NewRequest:
    """A service request as posted, its location still in `coord_sys`."""

    service_code: str
    lon: float
    lat: float
    coord_sys: str = "wgs84"
    description: str = ""
    address: str = ""
    reporter_name: str = ""
    reporter_contact: str = ""
    account_id: str | None = None
    media_url: str | None = None
    idempotency_key: str | None = None


@dataclass(frozen=True)
class RequestQuery:
    """Filters of GET requests: either ids, or service codes, a date range and statuses."""

    ids: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    statuses: tuple[str, ...] = ()


def value(params: QueryDict, name: str) -> str | None:
    """A parameter stripped of surrounding blanks, or None when absent or empty."""
    raw = params.get(name)
    return (raw.strip() or None) if raw is not None else None


def comma_list(params: QueryDict, name: str) -> tuple[str, ...]:
    """A parameter that may be repeated and comma-delimited, as its distinct values in order."""
    found = [v.strip() for raw in params.getlist(name) for v in raw.split(",")]
    return tuple(dict.fromkeys(v for v in found if v))


def coordinate(params: QueryDict, name: str, limit: float) -> float:
    """A finite number within ±limit."""
    raw = value(params, name) or ""
    try:
        number = float(raw)
    except ValueError:
        raise InvalidRequest(
            f"{name} 不是数字：{raw!r}", f"{name} is not a number: {raw!r}"
        ) from None
    if not math.isfinite(number) or abs(number) > limit:
        raise InvalidRequest(
            f"{name} 超出范围（±{limit:g}）：{raw}", f"{name} is out of range (±{limit:g}): {raw}"
        )
    return number


def location(params: QueryDict) -> tuple[float, float]:
    """The (lon, lat) of a posted request; an address alone is refused (no geocoder)."""
    lat, lon = value(params, "lat"), value(params, "long")
    if lat is None and lon is None:
        if value(params, "address_string") or value(params, "address_id"):
            raise InvalidRequest(
                "暂不支持仅凭地址上报，请同时提供坐标 lat 和 long",
                "an address alone cannot be placed on the grid: send lat and long as well",
            )
        raise InvalidRequest("缺少位置：请提供 lat 和 long", "location missing: send lat and long")
    if lat is None or lon is None:
        missing = "lat" if lat is None else "long"
        raise InvalidRequest(
            f"缺少 {missing}：lat 和 long 须同时提供",
            f"{missing} is missing: lat and long must be sent together",
        )
    return coordinate(params, "long", 180.0), coordinate(params, "lat", 90.0)


def bounded(params: QueryDict, name: str, limit: int) -> str:
    """A text parameter of at most `limit` characters ('' when absent)."""
    text = value(params, name) or ""
    if len(text) > limit:
        raise InvalidRequest(
            f"{name} 过长（最多 {limit} 个字符）",
            f"{name} is too long (at most {limit} characters)",
        )
    return text


def person_name(first: str, last: str) -> str:
    """The reporter's name: family name first, unspaced, for Chinese names."""
    if _CJK.search(first + last):
        return last + first
    return " ".join(p for p in (first, last) if p)


def contact(params: QueryDict) -> str:
    """Phone and e-mail of the reporter, checked, in one line."""
    email = value(params, "email")
    if email is not None:
        try:
            validate_email(email)
        except ValidationError:
            raise InvalidRequest(
                f"email 格式不正确：{email}", f"email is not a valid address: {email}"
            ) from None
    text = "; ".join(p for p in (value(params, "phone"), email) if p)
    if len(text) > CONTACT_MAX:
        raise InvalidRequest(
            f"phone 与 email 合计过长（最多 {CONTACT_MAX} 个字符）",
            f"phone and email are too long together (at most {CONTACT_MAX} characters)",
        )
    return text


def media_url(params: QueryDict) -> str | None:
    """An http(s) URL of the reporter's photo, if given."""
    url = value(params, "media_url")
    if url is not None:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise InvalidRequest(
                f"media_url 不是有效的 http(s) 地址：{url}",
                f"media_url is not an http(s) URL: {url}",
            ) from None
    return url


def new_request(params: QueryDict, idempotency_header: str | None = None) -> NewRequest:
    """The service request posted in `params` (the form), with its idempotency key."""
    code = value(params, "service_code")
    if code is None:
        raise InvalidRequest("缺少 service_code", "service_code is missing")
    lon, lat = location(params)
    coord_sys = value(params, "coord_sys") or "wgs84"
    if coord_sys not in COORD_SYSTEMS:
        raise InvalidRequest(
            f"未知的坐标系 coord_sys：{coord_sys}，可选 {'、'.join(COORD_SYSTEMS)}",
            f"unknown coord_sys {coord_sys!r}; choose one of {', '.join(COORD_SYSTEMS)}",
        )
    name = person_name(
        bounded(params, "first_name", NAME_MAX), bounded(params, "last_name", NAME_MAX)
    )
    if len(name) > NAME_MAX:
        raise InvalidRequest(
            f"姓名过长（最多 {NAME_MAX} 个字符）",
            f"the name is too long (at most {NAME_MAX} characters)",
        )
    header = (idempotency_header or "").strip()
    # The form's fields passed the request guard (gridmgr.server.input_guard); a header did not.
    refused = first_refusal(iter([("Idempotency-Key", header)]))
    if refused is not None:
        raise InvalidRequest(*refused)
    key = header or value(params, "idempotency_key")
    if key is not None and len(key) > IDEMPOTENCY_KEY_MAX:
        raise InvalidRequest(
            f"幂等键过长（最多 {IDEMPOTENCY_KEY_MAX} 个字符）",
            f"the idempotency key is too long (at most {IDEMPOTENCY_KEY_MAX} characters)",
        )
    return NewRequest(
        service_code=code,
        lon=lon,
        lat=lat,
        coord_sys=coord_sys,
        description=bounded(params, "description", DESCRIPTION_MAX),
        address=bounded(params, "address_string", ADDRESS_MAX),
        reporter_name=name,
        reporter_contact=contact(params),
        account_id=value(params, "account_id"),
        media_url=media_url(params),
        idempotency_key=key,
    )


def w3c_datetime(raw: str, name: str) -> dt.datetime:
    """A W3C datetime (ISO 8601 subset); a bare date means its start in the server's time zone."""
    # An unencoded "+08:00" in a query string arrives as " 08:00".
    text = re.sub(r" (\d{2}:?\d{2})$", r"+\1", raw.strip())
    try:
        if _DATE_ONLY.match(text):
            day = dt.date.fromisoformat(text)
            moment = dt.datetime.combine(day, dt.time())
            return timezone.make_aware(within_years(moment, name, raw))
        parsed = dt.datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        parsed = None
    if parsed is None or "T" not in text.upper():
        raise InvalidRequest(
            f"{name} 不是 W3C 日期时间：{raw!r}（例如 2026-01-01T00:00:00+08:00）",
            f"{name} is not a W3C datetime: {raw!r} (e.g. 2026-01-01T00:00:00Z)",
        )
    if parsed.tzinfo is None:
        raise InvalidRequest(
            f"{name} 缺少时区（Z 或 +08:00）：{raw!r}",
            f"{name} has no time zone (Z or an offset such as +08:00): {raw!r}",
        )
    return within_years(parsed, name, raw)


def within_years(moment: dt.datetime, name: str, raw: str) -> dt.datetime:
    """The moment, if its year is within the accepted years."""
    if why := years_refusal(moment.year):
        raise InvalidRequest(
            f"{name} 超出范围（{why[0]}）：{raw!r}", f"{name} is out of range ({why[1]}): {raw!r}"
        )
    return moment


def date_range(params: QueryDict, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """start_date and end_date, defaulting to the most recent 90 days, spanning at most 90."""
    start_raw, end_raw = value(params, "start_date"), value(params, "end_date")
    start = w3c_datetime(start_raw, "start_date") if start_raw else None
    end = w3c_datetime(end_raw, "end_date") if end_raw else None
    if start is None:
        end = end or now
        return end - MAX_SPAN, end
    end = end or start + MAX_SPAN
    if end < start:
        raise InvalidRequest("end_date 早于 start_date", "end_date is earlier than start_date")
    if end - start > MAX_SPAN:
        raise InvalidRequest(
            "start_date 与 end_date 相距不得超过 90 天",
            "start_date to end_date may not span more than 90 days",
        )
    return start, end


def request_query(params: QueryDict, now: dt.datetime) -> RequestQuery:
    """The filters of GET requests; service_request_id overrides all the others."""
    ids = comma_list(params, "service_request_id")
    if ids:
        return RequestQuery(ids=ids)
    statuses = comma_list(params, "status")
    unknown = [s for s in statuses if s not in STATUSES]
    if unknown:
        raise InvalidRequest(
            f"status 只能是 open 或 closed：{', '.join(unknown)}",
            f"status must be open or closed: {', '.join(unknown)}",
        )
    start, end = date_range(params, now)
    return RequestQuery(
        service_codes=comma_list(params, "service_code"), start=start, end=end, statuses=statuses
    )
