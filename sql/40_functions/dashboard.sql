-- The dashboard, served by PostgREST itself: GET /rpc/dashboard answers the
-- page, GET /rpc/dashboard_file?name=app.js its other files. The files live
-- in dashboard/ of the repo; every deploy loads them into
-- jobs.dashboard_file. Anyone may fetch them (anon too: a browser sends no
-- token when it opens a page); the page then calls the API with the token
-- its user gives it, and sees and does only what that token may.
-- Depends on: migrations, 10_schemas.sql.

-- One file, with its media type. An ETag lets the browser keep a copy: a
-- request that names the current one answers 304 with no body.
CREATE OR REPLACE FUNCTION api.dashboard_file(name text)
RETURNS api."*/*"  -- noqa: RF05
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = ''
AS $$
DECLARE
    v_file jobs.dashboard_file;
    v_etag text;
    v_headers jsonb;
BEGIN
    SELECT f.* INTO v_file FROM jobs.dashboard_file AS f WHERE f.name = $1;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'the dashboard has no file %', $1
            USING ERRCODE = 'PT404',
                HINT = 'The deploy loads the files of dashboard/: run jobsapi migrate.';
    END IF;
    v_etag := format('"%s"', left(v_file.sha256, 32));
    v_headers := jsonb_build_array(
        jsonb_build_object('Content-Type', v_file.media_type),
        jsonb_build_object('ETag', v_etag),
        -- Ask every time; the ETag makes the answer an empty 304.
        jsonb_build_object('Cache-Control', 'no-cache'),
        jsonb_build_object('X-Content-Type-Options', 'nosniff')
    );
    IF v_file.media_type LIKE 'text/html%' THEN
        -- The page holds a token: it may load and call only its own origin.
        v_headers := v_headers || jsonb_build_array(
            jsonb_build_object(
                'Content-Security-Policy',
                'default-src ''self''; img-src ''self'' data:; frame-ancestors ''none'''
            ),
            jsonb_build_object('Referrer-Policy', 'no-referrer')
        );
    END IF;
    PERFORM set_config('response.headers', v_headers::text, TRUE);
    IF nullif(current_setting('request.headers', TRUE), '')::jsonb ->> 'if-none-match'
        = v_etag THEN
        PERFORM set_config('response.status', '304', TRUE);
        RETURN NULL;
    END IF;
    RETURN v_file.body;
END;
$$;

COMMENT ON FUNCTION api.dashboard_file(text) IS
$$A file of the dashboard

The page's scripts, style sheets and images, with their media type. Needs no token. GET /rpc/dashboard_file?name=app.js$$;

CREATE OR REPLACE FUNCTION api.dashboard()
RETURNS api."*/*"  -- noqa: RF05
LANGUAGE sql
STABLE
BEGIN ATOMIC
    SELECT api.dashboard_file('index.html');
END;

COMMENT ON FUNCTION api.dashboard() IS
$$The dashboard

A web page over this API: queues, throughput, jobs, workers, locks, ETL runs and schedules. Open it in a browser and give it a token (pasted, or as #token=... in the address); it calls the routes with that token, so it shows and does what the token may. Needs no token itself. GET /rpc/dashboard$$;
