"""Reading and writing waiting times: validation with row- and field-level errors, the
all-or-nothing CSV import, API keys, the current waits for a municipality, the demo seed."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import secrets
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple

from sqlalchemy import func, select

from bot import db, knowledge
from bot.waiting_times.models import KINDS, Provider, ProviderArea, WaitReport

MAX_WEEKS = 104
EARLIEST_PEILDATUM = dt.date(2015, 1, 1)  # the Jeugdwet started in 2015
CSV_COLUMNS = ("provider_id", "kind", "aanmeld_weeks", "behandel_weeks", "intake_stop", "peildatum", "source")
YES = {"ja", "j", "yes", "true", "1"}
NO = {"nee", "n", "no", "false", "0", ""}


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str
    row: Optional[int] = None  # 1-based data row of a CSV file (header not counted)

    def as_dict(self) -> Dict[str, Any]:
        return {
            key: value
            for key, value in {"row": self.row, "field": self.field, "message": self.message}.items()
            if value is not None
        }


class InvalidReport(ValueError):
    def __init__(self, errors: List[FieldError]) -> None:
        super().__init__("; ".join(f"{e.row or '-'}:{e.field}: {e.message}" for e in errors))
        self.errors = errors


def _weeks(value: Any, field: str, required: bool) -> Tuple[Optional[int], Optional[FieldError]]:
    if value in (None, ""):
        return None, FieldError(field, "verplicht, aantal weken") if required else None
    try:
        number = int(str(value).strip())
    except ValueError:
        return None, FieldError(field, f"geen geheel aantal weken: {str(value)[:40]!r}")
    if not 0 <= number <= MAX_WEEKS:
        return None, FieldError(field, f"moet tussen 0 en {MAX_WEEKS} weken liggen")
    return number, None


def validate_report(data: Mapping[str, Any], today: Optional[dt.date] = None) -> Dict[str, Any]:
    """A clean report from user input, or InvalidReport naming every wrong field."""
    today = today or dt.date.today()
    errors: List[FieldError] = []
    kind = str(data.get("kind") or "").strip()
    if kind not in KINDS:
        errors.append(FieldError("kind", f"onbekende soort hulp {kind[:40]!r}; kies uit {', '.join(KINDS)}"))
    aanmeld, error = _weeks(data.get("aanmeld_weeks"), "aanmeld_weeks", required=True)
    errors += [error] if error else []
    behandel, error = _weeks(data.get("behandel_weeks"), "behandel_weeks", required=False)
    errors += [error] if error else []
    stop_value = data.get("intake_stop", False)
    if isinstance(stop_value, bool):
        intake_stop = stop_value
    elif str(stop_value).strip().lower() in YES | NO:
        intake_stop = str(stop_value).strip().lower() in YES
    else:
        intake_stop = False
        errors.append(FieldError("intake_stop", "ja of nee"))
    peildatum = None
    try:
        peildatum = dt.date.fromisoformat(str(data.get("peildatum") or "").strip())
        if not EARLIEST_PEILDATUM <= peildatum <= today:
            errors.append(FieldError("peildatum", f"moet tussen {EARLIEST_PEILDATUM} en vandaag liggen"))
    except ValueError:
        errors.append(FieldError("peildatum", "datum als JJJJ-MM-DD"))
    source = str(data.get("source") or "").strip()
    if not source or len(source) > 200:
        errors.append(FieldError("source", "verplicht, hoogstens 200 tekens"))
    if errors:
        raise InvalidReport(errors)
    return {
        "kind": kind,
        "aanmeld_weeks": aanmeld,
        "behandel_weeks": behandel,
        "intake_stop": intake_stop,
        "peildatum": peildatum,
        "source": source,
    }


def add_report(url: str, provider_id: str, report: Mapping[str, Any]) -> int:
    """Stores one validated report for a provider; returns its id."""
    with db.sessions(url)() as session, session.begin():
        row = WaitReport(provider_id=provider_id, recorded_at=dt.datetime.utcnow(), **report)
        session.add(row)
        session.flush()
        return row.id


def import_csv(url: str, text: str, today: Optional[dt.date] = None) -> int:
    """Imports a region's survey: every row is checked first and nothing is stored unless all
    rows are right (InvalidReport lists each wrong row and field). Returns the number stored."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [column for column in CSV_COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise InvalidReport([FieldError(column, "kolom ontbreekt in de kopregel") for column in missing])
    with db.sessions(url)() as session:
        known = set(session.execute(select(Provider.id)).scalars())
    rows, errors = [], []
    for number, record in enumerate(reader, start=1):
        provider_id = (record.get("provider_id") or "").strip()
        if provider_id not in known:
            errors.append(FieldError("provider_id", f"onbekende aanbieder {provider_id[:60]!r}", number))
        try:
            rows.append((provider_id, validate_report(record, today)))
        except InvalidReport as invalid:
            errors += [FieldError(e.field, e.message, number) for e in invalid.errors]
    if errors:
        raise InvalidReport(errors)
    if not rows:
        raise InvalidReport([FieldError("-", "het bestand bevat geen regels")])
    now = dt.datetime.utcnow()
    with db.sessions(url)() as session, session.begin():
        session.add_all(WaitReport(provider_id=provider_id, recorded_at=now, **report) for provider_id, report in rows)
    return len(rows)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_api_key(url: str, provider_id: str) -> str:
    """A new API key for the provider (replacing the old one); only its hash is stored."""
    key = secrets.token_urlsafe(32)
    with db.sessions(url)() as session, session.begin():
        provider = session.get(Provider, provider_id)
        if provider is None:
            raise KeyError(provider_id)
        provider.api_key_hash = _hash(key)
    return key


