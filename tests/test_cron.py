"""Cron expressions (sql/20_internals/cron.sql): parsing, refusals in words, and
the next fire time, checked against a minute-by-minute reference in Python."""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import psycopg
import pytest

UTC = timezone.utc


@pytest.fixture(scope="module")
def db(http_database: str) -> Iterator[psycopg.Connection]:
    """One connection for the module: cron_parse and cron_next read and write
    nothing, so the tests share the session's database rather than cloning
    one each."""
    with psycopg.connect(http_database, autocommit=True) as conn:
        yield conn
        conn.execute("RESET timezone")
ALL_MINUTES = list(range(60))
ALL_HOURS = list(range(24))
ALL_DAYS = list(range(1, 32))
ALL_MONTHS = list(range(1, 13))
ALL_WEEKDAYS = list(range(7))


def parse(db: psycopg.Connection, expr: str | None) -> dict:
    return db.execute("SELECT jobs_internal.cron_parse(%s)", (expr,)).fetchone()[0]


def next_fire(db: psycopg.Connection, expr: str, zone: str, after: datetime | str) -> datetime:
    return db.execute("SELECT jobs_internal.cron_next(%s, %s, %s::timestamptz)",
                      (expr, zone, after)).fetchone()[0]


def at(text: str) -> datetime:
    """An instant from ISO text with its offset."""
    return datetime.fromisoformat(text).astimezone(UTC)


def refusal(db: psycopg.Connection, query: str, *params: object) -> str:
    with pytest.raises(psycopg.Error) as info:
        db.execute(query, params)
    assert info.value.sqlstate == "22023"
    return info.value.diag.message_primary


# --- parsing


@pytest.mark.parametrize(("expr", "expected"), [
    ("* * * * *", dict(minutes=ALL_MINUTES, hours=ALL_HOURS, days=ALL_DAYS,
                       months=ALL_MONTHS, weekdays=ALL_WEEKDAYS)),
    ("5 4 3 2 1", dict(minutes=[5], hours=[4], days=[3], months=[2], weekdays=[1])),
    ("0-4 22-23 30-31 11-12 0-2", dict(minutes=[0, 1, 2, 3, 4], hours=[22, 23], days=[30, 31],
                                       months=[11, 12], weekdays=[0, 1, 2])),
    ("*/15 */6 */10 */4 */3", dict(minutes=[0, 15, 30, 45], hours=[0, 6, 12, 18],
                                   days=[1, 11, 21, 31], months=[1, 5, 9], weekdays=[0, 3, 6])),
    ("10-30/10 1-12/5 2-9/3 3-12/3 1-5/2", dict(minutes=[10, 20, 30], hours=[1, 6, 11],
                                                days=[2, 5, 8], months=[3, 6, 9, 12],
                                                weekdays=[1, 3, 5])),
    ("50/3 20/2 28/2 11/1 5/1", dict(minutes=[50, 53, 56, 59], hours=[20, 22], days=[28, 30],
                                     months=[11, 12], weekdays=[0, 5, 6])),
    ("59,0,30,0 1,2-4,*/12 1,15,10-11 1,6 1-3,5", dict(
        minutes=[0, 30, 59], hours=[0, 1, 2, 3, 4, 12], days=[1, 10, 11, 15], months=[1, 6],
        weekdays=[1, 2, 3, 5])),
    ("*/100 */24 */31 */12 */7", dict(minutes=[0], hours=[0], days=[1], months=[1],
                                      weekdays=[0])),
    ("00 09 01 02 07", dict(minutes=[0], hours=[9], days=[1], months=[2], weekdays=[0])),
])
def test_each_form_expands_to_its_values(db, expr, expected):
    assert {k: v for k, v in parse(db, expr).items() if k in expected} == expected


