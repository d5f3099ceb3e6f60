"""The project's web process: the local team's inbox (HTML) and its JSON API, and the handoff
delivery worker in the background. `python -m bot serve` (started by `make run`)."""
