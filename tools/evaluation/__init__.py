"""Quality evaluation (`make eval`): NLU cross-validation, the safety screen on the labelled sets, and
routing agreement on written vignettes. Not collected by pytest; run `python -m tools.evaluation`."""