@pytest.mark.parametrize(("expr", "months", "weekdays"), [
    ("0 0 * jan-mar mon-fri", [1, 2, 3], [1, 2, 3, 4, 5]),
    ("0 0 * JAN,Jun,dEc SUN,sat", [1, 6, 12], [0, 6]),
    ("0 0 * feb-11/3 mon/2", [2, 5, 8, 11], [0, 1, 3, 5]),  # 1, 3, 5, 7
    ("0 0 * jul * ", [7], ALL_WEEKDAYS),
    ("0 0 * * fri-7", ALL_MONTHS, [0, 5, 6]),
    ("0 0 * * sun-sat", ALL_MONTHS, ALL_WEEKDAYS),
    ("0 0 * * 0-7", ALL_MONTHS, ALL_WEEKDAYS),
    ("0 0 * * 7", ALL_MONTHS, [0]),
])
def test_month_and_weekday_names_stand_for_numbers(db, expr, months, weekdays):
    parsed = parse(db, expr)
    assert (parsed["months"], parsed["weekdays"]) == (months, weekdays)


@pytest.mark.parametrize(("macro", "same_as"), [
    ("@yearly", "0 0 1 1 *"),
    ("@annually", "0 0 1 1 *"),
    ("@monthly", "0 0 1 * *"),
    ("@weekly", "0 0 * * 0"),
    ("@daily", "0 0 * * *"),
    ("@midnight", "0 0 * * *"),
    ("@hourly", "0 * * * *"),
    (" @Daily\t", "0 0 * * *"),
])
def test_macros_are_their_expressions(db, macro, same_as):
    assert parse(db, macro) == parse(db, same_as)


def test_fields_are_separated_by_any_spaces_and_tabs(db):
    assert parse(db, " \t0\t\t9  *  * \t1-5 \t") == parse(db, "0 9 * * 1-5")


@pytest.mark.parametrize(("expr", "any_day", "any_weekday"), [
    ("0 0 * * *", True, True),
    ("0 0 1 * *", False, True),
    ("0 0 * * 1", True, False),
    ("0 0 1 * 1", False, False),
    ("0 0 */2 * 1", True, False),
    ("0 0 1 * */2", False, True),
])
def test_day_fields_starting_with_a_star_are_flagged(db, expr, any_day, any_weekday):
    parsed = parse(db, expr)
    assert (parsed["any_day"], parsed["any_weekday"]) == (any_day, any_weekday)


# --- refusals

LONG = "0 0 * * " + ",".join(["1"] * 100)

