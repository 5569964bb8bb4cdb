package dev.doppel.engine;

import dev.doppel.engine.state.OperatorRequests;

import java.sql.SQLException;
import java.time.Instant;

/** Whether a ready migration must wait before it swaps: postponed by request, or outside its window and not released. */
final class CutoverHold {

    private final OperatorRequests operator;
    private final CutoverWindow window;

    CutoverHold(OperatorRequests operator, CutoverWindow window) {
        this.operator = operator;
        this.window = window;
    }

    boolean held() throws SQLException {
        OperatorRequests.Settings settings = operator.current();
        boolean outsideWindow = window != null && !window.contains(Instant.now());
        return settings.cutoverPostponed() || outsideWindow && !settings.cutoverReleased();
    }
}
