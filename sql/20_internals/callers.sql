-- Who is calling and what they may see. PostgREST checks the JWT, switches
-- to the role it names and leaves its claims in request.jwt.claims. Each
-- api role has one scope:
--   jobs_admin   every job
--   jobs_worker  the jobs of the queues in its token's queues claim
--                (a JSON array of names; "*" means every queue), or, for a
--                direct database login, of the queues jobs.worker_login
--                grants it
--   jobs_user    its own jobs: owner is the token's sub
--   jobs_metrics every queue's counts, through api.metrics alone (it has
--                no other grant)
-- The row level security policies (sql/50_policies/) and the SECURITY
-- DEFINER ledger readers (counts.sql, history.sql) both take the caller's
-- scope from caller_scope(), so they cannot disagree.
-- Depends on: 00_roles.sql.

-- The JWT claims, believed only in a session PostgREST could have opened:
-- the authenticator role, a member of it, or a superuser. Any other login
-- can set request.jwt.claims at will, so its claims count for nothing.
CREATE OR REPLACE FUNCTION jobs_internal.jwt_claims()
RETURNS jsonb
LANGUAGE sql
STABLE
BEGIN ATOMIC
    SELECT CASE
        WHEN pg_has_role(session_user, 'authenticator', 'MEMBER')
            THEN coalesce(
                nullif(current_setting('request.jwt.claims', TRUE), '')::jsonb,
                '{}'
            )
        ELSE '{}'::jsonb
    END;
END;

-- Who is acting: the JWT subject under PostgREST, else the role set with
-- SET ROLE, else the login role. A login that is not trusted with claims
-- always acts as itself. Not current_user: inside a SECURITY DEFINER
-- function that is the owner.
CREATE OR REPLACE FUNCTION jobs_internal.current_actor()
RETURNS text
LANGUAGE sql
STABLE
BEGIN ATOMIC
    SELECT CASE
        WHEN pg_has_role(session_user, 'authenticator', 'MEMBER')
            THEN coalesce(
                jobs_internal.jwt_claims() ->> 'sub',
                nullif(current_setting('role'), 'none'),
                session_user
            )
        ELSE session_user
    END;
END;

-- The api role the caller acts as: jobs_admin, jobs_worker, jobs_user or jobs_metrics,
-- the first of them it is a member of (superusers are members of all), or
-- null (anon). From the role setting, which a SECURITY DEFINER function
-- leaves as it was.
-- caller_role, login_queues, worker_queues and caller_scope are PL/pgSQL,
-- not SQL: every claim, report and row level security check calls them,
-- and a SQL function that calls another one from inside a query plans that
-- one's body again on every call, while PL/pgSQL keeps its plans for the
-- session.
-- caller_scope() took 190 µs for a worker login as SQL, 6 µs as PL/pgSQL.
CREATE OR REPLACE FUNCTION jobs_internal.caller_role()
RETURNS text
LANGUAGE plpgsql
STABLE
AS $$
DECLARE
    v_name text := coalesce(nullif(current_setting('role'), 'none'), session_user);
BEGIN
    RETURN CASE
        WHEN pg_has_role(v_name, 'jobs_admin', 'MEMBER') THEN 'jobs_admin'
        WHEN pg_has_role(v_name, 'jobs_worker', 'MEMBER') THEN 'jobs_worker'
        WHEN pg_has_role(v_name, 'jobs_user', 'MEMBER') THEN 'jobs_user'
        WHEN pg_has_role(v_name, 'jobs_metrics', 'MEMBER') THEN 'jobs_metrics'
    END;
END;
$$;

-- The queues a direct database login that is a member of jobs_worker may
-- claim from (jobs.worker_login; none when it has no row). SECURITY
-- DEFINER: a worker may not read the others' rows.
CREATE OR REPLACE FUNCTION jobs_internal.login_queues()
RETURNS text[]
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = ''
AS $$
BEGIN
    RETURN coalesce(
        (SELECT w.queues FROM jobs.worker_login AS w WHERE w.role_name = session_user),
        '{}'::text[]
    );
END;
$$;

-- The queues a worker may claim from: under PostgREST, the names in its
-- token's queues claim (none without one); for a direct database login,
-- those jobs.worker_login grants it.
CREATE OR REPLACE FUNCTION jobs_internal.worker_queues()
RETURNS text[]
LANGUAGE plpgsql
STABLE
AS $$
DECLARE
    v_claim jsonb;
BEGIN
    IF NOT pg_has_role(session_user, 'authenticator', 'MEMBER') THEN
        RETURN jobs_internal.login_queues();
    END IF;
    v_claim := jobs_internal.jwt_claims() -> 'queues';
    IF v_claim IS NULL OR jsonb_typeof(v_claim) <> 'array' THEN
        RETURN '{}'::text[];
    END IF;
    RETURN ARRAY(SELECT jsonb_array_elements_text(v_claim));
END;
$$;

