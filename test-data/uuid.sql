-- A uuid-keyed table: random-looking keys (md5 of the seed and the row number, so the same seed gives the same
-- keys and the workload can name an existing row), so the key index is written in random order. The harness
-- fills in :rows and :seed.
--
-- @migrate sessions
-- @change  ALTER COLUMN hits TYPE bigint, ADD COLUMN closed boolean NOT NULL DEFAULT false
-- @insert  INSERT INTO sessions (id, user_id, started_at, last_seen, hits, agent) VALUES (gen_random_uuid(), (random() * 1000000)::bigint, now(), now(), 1, 'bench')
-- @update  UPDATE sessions SET hits = hits + 1, last_seen = now() WHERE id = md5(':seed/' || :key)::uuid
-- @delete  DELETE FROM sessions WHERE id = md5(':seed/' || :key)::uuid
CREATE TABLE sessions (
    id          uuid PRIMARY KEY,
    user_id     bigint NOT NULL,
    started_at  timestamptz NOT NULL,
    last_seen   timestamptz NOT NULL,
    hits        int NOT NULL,
    agent       text
);
SELECT setseed(:seed);
INSERT INTO sessions (id, user_id, started_at, last_seen, hits, agent)
SELECT md5(':seed/' || g)::uuid, user_id, started_at, started_at + random() * interval '2 hours',
       floor(random() * 500)::int,
       (ARRAY['Mozilla/5.0 (X11; Linux x86_64)', 'Mozilla/5.0 (iPhone)', 'curl/8.5'])[1 + floor(random() * 3)::int]
FROM (SELECT g, (random() * 1000000)::bigint AS user_id,
             timestamptz '2024-01-01 00:00:00+00' + random() * interval '365 days' AS started_at
      FROM generate_series(1, :rows) g) s;
CREATE INDEX ON sessions (user_id, last_seen);
VACUUM (ANALYZE) sessions;
