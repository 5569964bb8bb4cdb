-- A composite-key table: (tenant_id, order_no), 64 tenants with their own order numbers, so the key has two
-- columns and neither is unique alone. Row :key is tenant (:key - 1) % 64 + 1, order (:key - 1) / 64 + 1; new
-- rows continue the numbering from a sequence. The harness fills in :rows and :seed.
--
-- @migrate tenant_orders
-- @change  ALTER COLUMN amount_cents TYPE bigint
-- @insert  INSERT INTO tenant_orders (tenant_id, order_no, placed_at, amount_cents, status) SELECT (n - 1) % 64 + 1, (n - 1) / 64 + 1, now(), 100, 'new' FROM (SELECT nextval('bench_new_order') AS n) s
-- @update  UPDATE tenant_orders SET amount_cents = amount_cents + 1, status = 'paid' WHERE tenant_id = (:key - 1) % 64 + 1 AND order_no = (:key - 1) / 64 + 1
-- @delete  DELETE FROM tenant_orders WHERE tenant_id = (:key - 1) % 64 + 1 AND order_no = (:key - 1) / 64 + 1
CREATE TABLE tenant_orders (
    tenant_id    int NOT NULL,
    order_no     bigint NOT NULL,
    placed_at    timestamptz NOT NULL,
    amount_cents int NOT NULL,
    status       text NOT NULL,
    PRIMARY KEY (tenant_id, order_no)
);
SELECT setseed(:seed);
INSERT INTO tenant_orders (tenant_id, order_no, placed_at, amount_cents, status)
SELECT (g - 1) % 64 + 1, (g - 1) / 64 + 1,
       timestamptz '2024-01-01 00:00:00+00' + random() * interval '365 days',
       floor(random() * 100000)::int,
       (ARRAY['new', 'paid', 'shipped', 'cancelled'])[1 + floor(random() * 4)::int]
FROM generate_series(1, :rows) g;
CREATE INDEX ON tenant_orders (placed_at);
CREATE SEQUENCE bench_new_order;
SELECT setval('bench_new_order', :rows);
VACUUM (ANALYZE) tenant_orders;
