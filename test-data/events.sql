-- The events fixture: a table partitioned by month, 24 monthly range partitions (2023-01 to 2024-12), keyed by
-- (id, created_at) as PostgreSQL requires of a partitioned table's primary key, with a secondary index on every
-- partition. A row's month follows from its id (ids rise with time), so the workload's updates and deletes name
-- the whole key and touch one partition; its inserts go to the last month.
--
-- The harness fills in :rows and :seed and runs this in a schema of its own; :key is a random existing id.
--
-- @migrate events
-- @change  ALTER COLUMN amount TYPE bigint, ADD COLUMN source varchar(8) NOT NULL DEFAULT 'web'
-- @insert  INSERT INTO events (account_id, kind, amount, created_at) VALUES ((random() * 100000)::int, 'click', 1, timestamptz '2024-12-01 00:00:00+00' + random() * interval '30 days')
-- @update  UPDATE events SET amount = amount + 1, kind = 'view' WHERE id = :key AND created_at = timestamptz '2023-01-01 00:00:00+00' + (:key::float8 / (:rows + 1)) * interval '730 days'
-- @delete  DELETE FROM events WHERE id = :key AND created_at = timestamptz '2023-01-01 00:00:00+00' + (:key::float8 / (:rows + 1)) * interval '730 days'
CREATE TABLE events (
    id          bigserial,
    account_id  int NOT NULL,
    kind        text NOT NULL,
    amount      int NOT NULL,
    created_at  timestamptz NOT NULL,
    payload     text,
    PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);
DO $$ BEGIN FOR m IN 0..23 LOOP EXECUTE format('CREATE TABLE %I PARTITION OF events FOR VALUES FROM (%L) TO (%L)', 'events_' || to_char(date '2023-01-01' + m * interval '1 month', 'YYYY_MM'), timestamptz '2023-01-01 00:00:00+00' + m * interval '1 month', timestamptz '2023-01-01 00:00:00+00' + (m + 1) * interval '1 month'); END LOOP; END $$;
SELECT setseed(:seed);
INSERT INTO events (id, account_id, kind, amount, created_at, payload)
SELECT g, (random() * 100000)::int,
       (ARRAY['click', 'view', 'purchase', 'signup'])[1 + floor(random() * 4)::int],
       floor(random() * 10000)::int,
       timestamptz '2023-01-01 00:00:00+00' + (g::float8 / (:rows + 1)) * interval '730 days',
       CASE WHEN random() < 0.3 THEN 'payload ' || g END
FROM generate_series(1, :rows) g;
SELECT setval(pg_get_serial_sequence('events', 'id'), :rows);
CREATE INDEX ON events (account_id);
VACUUM (ANALYZE) events;
