-- The orders-bloated fixture: the orders table after two thirds of its rows were deleted and vacuumed, so its
-- heap and indexes are three times the size its live rows need: the table an online repack is for. The change is
-- doppel's REPACK (a rewrite with no change of shape), to compare with pg_repack on the same table:
--
--   java -jar benchmarks/target/doppel-benchmarks.jar --fixture orders-bloated --scenarios baseline,doppel,pg_repack
--
-- It runs the orders fixture first and keeps its table and workload; the workload's :key may hit a deleted row,
-- and such updates and deletes change nothing, as on a real bloated table.
--
-- @extends orders
-- @change  REPACK
DELETE FROM orders WHERE id % 3 <> 0;
VACUUM (ANALYZE) orders;
