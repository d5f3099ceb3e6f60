"""The bot's client for the waiting-times service: short timeouts, one retry, a short cache.
Returns None when the service is down or slow, so the conversation can go on without it."""

from __future__ import annotations

import time
from typing import Any, Dict, List, Optional, Tuple

import requests

from bot.settings import WAITS_URL


class WaitingTimesClient:
    def __init__(
        self,
        base_url: str = WAITS_URL,
        connect_timeout: float = 1.0,
        read_timeout: float = 2.0,
        retries: int = 1,
        cache_seconds: float = 60.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = (connect_timeout, read_timeout)
        self.retries = retries
        self.cache_seconds = cache_seconds
        self._cache: Dict[Tuple[str, str], Tuple[float, List[Dict[str, Any]]]] = {}
        self._session = requests.Session()

    def waits(self, municipality: str, kind: str) -> Optional[List[Dict[str, Any]]]:
        key = (municipality, kind)
        cached = self._cache.get(key)
        if cached and time.monotonic() - cached[0] < self.cache_seconds:
            return cached[1]
        for _ in range(1 + self.retries):
            try:
                response = self._session.get(
                    f"{self.base_url}/v1/waits",
                    timeout=self.timeout,
                    params={"municipality": municipality, "kind": kind},
                )
            except requests.RequestException:
                continue
            if response.status_code == 200:
                results = response.json().get("results", [])
                self._cache[key] = (time.monotonic(), results)
                return results
            if 400 <= response.status_code < 500:
                return []  # nothing to show for this question; retrying will not change that
        return None
