package dev.doppel.engine.fleet;

import java.util.ArrayList;
import java.util.List;

/** Splits the targets, in the list's order, into a canary wave and waves of a fixed size. */
final class Waves {

    private Waves() {
    }

    static <T> List<List<T>> split(List<T> targets, int canary, int waveSize) {
        List<List<T>> waves = new ArrayList<>();
        int first = Math.min(canary, targets.size());
        if (first > 0) {
            waves.add(List.copyOf(targets.subList(0, first)));
        }
        int size = waveSize == 0 ? Math.max(1, targets.size() - first) : waveSize;
        for (int i = first; i < targets.size(); i += size) {
            waves.add(List.copyOf(targets.subList(i, Math.min(targets.size(), i + size))));
        }
        return waves;
    }
}