REFUSALS = [
    (None, "cron expression is null"),
    ("", "cron expression is empty"),
    (" \t ", "cron expression is empty"),
    (LONG, f'cron expression "{LONG[:100]}..." is longer than 200 characters (207)'),
    ("* * * *", 'cron expression "* * * *": 4 fields, expected 5'
                " (minute hour day-of-month month day-of-week)"),
    ("* * * * * *", 'cron expression "* * * * * *": 6 fields, expected 5'
                    " (minute hour day-of-month month day-of-week)"),
    ("@reboot", 'cron expression "@reboot": unknown macro (expected @yearly, @annually,'
                " @monthly, @weekly, @daily, @midnight or @hourly)"),
    ("@daily 0", 'cron expression "@daily 0": unknown macro (expected @yearly, @annually,'
                 " @monthly, @weekly, @daily, @midnight or @hourly)"),
    ("61 * * * *", 'cron expression "61 * * * *": minute 61 is out of range 0-59'),
    ("* 24 * * *", 'cron expression "* 24 * * *": hour 24 is out of range 0-23'),
    ("* * 0 * *", 'cron expression "* * 0 * *": day-of-month 0 is out of range 1-31'),
    ("* * 32 * *", 'cron expression "* * 32 * *": day-of-month 32 is out of range 1-31'),
    ("* * * 13 *", 'cron expression "* * * 13 *": month 13 is out of range 1-12'),
    ("* * * 0 *", 'cron expression "* * * 0 *": month 0 is out of range 1-12'),
    ("* * * * 8", 'cron expression "* * * * 8": day-of-week 8 is out of range 0-7'),
    ("1-99999999999 * * * *",
     'cron expression "1-99999999999 * * * *": minute 99999999999 is out of range 0-59'),
    ("0 10-5 * * *", 'cron expression "0 10-5 * * *": hour range 10-5 starts after it ends'),
    ("0 0 * dec-jan *", 'cron expression "0 0 * dec-jan *": month range dec-jan starts after'
                        " it ends"),
    ("0 0 * * sat-sun", 'cron expression "0 0 * * sat-sun": day-of-week range sat-sun starts'
                        " after it ends"),
    ("*/0 * * * *", 'cron expression "*/0 * * * *": minute step "0" must be a positive whole'
                    " number"),
    ("* 1-5/x * * *", 'cron expression "* 1-5/x * * *": hour step "x" must be a positive whole'
                      " number"),
    ("* * 1/ * *", 'cron expression "* * 1/ * *": day-of-month step "" must be a positive whole'
                   " number"),
    ("* * * */-1 *", 'cron expression "* * * */-1 *": month step "-1" must be a positive whole'
                     " number"),
    ("*/2/3 * * * *", 'cron expression "*/2/3 * * * *": minute step "2/3" must be a positive'
                      " whole number"),
    ("1,,2 * * * *", 'cron expression "1,,2 * * * *": minute list "1,,2" has an empty item'),
    ("* 1, * * *", 'cron expression "* 1, * * *": hour list "1," has an empty item'),
    ("* * * * ,", 'cron expression "* * * * ,": day-of-week list "," has an empty item'),
    ("1-2-3 * * * *", 'cron expression "1-2-3 * * * *": minute "1-2-3" cannot be parsed:'
                      " expected *, n, a-b, */s, a-b/s or a/s"),
    ("-5 * * * *", 'cron expression "-5 * * * *": minute "-5" cannot be parsed:'
                   " expected *, n, a-b, */s, a-b/s or a/s"),
    ("* * 5- * *", 'cron expression "* * 5- * *": day-of-month "5-" cannot be parsed:'
                   " expected *, n, a-b, */s, a-b/s or a/s"),
    ("x * * * *", 'cron expression "x * * * *": minute "x" is not a number'),
    ("* * L * *", 'cron expression "* * L * *": day-of-month "L" is not a number'),
    ("1.5 * * * *", 'cron expression "1.5 * * * *": minute "1.5" is not a number'),
    ("* mon * * *", 'cron expression "* mon * * *": hour "mon" is not a number'),
    ("0 0 * foo *", 'cron expression "0 0 * foo *": month "foo" is not a number or a name'
                    " jan-dec"),
    ("0 0 * january *", 'cron expression "0 0 * january *": month "january" is not a number or'
                        " a name jan-dec"),
    ("0 0 * * fun", 'cron expression "0 0 * * fun": day-of-week "fun" is not a number or a name'
                    " sun-sat"),
    ("0 0 * * 1#2", 'cron expression "0 0 * * 1#2": day-of-week "1#2" is not a number or a name'
                    " sun-sat"),
    ("0 0 * mon *", 'cron expression "0 0 * mon *": month "mon" is not a number or a name'
                    " jan-dec"),
    ("0 0 30 2 *", 'cron expression "0 0 30 2 *" never fires: day-of-month 30 never occurs in'
                   " month 2"),
    ("0 0 31 4 *", 'cron expression "0 0 31 4 *" never fires: day-of-month 31 never occurs in'
                   " month 4"),
    ("0 0 30,31 feb *", 'cron expression "0 0 30,31 feb *" never fires: day-of-month 30,31 never'
                        " occurs in month feb"),
    ("0 0 31 4,6,9,11 */2", 'cron expression "0 0 31 4,6,9,11 */2" never fires: day-of-month 31'
                            " never occurs in month 4,6,9,11"),
    ("0 0\n* * *", 'cron expression "0 0\\n* * *": 4 fields, expected 5'
                   " (minute hour day-of-month month day-of-week)"),
    ("0 0 * * \u202e1", 'cron expression "0 0 * * \\u202e1": day-of-week "\\u202e1" is not a'
                        " number or a name sun-sat"),
]


