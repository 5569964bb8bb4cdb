package dev.doppel.engine.state;

import java.util.List;
import java.util.Locale;

/**
 * The copy of one leaf of a partitioned source, as recorded in {@code doppel.migration_partitions}.
 *
 * @param partition  the leaf as people read it (public.events_p202603)
 * @param position   its place in the copy's order, from 1
 * @param endKey     the leaf's largest key when its copy started (null: not started, or the leaf was empty)
 * @param checkpoint the last key copied from it, or null before its first chunk
 */
public record PartitionCopy(String partition, int position, State state, List<String> endKey,
                            List<String> checkpoint, long rowsCopied) {

    /** Where a leaf's copy stands: not started, started (its end key taken), or done. */
    public enum State {
        WAITING, COPYING, COPIED;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
