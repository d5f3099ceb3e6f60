"""Wegwijzer Jeugdhulp: domain logic shared by the Rasa pipeline and the action server."""
