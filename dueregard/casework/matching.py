"""Tolerant name and date-of-birth comparison for finding repeat referrals.

These helpers only say *why* two records might be the same person ("family name sounds
alike", "day and month swapped"); a coordinator always decides. Nothing here scores or
ranks a person.
"""

from __future__ import annotations

import datetime
import unicodedata

_SOUNDEX = {
    **dict.fromkeys("bfpv", "1"),
    **dict.fromkeys("cgjkqsxz", "2"),
    **dict.fromkeys("dt", "3"),
    "l": "4",
    **dict.fromkeys("mn", "5"),
    "r": "6",
}


def name_key(name: str) -> str:
    """`name` without accents, case, spaces, hyphens or apostrophes: "O'Neil-Smith" -> "oneilsmith"."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    return "".join(c for c in decomposed.casefold() if c.isalpha() and c.isascii())


def soundex(name: str) -> str:
    """American Soundex of `name` ("Robert" and "Rupert" -> "R163"); "" for no letters."""
    key = name_key(name)
    if not key:
        return ""
    first = key[0]
    digits = []
    previous = _SOUNDEX.get(first, "")
    for char in key[1:]:
        code = _SOUNDEX.get(char, "")
        if code and code != previous:
            digits.append(code)
        if char not in "hw":  # h and w do not separate letters with the same code
            previous = code
    return (first.upper() + "".join(digits) + "000")[:4]


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance with adjacent transpositions counted as one edit."""
    if a == b:
        return 0
    rows = [list(range(len(b) + 1))]
    for i, ca in enumerate(a, start=1):
        row = [i]
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            row.append(min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + cost))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def names_alike(a: str, b: str) -> str:
    """Why two names may be the same ('' if they do not look alike)."""
    ka, kb = name_key(a), name_key(b)
    if not ka or not kb:
        return ""
    if ka == kb:
        return "same"
    if soundex(ka) == soundex(kb):
        return "sounds alike"
    if edit_distance(ka, kb) <= (1 if min(len(ka), len(kb)) <= 5 else 2):
        return "spelt nearly the same"
    if ka.startswith(kb) or kb.startswith(ka):
        return "one is short for the other"
    return ""


def swapped_day_month(day: datetime.date) -> datetime.date | None:
    """The date with day and month swapped (a common keying slip), if that is a date."""
    if day.day > 12 or day.day == day.month:
        return None
    try:
        return day.replace(month=day.day, day=day.month)
    except ValueError:
        return None


def dates_alike(a: datetime.date | None, b: datetime.date | None) -> str:
    """Why two dates of birth may be the same person's ('' if they do not fit)."""
    if a is None or b is None:
        return ""
    if a == b:
        return "same"
    if swapped_day_month(a) == b:
        return "day and month swapped"
    if a.year == b.year and a.month == b.month:
        return "same month and year"
    if a.month == b.month and a.day == b.day and abs(a.year - b.year) == 1:
        return "year one out"
    return ""


def age_on(date_of_birth: datetime.date, day: datetime.date) -> int:
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - int(before_birthday)