@pytest.mark.parametrize(("expr", "message"), REFUSALS)
def test_a_bad_expression_is_refused_in_words(db, expr, message):
    assert refusal(db, "SELECT jobs_internal.cron_parse(%s)", expr) == message
    assert refusal(db, "SELECT jobs_internal.cron_next(%s, 'UTC', now())", expr) == message


def test_an_expression_that_fires_only_by_its_weekday_is_accepted(db):
    # Both day fields restricted: a day matching either fires, so Mondays do.
    assert parse(db, "0 0 30 2 1")["days"] == [30]
    assert next_fire(db, "0 0 30 2 1", "UTC", at("2026-01-01T00:00:00+00:00")) == at(
        "2026-02-02T00:00:00+00:00")


@pytest.mark.parametrize(("zone", "message"), [
    ("Mars/Base", 'time zone "Mars/Base" is not a known IANA time zone'),
    ("", 'time zone "" is not a known IANA time zone'),
    (None, "time zone is null"),
    ("europe/berlin", 'time zone "europe/berlin" is not a known IANA time zone'),
    ("Europe/Berlin ", 'time zone "Europe/Berlin " is not a known IANA time zone'),
    ("UTC+3", 'time zone "UTC+3" is not a known IANA time zone'),
    ("+03", 'time zone "+03" is not a known IANA time zone'),
    ("CEST", 'time zone "CEST" is not a known IANA time zone'),
    ("right/UTC", 'time zone "right/UTC" is not a known IANA time zone'),
    ("../UTC", 'time zone "../UTC" is not a known IANA time zone'),
    ("Europe", 'time zone "Europe" is not a known IANA time zone'),
    ("Etc/GMT+15", 'time zone "Etc/GMT+15" is not a known IANA time zone'),
    ("EST5EDT,M3.2.0,M11.1.0", 'time zone "EST5EDT,M3.2.0,M11.1.0" is not a known IANA time'
                               " zone"),
    ("a\r\nb", 'time zone "a\\r\\nb" is not a known IANA time zone'),
])
def test_an_unknown_time_zone_is_refused_in_words(db, zone, message):
    assert refusal(db, "SELECT jobs_internal.check_time_zone(%s)", zone) == message
    assert refusal(db, "SELECT jobs_internal.cron_next('* * * * *', %s, now())", zone) == message


def test_check_time_zone_takes_exactly_the_names_of_pg_timezone_names(db):
    db.execute("""
        CREATE FUNCTION pg_temp.known(zone text) RETURNS boolean LANGUAGE plpgsql AS $$
        BEGIN
            RETURN jobs_internal.check_time_zone(zone) = zone;
        EXCEPTION WHEN invalid_parameter_value THEN
            RETURN FALSE;
        END;
        $$""")
    refused = db.execute("""
        SELECT array_agg(name) FROM pg_timezone_names WHERE NOT pg_temp.known(name)
    """).fetchone()[0]
    assert refused is None
    taken = db.execute("""
        SELECT array_agg(v.zone)
        FROM (
            SELECT lower(name) FROM pg_timezone_names
            UNION SELECT upper(name) FROM pg_timezone_names
            UNION SELECT abbrev FROM pg_timezone_abbrevs
        ) AS v (zone)
        WHERE v.zone NOT IN (SELECT name FROM pg_timezone_names) AND pg_temp.known(v.zone)
    """).fetchone()[0]
    assert taken is None


def test_the_session_time_zone_is_left_as_it_was(db):
    db.execute("SET timezone = 'Asia/Tokyo'")
    db.execute("SELECT jobs_internal.cron_next('0 9 * * *', 'America/New_York', now()),"
               " jobs_internal.check_time_zone('Europe/Berlin')")
    assert db.execute("SHOW timezone").fetchone() == ("Asia/Tokyo",)


