"""Coverage reports for the page and its exports, cached until the zones or owners change.

Analysing the whole district takes one to three seconds. A report is cached (Django's cache,
per process with the default LocMemCache) under a key made of the region, the layer, the
layer's latest plan activation, its zone edits, the ownerships, the regions and the local date
(ownerships are dated). The change since the last snapshot is added after the cache, so a new
snapshot shows at once.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from gridmgr.conf import env_int
from gridmgr.models import CoverageSnapshot, Layer, Region
from gridmgr.services.coverage import LayerCoverage, analyse_layer, save_snapshot, with_change

# Longest life of a cached report (seconds): a change the fingerprint misses (an ownership's
# start date edited in place) shows after this long at most.
DEFAULT_CACHE_S = env_int("GRIDMGR_COVERAGE_CACHE_S", 600)

_FINGERPRINT_SQL = """
SELECT (SELECT coalesce(max(id), 0) FROM gridmgr_planactivation WHERE layer_id = %(layer)s),
  (SELECT coalesce(max(updated_at)::text, '-') || '/' || count(*) || '/'
     || count(*) FILTER (WHERE active) FROM gridmgr_zone WHERE layer_id = %(layer)s),
  (SELECT count(*) || '/' || coalesce(max(id), 0) || '/' || count(valid_to) || '/'
     || coalesce(max(valid_to)::text, '-') FROM gridmgr_ownership),
  (SELECT count(*) || '/' || coalesce(max(id), 0) FROM gridmgr_region)
"""


def cache_seconds() -> int:
    """How long a report stays cached (GRIDMGR_COVERAGE_CACHE_S, seconds)."""
    return int(getattr(settings, "GRIDMGR_COVERAGE_CACHE_S", DEFAULT_CACHE_S))


def cache_key(region: Region, layer: Layer) -> str:
    """The cache key of a report: it changes whenever what the analysis reads changes."""
    with connection.cursor() as cur:
        cur.execute(_FINGERPRINT_SQL, {"layer": layer.pk})
        row = cur.fetchone()
    state = "|".join(str(v) for v in row)
    state += f"|{region.pk}:{region.code}|{layer.pk}|{timezone.localdate()}"
    state += f"|{settings.GRIDMGR_SLIVER_M2}"
    return "gridmgr:coverage_web:" + hashlib.sha1(state.encode()).hexdigest()


def layer_report(region: Region, layer: Layer) -> LayerCoverage:
    """The coverage of a region by a layer, without the change (cached)."""
    key = cache_key(region, layer)
    found = cache.get(key)
    if isinstance(found, LayerCoverage):
        return found
    report = analyse_layer(region, layer)
    cache.set(key, report, cache_seconds())
    return report


def report(region: Region, layer: Layer) -> LayerCoverage:
    """The coverage of a region by a layer and its change since the last snapshot."""
    return with_change(layer_report(region, layer), region, layer)


def reports(region: Region, layers: list[Layer]) -> list[LayerCoverage]:
    """Reports for each layer, in the order given."""
    return [report(region, layer) for layer in layers]


def store_snapshots(region: Region, layers: list[Layer]) -> list[CoverageSnapshot]:
    """Store the current coverage of each layer as a dated snapshot."""
    return [save_snapshot(layer_report(region, layer), region, layer) for layer in layers]
