"""Contact details for the handoff: Dutch phone numbers and e-mail addresses, checked and
normalised, and a guard against a BSN typed into the chat (it is never needed and never kept)."""

from __future__ import annotations

import re
from typing import Optional

MAX_NAME_CHARS = 120
MAX_EMAIL_CHARS = 254
# Numbers a family or practice cannot be called back on.
SERVICE_PREFIXES = ("0800", "0900", "0906", "0909", "112", "144", "14")
_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,24}$"
)
_EMAIL_IN_TEXT = re.compile(r"[^\s<>()\[\],;:\"']+@[^\s<>()\[\],;:\"']+")
_PHONE_CHARS = re.compile(r"^[\d\s()+.\-/]+$")
_DIGIT_RUNS = re.compile(r"(?<![\d])(\d[\d\s.\-]{7,12}\d)(?![\d])")


def parse_phone(text: str) -> Optional[str]:
    """A Dutch phone number as ten digits starting with 0 ("0612345678"), or None.

    Accepts spaces, dashes, dots, brackets and the +31 / 0031 country code. Service numbers
    (0800, 0900, 112, ...) are refused: the team must be able to call the referrer back."""
    candidate = (text or "").strip()
    match = re.search(r"(\+|00)?[\d][\d\s().\-/]{7,18}\d", candidate)
    if not match:
        return None
    raw = match.group(0)
    if not _PHONE_CHARS.match(raw):
        return None
    digits = re.sub(r"\D", "", raw)
    if raw.startswith("+"):
        if not digits.startswith("31"):
            return None
        digits = "0" + digits[2:]
    elif digits.startswith("0031"):
        digits = "0" + digits[4:]
    if digits.startswith("00"):
        digits = digits[1:]  # "+31 (0)6 ..." written as 0031 0 6...
    if len(digits) == 11 and digits.startswith("00"):
        return None
    if len(digits) != 10 or not digits.startswith("0") or digits[1] == "0":
        return None
    if digits.startswith(SERVICE_PREFIXES):
        return None
    return digits


def show_phone(digits: str) -> str:
    """0612345678 -> 06-12345678; landlines keep their digits together after the 0."""
    return f"{digits[:2]}-{digits[2:]}" if digits.startswith("06") else digits


def parse_email(text: str) -> Optional[str]:
    """One e-mail address from the message (lowercased), or None."""
    match = _EMAIL_IN_TEXT.search(text or "")
    if not match:
        return None
    address = match.group(0).strip(".").lower()
    if len(address) > MAX_EMAIL_CHARS or not _EMAIL.match(address):
        return None
    return address


def is_bsn(digits: str) -> bool:
    """The eleven-test for a burgerservicenummer (9 digits, weights 9..2 and -1)."""
    if len(digits) != 9 or not digits.isdigit() or digits == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=False)) - int(digits[8])
    return total % 11 == 0


def contains_bsn(text: str) -> bool:
    """True when the message holds a 9-digit number that passes the eleven-test."""
    for match in _DIGIT_RUNS.finditer(text or ""):
        digits = re.sub(r"\D", "", match.group(1))
        if is_bsn(digits):
            return True
    return bool(re.search(r"\bbsn\b|burgerservicenummer", (text or "").lower()) and re.search(r"\d{9}", text or ""))


def clean_name(text: str) -> Optional[str]:
    """A name as the referrer typed it, without markup, or None when there is no name in it."""
    name = re.sub(r"<[^>]*>", "", text or "").strip()
    name = re.sub(r"^(ik ben|ik heet|mijn naam is|naam:?)\s+", "", name, flags=re.IGNORECASE).strip(" .,!")
    if not re.search(r"[A-Za-zÀ-ÿ]", name) or len(name) > MAX_NAME_CHARS:
        return None
    return name