@pytest.mark.parametrize("after", [None, "infinity", "-infinity"])
def test_after_must_be_a_finite_time(db, after):
    message = refusal(db, "SELECT jobs_internal.cron_next('* * * * *', 'UTC', %s::timestamptz)",
                      after)
    assert message == f"after must be a finite time, not {after or 'null'}"


# --- next fire time

NEXT = [
    # expression, zone, after, next: instants with their offsets
    ("*/15 * * * *", "UTC", "2026-03-02T10:07:00+00:00", "2026-03-02T10:15:00+00:00"),
    ("*/15 * * * *", "UTC", "2026-03-02T10:14:59.999999+00:00", "2026-03-02T10:15:00+00:00"),
    ("*/15 * * * *", "UTC", "2026-03-02T10:15:00+00:00", "2026-03-02T10:30:00+00:00"),
    ("*/15 * * * *", "UTC", "2026-12-31T23:45:00+00:00", "2027-01-01T00:00:00+00:00"),
    ("* * * * *", "UTC", "2026-03-02T10:07:30+00:00", "2026-03-02T10:08:00+00:00"),
    ("* * * * *", "UTC", "2026-03-02T23:59:00+00:00", "2026-03-03T00:00:00+00:00"),
    # weekdays at 9: Friday after 9 gives Monday
    ("0 9 * * 1-5", "UTC", "2026-03-06T09:00:00+00:00", "2026-03-09T09:00:00+00:00"),
    ("0 9 * * mon-fri", "UTC", "2026-03-07T08:00:00+00:00", "2026-03-09T09:00:00+00:00"),
    ("0 9 * * 1-5", "UTC", "2026-03-09T08:59:59+00:00", "2026-03-09T09:00:00+00:00"),
    # first of the month
    ("0 0 1 * *", "UTC", "2026-01-31T12:00:00+00:00", "2026-02-01T00:00:00+00:00"),
    ("0 0 1 * *", "UTC", "2026-02-01T00:00:00+00:00", "2026-03-01T00:00:00+00:00"),
    ("0 0 1 * *", "UTC", "2026-12-31T23:59:59+00:00", "2027-01-01T00:00:00+00:00"),
    ("@monthly", "UTC", "2026-04-30T23:00:00+00:00", "2026-05-01T00:00:00+00:00"),
    ("0 0 31 * *", "UTC", "2026-01-31T00:00:00+00:00", "2026-03-31T00:00:00+00:00"),
    # 29 February: leap years only, and 2100 is none
    ("0 0 29 2 *", "UTC", "2026-03-01T00:00:00+00:00", "2028-02-29T00:00:00+00:00"),
    ("0 0 29 2 *", "UTC", "2028-02-29T00:00:00+00:00", "2032-02-29T00:00:00+00:00"),
    ("0 0 29 2 *", "UTC", "2096-03-01T00:00:00+00:00", "2104-02-29T00:00:00+00:00"),
    ("@yearly", "UTC", "2026-06-15T00:00:00+00:00", "2027-01-01T00:00:00+00:00"),
    # Vixie cron: with both day fields restricted a day matching either
    # fires; when one starts with * a day must match both (*/2: odd days)
    ("0 0 13 * 5", "UTC", "2026-03-01T00:00:00+00:00", "2026-03-06T00:00:00+00:00"),
    ("0 0 13 * 5", "UTC", "2026-03-12T00:00:00+00:00", "2026-03-13T00:00:00+00:00"),
    ("0 0 13 * 5", "UTC", "2026-04-10T00:00:00+00:00", "2026-04-13T00:00:00+00:00"),
    ("0 0 */2 * 1", "UTC", "2026-03-01T00:00:00+00:00", "2026-03-09T00:00:00+00:00"),
    ("0 0 29 2 */7", "UTC", "2026-01-01T00:00:00+00:00", "2032-02-29T00:00:00+00:00"),
    ("0 0 29 2 0", "UTC", "2026-01-01T00:00:00+00:00", "2026-02-01T00:00:00+00:00"),
    # Europe/Berlin is UTC+1 in winter, UTC+2 in summer
    ("0 9 * * *", "Europe/Berlin", "2026-01-15T00:00:00+00:00", "2026-01-15T09:00:00+01:00"),
    ("0 9 * * *", "Europe/Berlin", "2026-07-15T00:00:00+00:00", "2026-07-15T09:00:00+02:00"),
    ("0 9 * * *", "UTC", "2026-07-15T00:00:00+00:00", "2026-07-15T09:00:00+00:00"),
    ("0 0 * * *", "Europe/Berlin", "2026-07-15T21:59:59+00:00", "2026-07-15T22:00:00+00:00"),
    ("0 0 * * *", "Europe/Berlin", "2026-07-15T22:00:00+00:00", "2026-07-16T22:00:00+00:00"),
    # CET is a zone with summer time, not the fixed abbreviation CET
    ("0 12 * * *", "CET", "2026-07-01T00:00:00+00:00", "2026-07-01T12:00:00+02:00"),
    ("0 12 * * *", "Asia/Kolkata", "2026-07-01T00:00:00+00:00", "2026-07-01T12:00:00+05:30"),
    # New York springs forward at 02:00 on 8 March 2026: 02:30 does not
    # exist and fires at 03:30 EDT (the instant 02:30 EST would be)
    ("30 2 * * *", "America/New_York", "2026-03-07T02:30:00-05:00", "2026-03-08T03:30:00-04:00"),
    ("30 2 * * *", "America/New_York", "2026-03-08T03:30:00-04:00", "2026-03-09T02:30:00-04:00"),
    ("0,30 2-3 * * *", "America/New_York", "2026-03-08T01:59:00-05:00",
     "2026-03-08T03:00:00-04:00"),
    ("59 2 * * *", "America/New_York", "2026-03-08T01:00:00-05:00", "2026-03-08T03:59:00-04:00"),
    # ... and falls back at 02:00 on 1 November: 01:30 occurs twice and
    # fires once, at the later (EST) instant
    ("30 1 * * *", "America/New_York", "2026-10-31T01:30:00-04:00", "2026-11-01T01:30:00-05:00"),
    ("30 1 * * *", "America/New_York", "2026-11-01T01:30:00-04:00", "2026-11-01T01:30:00-05:00"),
    ("30 1 * * *", "America/New_York", "2026-11-01T01:30:00-05:00", "2026-11-02T01:30:00-05:00"),
    ("* 1 * * *", "America/New_York", "2026-11-01T01:30:00-04:00", "2026-11-01T01:00:00-05:00"),
    ("* 1 * * *", "America/New_York", "2026-11-01T01:59:00-05:00", "2026-11-02T01:00:00-05:00"),
    # Lord Howe Island springs forward half an hour at 02:00: 02:15 fires
    # at 02:45, after 02:30, which comes first though later on the clock
    ("15,30 2 * * *", "Australia/Lord_Howe", "2026-10-04T01:00:00+10:30",
     "2026-10-04T02:30:00+11:00"),
    ("15,30 2 * * *", "Australia/Lord_Howe", "2026-10-04T02:30:00+11:00",
     "2026-10-04T02:45:00+11:00"),
    ("15,30 2 * * *", "Australia/Lord_Howe", "2026-10-04T02:45:00+11:00",
     "2026-10-05T02:15:00+11:00"),
]


