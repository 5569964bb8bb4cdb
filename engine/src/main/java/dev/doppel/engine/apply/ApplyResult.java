package dev.doppel.engine.apply;

import java.util.List;

/**
 * What {@code apply} did with a file.
 *
 * @param script     the file's name, as recorded
 * @param how        started, resumed after a failure or stop, or already done (nothing run)
 * @param ran        the statements run by this call
 * @param skipped    the statements an earlier run had done
 * @param migrations the doppel migrations the file's ALTER TABLE statements ran as (ids)
 */
public record ApplyResult(String script, How how, int ran, int skipped, List<Long> migrations) {

    public enum How { STARTED, RESUMED, ALREADY_DONE }
}
