-- The standard pgbench schema, as `pgbench -i --init-steps=dtGvp --scale=:scale` builds it: the same four
-- tables, column types, fillfactor 100, row counts (1 branch, 10 tellers and 100,000 accounts per unit of
-- scale, no history) and the same server-side generate_series statements, so sizes compare with published
-- pgbench figures. pgbench itself is not used because the embedded server's binaries do not include it. There
-- are no foreign keys, as in a default `pgbench -i`, so nothing references pgbench_accounts. The data does not
-- depend on :seed.
--
-- The workload is this harness's insert/update/delete mix on pgbench_accounts, not pgbench's TPC-B script;
-- inserts take keys above the generated ones from a sequence of the harness's own.
--
-- @migrate pgbench_accounts
-- @keys    :scale * 100000
-- @change  ALTER COLUMN abalance TYPE bigint
-- @insert  INSERT INTO pgbench_accounts (aid, bid, abalance, filler) VALUES (nextval('bench_new_aid'), 1, 0, '')
-- @update  UPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid = :key
-- @delete  DELETE FROM pgbench_accounts WHERE aid = :key
CREATE TABLE pgbench_history (tid int, bid int, aid int, delta int, mtime timestamp, filler char(22));
CREATE TABLE pgbench_tellers (tid int NOT NULL, bid int, tbalance int, filler char(84)) WITH (fillfactor = 100);
CREATE TABLE pgbench_accounts (aid int NOT NULL, bid int, abalance int, filler char(84)) WITH (fillfactor = 100);
CREATE TABLE pgbench_branches (bid int NOT NULL, bbalance int, filler char(88)) WITH (fillfactor = 100);
INSERT INTO pgbench_branches (bid, bbalance) SELECT bid, 0 FROM generate_series(1, :scale) AS bid;
INSERT INTO pgbench_tellers (tid, bid, tbalance) SELECT tid, (tid - 1) / 10 + 1, 0
FROM generate_series(1, :scale * 10) AS tid;
INSERT INTO pgbench_accounts (aid, bid, abalance, filler) SELECT aid, (aid - 1) / 100000 + 1, 0, ''
FROM generate_series(1, :scale * 100000) AS aid;
VACUUM (ANALYZE) pgbench_branches, pgbench_tellers, pgbench_accounts, pgbench_history;
ALTER TABLE pgbench_branches ADD PRIMARY KEY (bid);
ALTER TABLE pgbench_tellers ADD PRIMARY KEY (tid);
ALTER TABLE pgbench_accounts ADD PRIMARY KEY (aid);
CREATE SEQUENCE bench_new_aid;
SELECT setval('bench_new_aid', :scale * 100000);
