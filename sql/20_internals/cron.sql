-- Cron expressions: the standard five fields (minute hour day-of-month
-- month day-of-week) checked and expanded, and the next time one fires in a
-- time zone. Depends on: helpers.sql (escape_for_message).

-- The values one field of a cron expression allows, sorted; field_number 1
-- to 5 is minute, hour, day-of-month, month, day-of-week. A field is a
-- comma list of *, n, a-b, */s, a-b/s and a/s (a to the highest value);
-- names jan-dec and sun-sat may stand for numbers; day-of-week 7 is Sunday.
CREATE OR REPLACE FUNCTION jobs_internal.cron_field(expr text, field_number integer, field text)
RETURNS integer[]
LANGUAGE plpgsql
IMMUTABLE
AS $$
DECLARE
    v_low integer := (ARRAY[0, 0, 1, 1, 0])[field_number];
    v_high integer := (ARRAY[59, 23, 31, 12, 7])[field_number];
    v_names text[] := CASE field_number
        WHEN 4 THEN '{jan,feb,mar,apr,may,jun,jul,aug,sep,oct,nov,dec}'::text[]
        WHEN 5 THEN '{sun,mon,tue,wed,thu,fri,sat}'::text[]
    END;
    -- cron expression "...": minute
    v_prefix text := format(
        'cron expression "%s": %s', jobs_internal.escape_for_message(expr),
        (ARRAY['minute', 'hour', 'day-of-month', 'month', 'day-of-week'])[field_number]
    );
    v_item text;
    v_match text[];
    v_token text;
    v_bounds integer[];
    v_step integer;
    v_values integer[] := '{}'::integer[];
BEGIN
    FOREACH v_item IN ARRAY string_to_array(field, ',') LOOP
        -- {*, a, b, s} of *[/s] or a[-b][/s]
        v_match := regexp_match(v_item, '^(?:(\*)|([^-/]+)(?:-([^-/]+))?)(?:/(.*))?$');
        IF v_item = '' THEN
            RAISE EXCEPTION '% list "%" has an empty item',
                v_prefix, jobs_internal.escape_for_message(field)
                USING ERRCODE = '22023';
        ELSIF v_match IS NULL THEN
            RAISE EXCEPTION '% "%" cannot be parsed: expected *, n, a-b, */s, a-b/s or a/s',
                v_prefix, jobs_internal.escape_for_message(v_item)
                USING ERRCODE = '22023';
        END IF;

        v_bounds := '{}';
        FOREACH v_token IN ARRAY array_remove(v_match[2:3], NULL) LOOP
            IF v_token ~ '^[0-9]+$' THEN
                IF v_token::numeric NOT BETWEEN v_low AND v_high THEN
                    RAISE EXCEPTION '% % is out of range %-%',
                        v_prefix, jobs_internal.escape_for_message(v_token), v_low, v_high
                        USING ERRCODE = '22023';
                END IF;
                v_bounds := v_bounds || v_token::integer;
            ELSIF lower(v_token) = ANY(v_names) THEN
                v_bounds := v_bounds || array_position(v_names, lower(v_token)) - 1 + v_low;
            ELSIF v_names IS NULL THEN
                RAISE EXCEPTION '% "%" is not a number',
                    v_prefix, jobs_internal.escape_for_message(v_token)
                    USING ERRCODE = '22023';
            ELSE
                RAISE EXCEPTION '% "%" is not a number or a name %-%',
                    v_prefix, jobs_internal.escape_for_message(v_token),
                    v_names[1], v_names[cardinality(v_names)]
                    USING ERRCODE = '22023';
            END IF;
        END LOOP;
        IF v_match[1] IS NOT NULL THEN
            v_bounds := ARRAY[v_low, v_high];
        ELSIF v_match[3] IS NULL THEN
            -- n is n-n; a/s is a to the highest value
            v_bounds := ARRAY[
                v_bounds[1], CASE WHEN v_match[4] IS NULL THEN v_bounds[1] ELSE v_high END
            ];
        ELSIF v_bounds[1] > v_bounds[2] THEN
            RAISE EXCEPTION '% range % starts after it ends', v_prefix,
                jobs_internal.escape_for_message(v_match[2] || '-' || v_match[3])
                USING ERRCODE = '22023';
        END IF;

        IF v_match[4] IS NULL THEN
            v_step := 1;
        ELSIF v_match[4] ~ '^[0-9]+$' AND v_match[4]::numeric > 0 THEN
            v_step := least(v_match[4]::numeric, v_high + 1)::integer;
        ELSE
            RAISE EXCEPTION '% step "%" must be a positive whole number',
                v_prefix, jobs_internal.escape_for_message(v_match[4])
                USING ERRCODE = '22023';
        END IF;
        v_values := v_values || ARRAY(SELECT generate_series(v_bounds[1], v_bounds[2], v_step));
    END LOOP;

    RETURN ARRAY(
        SELECT DISTINCT CASE WHEN field_number = 5 THEN v.value % 7 ELSE v.value END
        FROM unnest(v_values) AS v (value)
        ORDER BY 1
    );
