package dev.doppel.engine.batch;

import java.util.List;

/**
 * What a data job would do, read without changing anything (the sample is rolled back).
 *
 * @param estimatedRows   the planner's estimate of the rows that match now
 * @param exactRows       the rows that match now, counted; null unless asked for
 * @param tableRows       the planner's estimate of the table's rows: the keys the batches pass
 * @param batchRows       keys per batch at the target batch time, from the sample
 * @param batches         batches expected
 * @param sampleRows      keys the timed sample covered, {@code sampleChanged} of them changed
 * @param expectedMillis  the batches' time without throttling, scaled from the sample
 * @param expectedWalBytes WAL the changes write, scaled from the sample; -1 when the sample changed no row
 * @param triggers        triggers that fire for each changed row, as "table: definition"
 * @param foreignKeys     foreign keys of other tables the changes reach, with the action each takes
 * @param predicateIndexes indexes whose first column the predicate reads
 * @param batchPlan       PostgreSQL's plan of one batch
 */
public record JobPlan(String table, String job, List<String> key, long estimatedRows, Long exactRows, long tableRows,
                      long batchRows, long batches, long sampleRows, long sampleChanged, long expectedMillis,
                      long expectedWalBytes, List<String> triggers, List<String> foreignKeys,
                      List<String> predicateIndexes, List<String> batchPlan, List<String> warnings) {
}
