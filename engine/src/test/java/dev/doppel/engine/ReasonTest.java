package dev.doppel.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReasonTest {

    @Test
    void eachReasonIsClassifiedOnceWithItsExitCode() {
        assertEquals(3, Reason.CAPTURE_UNAVAILABLE.exitCode(), "a refused logical capture changed nothing");
        assertTrue(new DoppelException(Reason.CAPTURE_UNAVAILABLE, "x").isRefusal());
        assertEquals(4, Reason.VERIFY_MISMATCH.exitCode());
        assertEquals(5, Reason.INTERRUPTED.exitCode());
        assertEquals(6, Reason.ALREADY_RUNNING.exitCode());
        assertEquals(1, Reason.CAPTURE_FAILED.exitCode());
        assertFalse(new DoppelException(Reason.COPY_FAILED, "x").isRefusal());
        assertEquals("no_usable_key", Reason.NO_USABLE_KEY.code());
    }

    @Test
    void destructiveReasonsAreTheOnesThatMakeTheShadowWorthless() {
        for (Reason r : Reason.values()) {
            boolean expected = switch (r) {
                case COPY_FAILED, INDEX_FAILED, VERIFY_MISMATCH, SOURCE_CHANGED, INVALID_ALTER -> true;
                default -> false;
            };
            assertEquals(expected, r.destructive(), r.code());
        }
    }
}
