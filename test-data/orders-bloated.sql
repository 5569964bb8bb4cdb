-- The orders-bloated fixture: the orders table after two thirds of its rows were deleted and vacuumed, so its
-- heap and indexes are three times the size its live rows need: the table an online repack is for. The change is
-- doppel's REPACK (a rewrite with no change of shape), to compare with pg_repack on the same table:
--
--   java -jar benchmarks/target/doppel-benchmarks.jar --fixture orders-bloated --scenarios baseline,doppel,pg_repack
--
-- The workload's :key may hit a deleted row; such updates and deletes change nothing, as on a real bloated table.
--
-- @migrate orders
-- @change  REPACK
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
DELETE FROM orders WHERE id % 3 <> 0;
VACUUM (ANALYZE) orders;
