"""Dates written by people → ISO 8601 (`YYYY-MM-DD`), generated from a seed.

Twelve styles (the key of each is what eval.json reports by):

    d_month_yyyy          29 November 2026
    month_d_yyyy          November 29, 2026
    dd/mm/yyyy            29/11/2026        day first; day and month zero-padded or not (e.g. 3/7/1999)
    weekday_dth_of_month  Sunday, 29th of November 2026
    mon_d_yy              nov 29 26         two-digit year: 00–68 → 2000–2068, 69–99 → 1969–1999
    yyyy.mm.dd            2026.11.29        always zero-padded
    the_dth_of_month      the 3rd of March 1999
    d_mon_yyyy            29 Nov 2026
    wkd_d_mon_yyyy        Sun, 29 Nov 2026
    month_dth_yyyy        November 29th, 2026
    dd.mm.yyyy            29.11.2026        day first; zero-padded or not, like dd/mm/yyyy
    d-mon-yyyy            29-nov-2026

Numeric dates are always read day first (29/11/2026, 3/7/1999 = 3 July); the month-first
American order (11/29/2026) is not a style, so no input is ambiguous. Weekday names are the
true weekday of the date. Years run from 1900 to 2099; dates in the two-digit-year style are
drawn from 1969–2068 so that the century rule above recovers them exactly. Letter case is
varied when the text is generated but does not matter: the tokenizer lower-cases.

Splits are disjoint by calendar day: a date belongs to the test split when a hash of its ISO
form falls in the test range, and then no style of that date is ever generated for training
or validation.
"""

import datetime
import hashlib
import random

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
MONTH_ABBR = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
WEEKDAY_ABBR = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

STYLES = ["d_month_yyyy", "month_d_yyyy", "dd/mm/yyyy", "weekday_dth_of_month", "mon_d_yy",
          "yyyy.mm.dd", "the_dth_of_month", "d_mon_yyyy", "wkd_d_mon_yyyy", "month_dth_yyyy",
          "dd.mm.yyyy", "d-mon-yyyy"]

EXAMPLES = {
    "d_month_yyyy": "29 November 2026",
    "month_d_yyyy": "November 29, 2026",
    "dd/mm/yyyy": "29/11/2026",
    "weekday_dth_of_month": "Sunday, 29th of November 2026",
    "mon_d_yy": "nov 29 26",
    "yyyy.mm.dd": "2026.11.29",
    "the_dth_of_month": "the 3rd of March 1999",
    "d_mon_yyyy": "29 Nov 2026",
    "wkd_d_mon_yyyy": "Sun, 29 Nov 2026",
    "month_dth_yyyy": "November 29th, 2026",
    "dd.mm.yyyy": "29.11.2026",
    "d-mon-yyyy": "29-nov-2026",
}

# Characters of the source vocabulary (after lower-casing); anything else becomes <unk>.
SOURCE_CHARS = list("abcdefghijklmnopqrstuvwxyz0123456789 ,./-")
TARGET_CHARS = list("0123456789-")

FIRST_DAY = datetime.date(1900, 1, 1)
LAST_DAY = datetime.date(2099, 12, 31)
TWO_DIGIT_FIRST = datetime.date(1969, 1, 1)
TWO_DIGIT_LAST = datetime.date(2068, 12, 31)


def split_of_date(date):
    """'test', 'validation' or 'train', fixed by a hash of the ISO date (independent of seeds)."""
    h = int.from_bytes(hashlib.blake2b(date.isoformat().encode(), digest_size=8).digest(), "big") % 100
    if h < 10:
        return "test"
    if h < 15:
        return "validation"
    return "train"


def two_digit_year_to_full(yy):
    """The documented century rule for two-digit years."""
    return 2000 + yy if yy <= 68 else 1900 + yy


