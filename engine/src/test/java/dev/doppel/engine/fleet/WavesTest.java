package dev.doppel.engine.fleet;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
