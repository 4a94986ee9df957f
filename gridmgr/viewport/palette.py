"""One colour per case status, for every map that draws cases and its legend (/map/ and
/issues/map/): the pages take it from here, so a status never has two colours."""

from __future__ import annotations

from gridmgr.i18n import local_label
from gridmgr.models import Issue

# New work is warm (orange, amber), work in hand cool (blue, cyan), done green, on hold or
# refused grey; none is the red of blind spots or the violet of overlaps on the map.
STATUS_COLOURS: dict[str, str] = {
    Issue.Status.REPORTED.value: "#f76707",
    Issue.Status.REGISTERED.value: "#f59f00",
    Issue.Status.DISPATCHED.value: "#1c7ed6",
    Issue.Status.HANDLING.value: "#1098ad",
    Issue.Status.HANDLED.value: "#74b816",
    Issue.Status.CLOSED.value: "#2b8a3e",
    Issue.Status.SUSPENDED.value: "#868e96",
    Issue.Status.REJECTED.value: "#adb5bd",
}


def status_legend() -> list[dict[str, str]]:
    """Every status in the loop's order with its colour and its label in the active language."""
    return [
        {"status": str(value), "label": local_label(label), "colour": STATUS_COLOURS[value]}
        for value, label in Issue.Status.choices
    ]
