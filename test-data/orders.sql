-- The orders fixture: a bigserial key, money as numeric, a status, a timestamp, a nullable note (0.5% of the
-- notes are ~10 kB, compressed by TOAST), and two secondary indexes. It has no child table with a foreign key
-- to it, so its figures leave out the cost of carrying one across the swap.
--
-- The harness fills in :rows and :seed (setseed makes the data identical for the same seed), runs this in a
-- schema of its own, and reads the @ lines: the table to change, the default change, and the workload's
-- statements, where :key is a random existing key from 1 to :rows.
--
-- @migrate orders
-- @change  ALTER COLUMN total TYPE bigint USING (total * 100)::bigint, ADD COLUMN currency varchar(3) NOT NULL DEFAULT 'USD'
-- @insert  INSERT INTO orders (customer_id, total, status, created_at) VALUES ((random() * 100000)::int, 100, 'new', now())
-- @update  UPDATE orders SET total = total + 1, status = 'paid' WHERE id = :key
-- @delete  DELETE FROM orders WHERE id = :key
CREATE TABLE orders (
    id          bigserial PRIMARY KEY,
    customer_id int NOT NULL,
    total       numeric(12,2) NOT NULL,
    status      text NOT NULL,
    created_at  timestamptz NOT NULL,
    note        text
);
SELECT setseed(:seed);
INSERT INTO orders (customer_id, total, status, created_at, note)
SELECT (random() * 100000)::int,
       round((random() * 1000)::numeric, 2),
       (ARRAY['new', 'paid', 'shipped', 'cancelled'])[1 + floor(random() * 4)::int],
       timestamptz '2024-01-01 00:00:00+00' + random() * interval '365 days',
       CASE WHEN random() < 0.005 THEN repeat(md5(g::text), 300)
            WHEN random() < 0.3 THEN 'note ' || g END
FROM generate_series(1, :rows) g;
CREATE INDEX ON orders (customer_id);
CREATE INDEX ON orders (created_at);
VACUUM (ANALYZE) orders;
