-- A wide table: sixteen columns of common types and a jsonb document of 30 to 150 events, mostly random hex
-- (about 3.7 kB stored on average), so most documents live out of line in the TOAST table, which ends up about
-- eight times the size of the heap. A rewrite has to read and re-store every one of them. The harness fills in
-- :rows and :seed.
--
-- @migrate events_wide
-- @change  ALTER COLUMN id TYPE bigint
-- @insert  INSERT INTO events_wide (account_id, created_at, updated_at, kind, source, region, version, flags, active, payload) VALUES ((random() * 50000)::int, now(), now(), 'click', 'api', 'eu', 1, 0, true, (SELECT jsonb_build_object('events', jsonb_agg(jsonb_build_object('at', i, 'sig', md5(random()::text)))) FROM generate_series(1, 90) i))
-- @update  UPDATE events_wide SET version = version + 1, updated_at = now() WHERE id = :key
-- @delete  DELETE FROM events_wide WHERE id = :key
CREATE TABLE events_wide (
    id          serial PRIMARY KEY,
    account_id  int NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    kind        text NOT NULL,
    source      text NOT NULL,
    region      char(2) NOT NULL,
    version     int NOT NULL,
    score       double precision,
    amount      numeric(14,2),
    flags       int NOT NULL,
    active      boolean NOT NULL,
    tags        text[],
    title       text,
    summary     text,
    payload     jsonb NOT NULL
);
SELECT setseed(:seed);
INSERT INTO events_wide (account_id, created_at, updated_at, kind, source, region, version, score, amount, flags,
                         active, tags, title, summary, payload)
SELECT account_id, created_at, created_at + interval '1 hour', kind, 'web', 'us', 1, score, amount, flags,
       flags % 3 > 0, ARRAY[kind, 'tag' || flags % 50], 'event ' || g, repeat('lorem ipsum ', flags % 20),
       jsonb_build_object('kind', kind, 'account', account_id,
           'events', (SELECT jsonb_agg(jsonb_build_object('at', i, 'sig', md5(g || '/' || i)))
                      FROM generate_series(1, events) i))
FROM (SELECT g, (random() * 50000)::int AS account_id,
             timestamptz '2024-01-01 00:00:00+00' + random() * interval '365 days' AS created_at,
             (ARRAY['view', 'click', 'buy'])[1 + floor(random() * 3)::int] AS kind,
             random() AS score, round((random() * 500)::numeric, 2) AS amount,
             floor(random() * 1000)::int AS flags, 30 + floor(random() * 121)::int AS events
      FROM generate_series(1, :rows) g) s;
CREATE INDEX ON events_wide (account_id, created_at);
VACUUM (ANALYZE) events_wide;
