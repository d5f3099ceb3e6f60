"""The socket.io channel for the website widget, limited to the configured sites.

Rasa 3.6's socket.io channel accepts connections from every origin (its engine.io server has
CORS handling switched off). The widget's channel is the same channel with the engine.io origin
check switched on for WEGWIJZER_WIDGET_ORIGINS (space-separated; default: the demo pages that
`make run` serves on this machine). Configured in credentials.yml."""

from __future__ import annotations

from typing import Any, Awaitable, Callable

from rasa.core.channels.socketio import SocketIOInput

from bot import rasa_speedups
from bot.settings import allowed_origins

# The Rasa server imports this module at start-up (credentials.yml): apply the measured speed-up.
rasa_speedups.apply()


class WidgetSocketIOInput(SocketIOInput):
    @classmethod
    def name(cls) -> str:
        return "socketio"

    def blueprint(self, on_new_message: Callable[[Any], Awaitable[Any]]):
        blueprint = super().blueprint(on_new_message)
        # python-engineio refuses a connection whose Origin header is not in this list.
        self.sio.eio.cors_allowed_origins = allowed_origins()
        self.sio.eio.cors_credentials = False
        return blueprint