def ordinal(day):
    if 11 <= day % 100 <= 13:
        return f"{day}th"
    return f"{day}" + {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def _casing(rng, text):
    """Letter case as people type it: as written, all lower, all upper, or capitalised words."""
    r = rng.random()
    if r < 0.55:
        return text
    if r < 0.85:
        return text.lower()
    if r < 0.93:
        return text.upper()
    return " ".join(w[:1].upper() + w[1:].lower() for w in text.split(" "))


def _maybe_pad(rng, n):
    return f"{n:02d}" if rng.random() < 0.6 else str(n)


def render(date, style, rng):
    """Text of `date` in `style`, plus the character spans (start, end) of the year and month.

    The spans are used by the alignment check: the year span covers the year's digits, the
    month span the month's word, abbreviation or number.
    """
    d, m, y = date.day, date.month, date.year
    month, mon = MONTHS[m - 1], MONTH_ABBR[m - 1]
    wd, wkd = WEEKDAYS[date.weekday()], WEEKDAY_ABBR[date.weekday()]
    pieces = {
        "d_month_yyyy": [str(d), " ", ("M", month), " ", ("Y", str(y))],
        "month_d_yyyy": [("M", month), " ", str(d), ", ", ("Y", str(y))],
        "dd/mm/yyyy": [_maybe_pad(rng, d), "/", ("M", _maybe_pad(rng, m)), "/", ("Y", str(y))],
        "weekday_dth_of_month": [wd, ", ", ordinal(d), " of ", ("M", month), " ", ("Y", str(y))],
        "mon_d_yy": [("M", mon.lower()), " ", str(d), " ", ("Y", f"{y % 100:02d}")],
        "yyyy.mm.dd": [("Y", str(y)), ".", ("M", f"{m:02d}"), ".", f"{d:02d}"],
        "the_dth_of_month": ["the ", ordinal(d), " of ", ("M", month), " ", ("Y", str(y))],
        "d_mon_yyyy": [str(d), " ", ("M", mon), " ", ("Y", str(y))],
        "wkd_d_mon_yyyy": [wkd, ", ", str(d), " ", ("M", mon), " ", ("Y", str(y))],
        "month_dth_yyyy": [("M", month), " ", ordinal(d), ", ", ("Y", str(y))],
        "dd.mm.yyyy": [_maybe_pad(rng, d), ".", ("M", _maybe_pad(rng, m)), ".", ("Y", str(y))],
        "d-mon-yyyy": [str(d), "-", ("M", mon.lower()), "-", ("Y", str(y))],
    }[style]
    text, spans = "", {}
    for piece in pieces:
        if isinstance(piece, tuple):
            kind, s = piece
            spans[kind] = (len(text), len(text) + len(s))
            text += s
        else:
            text += piece
    if style != "mon_d_yy" and style != "d-mon-yyyy":
        text = _casing(rng, text)
    elif rng.random() < 0.3:
        text = _casing(rng, text)
    return text, spans["Y"], spans["M"]


def random_date(rng, style):
    first, last = (TWO_DIGIT_FIRST, TWO_DIGIT_LAST) if style == "mon_d_yy" else (FIRST_DAY, LAST_DAY)
    return first + datetime.timedelta(days=rng.randrange((last - first).days + 1))


def sample(rng, split, style=None):
    """One example of `split`: dict with source text, target text, style, year/month spans."""
    style = style or rng.choice(STYLES)
    while True:
        date = random_date(rng, style)
        if split_of_date(date) == split:
            break
    text, year_span, month_span = render(date, style, rng)
    return {"source": text, "target": date.isoformat(), "style": style,
            "year_span": year_span, "month_span": month_span}


def make_set(seed, split, per_style):
    """`per_style` examples of every style, from their own seeded generator."""
    rng = random.Random(f"dates/{split}/{seed}")
    return [sample(rng, split, style) for style in STYLES for _ in range(per_style)]


if __name__ == "__main__":
    rng = random.Random(0)
    for style in STYLES:
        ex = sample(rng, "train", style)
        print(f"{style:22s} {ex['source']!r:40s} → {ex['target']}")