@pytest.mark.parametrize(("expr", "zone", "after", "expected"), NEXT)
def test_next_fire_time(db, expr, zone, after, expected):
    assert next_fire(db, expr, zone, after) == at(expected)


def fires(db: psycopg.Connection, expr: str, zone: str, start: datetime, end: datetime
          ) -> list[datetime]:
    """Every fire time in (start, end], one cron_next after the other."""
    found = []
    after = start
    while (after := next_fire(db, expr, zone, after)) <= end:
        found.append(after)
    return found


def test_a_time_that_occurs_twice_fires_once(db):
    day = fires(db, "30 1 * * *", "America/New_York", at("2026-11-01T00:00:00-04:00"),
                at("2026-11-02T00:00:00-05:00"))
    assert day == [at("2026-11-01T01:30:00-05:00")]
    hourly = fires(db, "30 * * * *", "America/New_York", at("2026-11-01T00:00:00-04:00"),
                   at("2026-11-01T04:00:00-05:00"))
    assert hourly == [at(f"2026-11-01T0{h}:30:00-0{o}:00") for h, o in
                      [(0, 4), (1, 5), (2, 5), (3, 5)]]


def test_a_time_that_does_not_exist_fires_once_after_the_jump(db):
    day = fires(db, "30 2 * * *", "America/New_York", at("2026-03-08T00:00:00-05:00"),
                at("2026-03-09T00:00:00-04:00"))
    assert day == [at("2026-03-08T03:30:00-04:00")]
    half_hours = fires(db, "*/30 1-3 * * *", "America/New_York", at("2026-03-08T00:00:00-05:00"),
                    at("2026-03-08T05:00:00-04:00"))
    assert half_hours == [at("2026-03-08T01:00:00-05:00"), at("2026-03-08T01:30:00-05:00"),
                       at("2026-03-08T03:00:00-04:00"), at("2026-03-08T03:30:00-04:00")]