END;
$$;

COMMENT ON FUNCTION jobs_internal.cron_field(text, integer, text) IS
$$The values field number field_number (1 minute, 2 hour, 3 day-of-month, 4 month, 5 day-of-week) of the cron expression expr allows, sorted: a comma list of *, n, a-b, */s, a-b/s and a/s (a to the field's highest value), with names jan-dec and sun-sat for numbers and day-of-week 7 as Sunday (0). Error 22023 naming the field and the bad part otherwise; expr only goes into the message.$$;

-- A cron expression checked and expanded, or 22023 with a message naming
-- the bad part; also when it can never fire.
CREATE OR REPLACE FUNCTION jobs_internal.cron_parse(expr text)
RETURNS jsonb
LANGUAGE plpgsql
IMMUTABLE
AS $$
DECLARE
    v_text text := btrim(expr, E' \t');
    v_fields text[];
    v_values jsonb[] := '{}'::jsonb[];  -- of each field, sorted
    v_any_day boolean;
    v_any_weekday boolean;
BEGIN
    IF expr IS NULL THEN
        RAISE EXCEPTION 'cron expression is null' USING ERRCODE = '22023';
    ELSIF length(expr) > 200 THEN
        RAISE EXCEPTION 'cron expression "%" is longer than 200 characters (%)',
            jobs_internal.escape_for_message(expr), length(expr)
            USING ERRCODE = '22023';
    ELSIF v_text = '' THEN
        RAISE EXCEPTION 'cron expression is empty' USING ERRCODE = '22023';
    END IF;

    IF v_text LIKE '@%' THEN
        v_text := CASE lower(v_text)
            WHEN '@yearly' THEN '0 0 1 1 *'
            WHEN '@annually' THEN '0 0 1 1 *'
            WHEN '@monthly' THEN '0 0 1 * *'
            WHEN '@weekly' THEN '0 0 * * 0'
            WHEN '@daily' THEN '0 0 * * *'
            WHEN '@midnight' THEN '0 0 * * *'
            WHEN '@hourly' THEN '0 * * * *'
        END;
        IF v_text IS NULL THEN
            RAISE EXCEPTION 'cron expression "%": unknown macro (expected @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly)',
                jobs_internal.escape_for_message(expr)
                USING ERRCODE = '22023';
        END IF;
    END IF;

    v_fields := regexp_split_to_array(v_text, '[ \t]+');
    IF cardinality(v_fields) <> 5 THEN
        RAISE EXCEPTION 'cron expression "%": % fields, expected 5 (minute hour day-of-month month day-of-week)',
            jobs_internal.escape_for_message(expr), cardinality(v_fields)
            USING ERRCODE = '22023';
    END IF;
    FOR i IN 1..5 LOOP
        v_values[i] := to_jsonb(jobs_internal.cron_field(expr, i, v_fields[i]));
    END LOOP;
    v_any_day := v_fields[3] LIKE '*%';
    v_any_weekday := v_fields[5] LIKE '*%';

    -- Unless both day fields are restricted (then a day matching either
    -- fires), a day must be one of the days of the month: the first of them
    -- must come in the longest of the months.
    IF (v_any_day OR v_any_weekday) AND (v_values[3] ->> 0)::integer > (
        SELECT max((ARRAY[31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])[m.month::integer])
        FROM jsonb_array_elements_text(v_values[4]) AS m (month)
    ) THEN
        RAISE EXCEPTION 'cron expression "%" never fires: day-of-month % never occurs in month %',
            jobs_internal.escape_for_message(expr),
            jobs_internal.escape_for_message(v_fields[3]),
            jobs_internal.escape_for_message(v_fields[4])
            USING ERRCODE = '22023';
    END IF;

    RETURN jsonb_build_object(
        'minutes', v_values[1],
        'hours', v_values[2],
        'days', v_values[3],
        'months', v_values[4],
        'weekdays', v_values[5],
        'any_day', v_any_day,
        'any_weekday', v_any_weekday
    );
END;
$$;

COMMENT ON FUNCTION jobs_internal.cron_parse(text) IS
$$A cron expression (minute hour day-of-month month day-of-week, or @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly) checked and expanded: {minutes, hours, days, months, weekdays, any_day, any_weekday}, sorted arrays of the values each field allows (weekdays 0-6, 0 Sunday) and whether the day-of-month and day-of-week fields start with * (Vixie cron: when neither does, a day matching either field fires; else a day must match both). Fields are separated by spaces or tabs. Error 22023 with a message naming the bad part for null, empty or longer than 200 characters, a wrong number of fields, an empty list item, a value out of range or not a number or name, a range that starts after it ends, a step that is not a positive whole number, an unknown macro, and an expression that never fires (0 0 30 2 *).$$;

-- A time zone a caller gave, returned as it is when it is one of
-- pg_timezone_names; 22023 otherwise. Reading pg_timezone_names loads every
-- zone file (some 20 ms), so a name that cannot be a POSIX rule (those start
-- with < or three letters and an offset, as UTC+3) is checked by setting
-- TimeZone to it instead: the setting takes exactly those zones, in any
-- letter case, and reads back the name as the zone file spells it.
CREATE OR REPLACE FUNCTION jobs_internal.check_time_zone(time_zone text)
RETURNS text
LANGUAGE plpgsql
STABLE
SET timezone = 'UTC'
AS $$
BEGIN
    IF time_zone IS NULL THEN
        RAISE EXCEPTION 'time zone is null' USING ERRCODE = '22023';
    ELSIF time_zone ~ '^(<|[A-Za-z]{3,}[-+]?[0-9])' THEN
        IF EXISTS (SELECT FROM pg_timezone_names AS z WHERE z.name = time_zone) THEN
            RETURN time_zone;
        END IF;
    ELSE
        BEGIN
            IF set_config('timezone', time_zone, TRUE) = time_zone THEN
                RETURN time_zone;
            END IF;
        EXCEPTION WHEN invalid_parameter_value THEN
            NULL;
        END;
    END IF;
    RAISE EXCEPTION 'time zone "%" is not a known IANA time zone',
        jobs_internal.escape_for_message(time_zone)
        USING ERRCODE = '22023';
END;
$$;

COMMENT ON FUNCTION jobs_internal.check_time_zone(text) IS
$$The time zone as given when it is one of pg_timezone_names (an IANA name such as Europe/Berlin, spelled as there); error 22023 otherwise, also for null and empty.$$;

-- The first time after "after" that a cron expression fires, its fields
-- read as wall-clock time in time_zone. Walks the matching days from the
-- local day of "after" month by month, and takes the earliest instant of a
-- day's hour:minute combinations that lies after "after"; once one is
-- found, a later day cannot start before it. TimeZone is the zone while it
-- runs (and back on return), so that zones named like abbreviations, such
-- as CET, keep their daylight saving time.
CREATE OR REPLACE FUNCTION jobs_internal.cron_next(expr text, time_zone text, after timestamptz)
RETURNS timestamptz
LANGUAGE plpgsql
STABLE
SET timezone = 'UTC'
AS $$
DECLARE
    v_cron jsonb := jobs_internal.cron_parse(expr);
    v_zone text := jobs_internal.check_time_zone(time_zone);
    v_minutes integer[] := ARRAY(SELECT jsonb_array_elements_text(v_cron -> 'minutes')::integer);
    v_hours integer[] := ARRAY(SELECT jsonb_array_elements_text(v_cron -> 'hours')::integer);
    v_days integer[] := ARRAY(SELECT jsonb_array_elements_text(v_cron -> 'days')::integer);
    v_months integer[] := ARRAY(SELECT jsonb_array_elements_text(v_cron -> 'months')::integer);
    v_weekdays integer[] := ARRAY(SELECT jsonb_array_elements_text(v_cron -> 'weekdays')::integer);
    -- a day must match both day fields, else either
    v_both boolean := (v_cron -> 'any_day')::boolean OR (v_cron -> 'any_weekday')::boolean;
    v_from date;
    v_month date;
    v_day date;
    v_next timestamptz;
    v_best timestamptz;
BEGIN
    IF after IS NULL OR NOT isfinite(after) THEN
        RAISE EXCEPTION 'after must be a finite time, not %', coalesce(after::text, 'null')
            USING ERRCODE = '22023';
    END IF;
    PERFORM set_config('timezone', v_zone, TRUE);
    v_from := after::date;
    v_month := date_trunc('month', v_from::timestamp)::date;
    WHILE v_month < v_from + interval '400 years' LOOP
        IF v_best <= v_month::timestamptz THEN
            RETURN v_best;
        END IF;
        IF extract(MONTH FROM v_month)::integer = ANY(v_months) THEN
            FOR v_day IN
                SELECT d.day::date
                FROM generate_series(
                    v_month::timestamp, v_month + interval '1 month - 1 day', interval '1 day'
                ) AS d (day)
                WHERE
                    d.day >= v_from
                    AND CASE
                        WHEN v_both
                            THEN
                                extract(DAY FROM d.day)::integer = ANY(v_days)
                                AND extract(DOW FROM d.day)::integer = ANY(v_weekdays)
                        ELSE
                            extract(DAY FROM d.day)::integer = ANY(v_days)
                            OR extract(DOW FROM d.day)::integer = ANY(v_weekdays)
                    END
                ORDER BY d.day
            LOOP
                IF v_best <= v_day::timestamptz THEN
                    RETURN v_best;
                END IF;
                SELECT min(f.fire_at) INTO v_next
                FROM (
                    SELECT (v_day + make_time(h.hour, m.minute, 0))::timestamptz AS fire_at
                    FROM unnest(v_hours) AS h (hour)
                    CROSS JOIN unnest(v_minutes) AS m (minute)
                ) AS f
                WHERE f.fire_at > after;
                v_best := least(v_best, v_next);
            END LOOP;
        END IF;
        v_month := v_month + interval '1 month';
    END LOOP;
    RETURN v_best;
END;
$$;

COMMENT ON FUNCTION jobs_internal.cron_next(text, text, timestamptz) IS
$$The first time strictly after "after" that the cron expression expr fires, read as wall-clock time in the IANA time zone time_zone. A wall-clock time skipped by a daylight saving change fires at the instant PostgreSQL's timestamp AT TIME ZONE gives it (02:30 on a day that jumps from 02:00 to 03:00 fires at 03:30); one that occurs twice fires once, at the later instant. Error 22023 for an invalid expression (cron_parse), an unknown time zone (check_time_zone), or a null or infinite after.$$;
