"""Coverage reports for the page and its exports, cached until the zones or owners change.

Analysing the whole district takes one to three seconds. A report is cached in the shared cache
(gridmgr/coverage/cache.py) under a key made of the region, the layer, the layer's latest plan
activation, its zone edits, the ownerships, the regions and the local date (ownerships are dated). The change since the last snapshot is added after the cache, so a new
snapshot shows at once.
"""

from __future__ import annotations

from django.conf import settings

from gridmgr.conf import env_int
from gridmgr.coverage.analysis import LayerCoverage, analyse_layer, save_snapshot, with_change
from gridmgr.coverage.cache import computed_once, layer_key
from gridmgr.models import CoverageSnapshot, Layer, Region

# Longest life of a cached report (seconds): a change the fingerprint misses (an ownership's
# start date edited in place) shows after this long at most.
DEFAULT_CACHE_S = env_int("GRIDMGR_COVERAGE_CACHE_S", 600)


def cache_seconds() -> int:
    """How long a report stays cached (GRIDMGR_COVERAGE_CACHE_S, seconds)."""
    return int(getattr(settings, "GRIDMGR_COVERAGE_CACHE_S", DEFAULT_CACHE_S))


def cache_key(region: Region, layer: Layer) -> str:
    """The cache key of a report: it changes whenever what the analysis reads changes."""
    return layer_key("gridmgr:coverage_web:", layer, f"{region.pk}:{region.code}")


def layer_report(region: Region, layer: Layer) -> LayerCoverage:
    """The coverage of a region by a layer, without the change (cached)."""
    key = cache_key(region, layer)
    return computed_once(key, LayerCoverage, lambda: analyse_layer(region, layer), cache_seconds())


def report(region: Region, layer: Layer) -> LayerCoverage:
    """The coverage of a region by a layer and its change since the last snapshot."""
    return with_change(layer_report(region, layer), region, layer)


def reports(region: Region, layers: list[Layer]) -> list[LayerCoverage]:
    """Reports for each layer, in the order given."""
    return [report(region, layer) for layer in layers]


def store_snapshots(region: Region, layers: list[Layer]) -> list[CoverageSnapshot]:
    """Store the current coverage of each layer as a dated snapshot."""
    return [save_snapshot(layer_report(region, layer), region, layer) for layer in layers]