# --- cross-check against a minute-by-minute reference


def expand(field: str, low: int, high: int) -> set[int]:
    """The values of a numeric field: *, n, a-b, */s, a-b/s, a/s, lists."""
    values: set[int] = set()
    for item in field.split(","):
        span, _, step = item.partition("/")
        if span == "*":
            first, last = low, high
        elif "-" in span:
            first, last = map(int, span.split("-"))
        else:
            first = last = int(span)
            if step:
                last = high
        values.update(range(first, last + 1, int(step or 1)))
    return values


def matcher(expr: str) -> Callable[[datetime], bool]:
    """Whether a wall-clock minute matches expr: the rule of Vixie cron."""
    minute, hour, dom, month, dow = expr.split()
    minutes, hours = expand(minute, 0, 59), expand(hour, 0, 23)
    days, months = expand(dom, 1, 31), expand(month, 1, 12)
    weekdays = {v % 7 for v in expand(dow, 0, 7)}
    both = dom.startswith("*") or dow.startswith("*")

    def matches(wall: datetime) -> bool:
        day_ok = wall.day in days
        weekday_ok = (wall.weekday() + 1) % 7 in weekdays
        return (wall.minute in minutes and wall.hour in hours and wall.month in months
                and (day_ok and weekday_ok if both else day_ok or weekday_ok))
    return matches


def pg_instant(wall: datetime, zone: ZoneInfo) -> datetime:
    """The instant PostgreSQL gives a wall-clock time: in a spring-forward gap
    the offset before the change, when it occurs twice the later one."""
    earlier = wall.replace(tzinfo=zone, fold=0)
    later = wall.replace(tzinfo=zone, fold=1)
    occurs = earlier.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall
    return (later if occurs else earlier).astimezone(UTC)


def reference_fires(expr: str, zone: ZoneInfo, first: date, days: int) -> list[datetime]:
    """Every fire time of the wall-clock minutes of those days, sorted."""
    matches = matcher(expr)
    start = datetime.combine(first, datetime.min.time())
    walls = (start + timedelta(minutes=n) for n in range(days * 24 * 60))
    return sorted({pg_instant(wall, zone) for wall in walls if matches(wall)})


