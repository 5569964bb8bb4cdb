-- The orders fixture: a bigserial key, money as numeric, a status, a timestamp, a nullable note with some values
-- large enough to be TOASTed, and two secondary indexes. :table, :rows and :seed are filled in by the harness;
-- setseed makes the data identical for the same seed.
CREATE TABLE :table (
    id          bigserial PRIMARY KEY,
    customer_id int NOT NULL,
    total       numeric(12,2) NOT NULL,
    status      text NOT NULL,
    created_at  timestamptz NOT NULL,
    note        text
);
SELECT setseed(:seed);
INSERT INTO :table (customer_id, total, status, created_at, note)
SELECT (random() * 100000)::int,
       round((random() * 1000)::numeric, 2),
       (ARRAY['new', 'paid', 'shipped', 'cancelled'])[1 + floor(random() * 4)::int],
       timestamptz '2024-01-01 00:00:00+00' + random() * interval '365 days',
       CASE WHEN random() < 0.005 THEN repeat(md5(g::text), 300)
            WHEN random() < 0.3 THEN 'note ' || g END
FROM generate_series(1, :rows) g;
CREATE INDEX ON :table (customer_id);
CREATE INDEX ON :table (created_at);
ANALYZE :table;
