package dev.doppel.engine.fleet;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The canary first, then waves of a fixed size, in the list's order. */
class WavesTest {

    @Test
    void splitsIntoACanaryAndFixedWaves() {
        List<Integer> t = List.of(1, 2, 3, 4, 5, 6);
        assertEquals(List.of(List.of(1), List.of(2, 3, 4), List.of(5, 6)), Waves.split(t, 1, 3));
        assertEquals(List.of(List.of(1, 2), List.of(3, 4, 5, 6)), Waves.split(t, 2, 0));
        assertEquals(List.of(List.of(1, 2, 3, 4, 5, 6)), Waves.split(t, 0, 0));
        assertEquals(List.of(List.of(1, 2, 3, 4, 5, 6)), Waves.split(t, 9, 2));
        assertEquals(List.of(), Waves.split(List.of(), 1, 2));
    }

    @Property
    void everyTargetIsInExactlyOneWaveInTheListsOrder(@ForAll @IntRange(max = 60) int targets,
                                                      @ForAll @IntRange(max = 8) int canary,
                                                      @ForAll @IntRange(max = 12) int waveSize) {
        List<Integer> list = IntStream.range(0, targets).boxed().toList();
        List<List<Integer>> waves = Waves.split(list, canary, waveSize);
        List<Integer> joined = new ArrayList<>();
        waves.forEach(joined::addAll);
        assertEquals(list, joined);
        waves.forEach(w -> assertTrue(!w.isEmpty(), "no empty wave: " + waves));
        if (targets > 0 && canary > 0) {
            assertEquals(Math.min(canary, targets), waves.get(0).size());
        }
        int first = canary > 0 ? 1 : 0;
        for (int i = first; i < waves.size(); i++) {
            assertTrue(waveSize == 0 ? i == first : waves.get(i).size() <= waveSize, waves.toString());
        }
    }
}