-- The caller's scope in one row: everything (admins, metrics scrapers, and
-- workers allowed "*"), else the jobs of one owner (users), else the jobs of some queues
-- (workers). Anything else sees nothing.
CREATE OR REPLACE FUNCTION jobs_internal.caller_scope()
RETURNS TABLE (everything boolean, owner text, queues text[])
LANGUAGE plpgsql
STABLE
AS $$
DECLARE
    v_role text := jobs_internal.caller_role();
    v_queues text[] := '{}'::text[];
BEGIN
    IF v_role = 'jobs_worker' THEN
        v_queues := jobs_internal.worker_queues();
    END IF;
    everything := coalesce(
        v_role IN ('jobs_admin', 'jobs_metrics')
        OR (v_role = 'jobs_worker' AND v_queues @> '{*}'),
        FALSE
    );
    owner := CASE WHEN v_role = 'jobs_user' THEN jobs_internal.current_actor() END;
    queues := v_queues;
    RETURN NEXT;
END;
$$;

-- Whether a job (or a ledger row counting jobs) of this owner and queue is
-- in the caller's scope. For the ledger readers; the policies write the
-- same test per role so that the planner can use indexes.
CREATE OR REPLACE FUNCTION jobs_internal.in_scope(
    scope_everything boolean,
    scope_owner text,
    scope_queues text[],
    owner text,
    queue text
)
RETURNS boolean
LANGUAGE sql
IMMUTABLE
BEGIN ATOMIC
    SELECT scope_everything OR owner = scope_owner OR scope_queues @> ARRAY[queue];
END;

-- The queues a claim takes from: those asked for, each of which the token
-- must allow (403 otherwise), or all the token allows when none are named.
CREATE OR REPLACE FUNCTION jobs_internal.claimable_queues(queues text[])
RETURNS text[]
LANGUAGE plpgsql
STABLE
AS $$
DECLARE
    v_scope record;
    v_refused text[];
BEGIN
    SELECT * INTO v_scope FROM jobs_internal.caller_scope();
    IF v_scope.everything THEN
        RETURN queues;
    ELSIF queues IS NULL THEN
        RETURN v_scope.queues;
    END IF;
    v_refused := ARRAY(SELECT unnest(queues) EXCEPT SELECT unnest(v_scope.queues));
    IF v_refused <> '{}' THEN
        RAISE EXCEPTION 'this token may not claim jobs of queue %',
            jobs_internal.escape_list_for_message(v_refused)
            USING ERRCODE = 'PT403',
                DETAIL = format('queues=%s', v_refused),
                HINT = 'A worker token names its queues in its queues claim.';
    END IF;
    RETURN queues;
END;
$$;

-- PostgREST's db-pre-request, before every request: a token is needed (but
-- for the OpenAPI document), a user or worker token must name who it is for
-- (sub), and a queues claim must be a list of names. 401 otherwise, like any
-- other bad token.
CREATE OR REPLACE FUNCTION jobs_internal.check_token()
RETURNS void
LANGUAGE plpgsql
STABLE
AS $$
DECLARE
    v_claims jsonb := jobs_internal.jwt_claims();
    v_role text := jobs_internal.caller_role();
BEGIN
    -- No token: say so, rather than "permission denied" for whatever the
    -- route reads. The OpenAPI document at / stays open (it lists nothing
    -- to anon), and so do the dashboard's files: a browser sends no token
    -- when it opens a page.
    IF v_role IS NULL AND coalesce(current_setting('request.path', TRUE), '/')
        NOT IN ('/', '/rpc/dashboard', '/rpc/dashboard_file') THEN
        RAISE EXCEPTION 'a token is needed: send Authorization: Bearer <JWT>'
            USING ERRCODE = 'PT401',
                HINT = 'jobsapi token --role jobs_user --sub NAME prints one for the local stack.';
    END IF;
    IF v_role IN ('jobs_user', 'jobs_worker')
        AND coalesce(v_claims ->> 'sub', '') = '' THEN
        RAISE EXCEPTION 'a % token needs a sub claim naming whom it is for', v_role
            USING ERRCODE = 'PT401';
    END IF;
    IF v_claims ? 'queues' AND (
        jsonb_typeof(v_claims -> 'queues') <> 'array'
        OR EXISTS (
            SELECT FROM jsonb_array_elements(v_claims -> 'queues') AS q (name)
            WHERE jsonb_typeof(q.name) <> 'string'
        )
    ) THEN
        RAISE EXCEPTION 'the queues claim must be a list of queue names'
            USING ERRCODE = 'PT401';
    END IF;
    -- PostgREST hands a function without a single unnamed text or bytea
    -- parameter a text/plain or octet-stream body as no arguments at all:
    -- the call would run with its defaults (claim_jobs would claim).
    IF current_setting('request.method', TRUE) = 'POST'
        AND current_setting('request.path', TRUE) LIKE '/rpc/%'
        AND split_part(lower(coalesce(
            nullif(current_setting('request.headers', TRUE), '')::jsonb ->> 'content-type', ''
        )), ';', 1) IN ('text/plain', 'application/octet-stream') THEN
        RAISE EXCEPTION 'send the arguments as JSON (Content-Type: application/json)'
            USING ERRCODE = 'PT415';
    END IF;
END;
$$;