def provider_for_key(url: str, key: Optional[str]) -> Optional[str]:
    if not key:
        return None
    with db.sessions(url)() as session:
        return session.execute(select(Provider.id).where(Provider.api_key_hash == _hash(key))).scalar()


def current_waits(
    url: str, municipality: str, kind: str, today: Optional[dt.date] = None, stale_after_days: int = 90
) -> List[Dict[str, Any]]:
    """The newest report of each provider serving ``municipality`` for ``kind``, shortest
    expected wait first (providers with an intake stop last)."""
    today = today or dt.date.today()
    with db.sessions(url)() as session:
        newest = (
            select(func.max(WaitReport.id))
            .where(WaitReport.kind == kind)
            .group_by(WaitReport.provider_id)
            .scalar_subquery()
        )
        rows = session.execute(
            select(WaitReport, Provider)
            .join(Provider, Provider.id == WaitReport.provider_id)
            .join(ProviderArea, ProviderArea.provider_id == Provider.id)
            .where(ProviderArea.municipality == municipality, WaitReport.id.in_(newest))
        ).all()
    results = []
    for report, provider in rows:
        age = (today - report.peildatum).days
        results.append(
            {
                "provider_id": provider.id,
                "provider": provider.name,
                "website": provider.website,
                "kind": report.kind,
                "aanmeld_weeks": report.aanmeld_weeks,
                "behandel_weeks": report.behandel_weeks,
                "expected_weeks": report.aanmeld_weeks + (report.behandel_weeks or 0),
                "intake_stop": report.intake_stop,
                "peildatum": report.peildatum.isoformat(),
                "source": report.source,
                "age_days": age,
                "stale": age > stale_after_days,
                "example_data": provider.example_data,
            }
        )
    return sorted(results, key=lambda item: (item["intake_stop"], item["expected_weeks"], item["provider"]))


def seed_demo(url: str) -> int:
    """Loads bot/knowledge/providers.yml (example data) when there are no providers yet."""
    with db.sessions(url)() as session, session.begin():
        if session.execute(select(func.count(Provider.id))).scalar():
            return 0
        data = knowledge.load_file("providers")
        now = dt.datetime.utcnow()
        for item in data["providers"]:
            session.add(
                Provider(
                    id=item["id"],
                    name=item["name"],
                    website=item.get("website"),
                    example_data=bool(data.get("example_data")),
                )
            )
            session.flush()
            session.add_all(ProviderArea(provider_id=item["id"], municipality=name) for name in item["municipalities"])
            for wait in item["waits"]:
                session.add(
                    WaitReport(provider_id=item["id"], recorded_at=now, **validate_report(wait, today=dt.date.max))
                )
        return len(data["providers"])


def municipalities_served(url: str) -> Iterable[str]:
    with db.sessions(url)() as session:
        return sorted(set(session.execute(select(ProviderArea.municipality)).scalars()))
