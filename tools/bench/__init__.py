"""Load benchmark (`make bench`): the full stack against a `rasa init` reference bot on this machine.
Not collected by pytest; run with `python -m tools.bench --help`."""