def random_expression(rng: random.Random) -> str:
    def field(low: int, high: int, stars: int) -> str:
        def item() -> str:
            a = rng.randint(low, high)
            b = rng.randint(a, high)
            return rng.choice([str(a), f"{a}-{b}", f"*/{rng.randint(2, 7)}",
                               f"{a}-{b}/{rng.randint(2, 4)}", f"{a}/{rng.randint(5, 20)}"])
        if rng.randrange(stars + 2) < stars:
            return "*"
        return ",".join(item() for _ in range(rng.randint(1, 2)))
    return " ".join([field(0, 59, 1), field(0, 23, 2), field(1, 31, 3), "*", field(0, 7, 3)])


# (zone, first local day): the day after has a daylight saving change (one
# at midnight, one of half an hour), or none
WINDOWS = [
    ("America/New_York", date(2026, 3, 7)),
    ("America/New_York", date(2026, 10, 31)),
    ("Europe/Berlin", date(2026, 3, 28)),
    ("Europe/Berlin", date(2026, 10, 24)),
    ("America/Santiago", date(2026, 4, 3)),
    ("America/Santiago", date(2026, 9, 5)),
    ("Australia/Lord_Howe", date(2026, 4, 4)),
    ("Australia/Lord_Howe", date(2026, 10, 3)),
    ("Asia/Kolkata", date(2026, 2, 27)),
    ("UTC", date(2028, 2, 27)),
]
FIXED = ["* * * * *", "30 2 * * *", "30 1 * * *", "*/20 0-3 * * *", "59 23 * * *",
         "0,30 0,1,2,23 * * *", "15 2 * * 0", "0 0 1,15 * 1", "*/7 */5 */2 * *",
         "45 0-2 * * 6-7"]


def offset_changes(zone: ZoneInfo, start: datetime, end: datetime) -> list[datetime]:
    """The instants in (start, end] at which the zone's UTC offset changes."""
    minutes = [start + timedelta(minutes=n) for n in range(int((end - start) / timedelta(minutes=1)))]
    return [b for a, b in itertools.pairwise(minutes)
            if a.astimezone(zone).utcoffset() != b.astimezone(zone).utcoffset()]


@pytest.mark.parametrize(("zone", "first"), WINDOWS)
def test_cron_next_agrees_with_a_minute_by_minute_reference(db, zone, first):
    """Afters: every fire time within three hours of an offset change, a
    sample of the others, each also less a microsecond, and random times."""
    rng = random.Random(f"{zone} {first}")
    tz = ZoneInfo(zone)

    def instant(day: date) -> datetime:
        return pg_instant(datetime.combine(day, datetime.min.time()), tz)

    window_start = instant(first)
    certain_until = instant(first + timedelta(days=4))  # the reference runs a day longer
    changes = offset_changes(tz, window_start, certain_until)
    assert len(changes) == (0 if zone in ("UTC", "Asia/Kolkata") else 1)
    checked = 0
    for expr in FIXED + [random_expression(rng) for _ in range(10)]:
        expected = reference_fires(expr, tz, first - timedelta(days=1), 6)
        inside = [t for t in expected if window_start <= t < certain_until]
        times = [t for t in inside if any(abs(t - c) <= timedelta(hours=3) for c in changes)]
        others = [t for t in inside if t not in times]
        times += rng.sample(others, min(len(others), 40))
        afters = ([window_start] + times + [t - timedelta(microseconds=1) for t in times]
                  + [window_start + timedelta(seconds=rng.randrange(4 * 86400)) for _ in range(40)])
        cases = []
        for after in afters:
            later = bisect.bisect_right(expected, after)  # the first fire time after it
            if later < len(expected) and expected[later] < certain_until:
                cases.append((after, expected[later]))
        got = db.execute("""
            SELECT jobs_internal.cron_next(%s, %s, a.after)
            FROM unnest(%s::timestamptz[]) WITH ORDINALITY AS a (after, n)
            ORDER BY a.n
        """, (expr, zone, [after for after, _ in cases])).fetchall()
        wrong = [(after, want, have) for (after, want), (have,) in zip(cases, got, strict=True) if want != have]
        assert wrong == [], f"{expr} in {zone}"
        checked += len(cases)
    assert checked > 1000
