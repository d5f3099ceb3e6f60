"""Norms for waiting: the GGZ treeknorm (4 weeks to intake, 10 weeks intake to treatment) and
"schadelijk wachten", more than 3 months (HL-2023 §4.1)."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping

TREEKNORM_AANMELD_WEEKS = 4
TREEKNORM_BEHANDEL_WEEKS = 10
HARMFUL_WAIT_WEEKS = 13  # more than 3 months


def flags(wait: Mapping[str, Any]) -> List[str]:
    """'over_treeknorm' and/or 'harmful_wait' for one provider's current wait."""
    found = []
    behandel = wait.get("behandel_weeks") or 0
    if wait["aanmeld_weeks"] > TREEKNORM_AANMELD_WEEKS or behandel > TREEKNORM_BEHANDEL_WEEKS:
        found.append("over_treeknorm")
    if wait["aanmeld_weeks"] + behandel > HARMFUL_WAIT_WEEKS:
        found.append("harmful_wait")
    return found


def with_flags(waits: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [{**wait, "flags": flags(wait)} for wait in waits]
