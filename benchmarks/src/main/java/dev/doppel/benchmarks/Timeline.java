package dev.doppel.benchmarks;

/** Where a scenario tells the workload what is happening, so latency can be read against the phases. */
interface Timeline {

    Timeline NONE = new Timeline() {
        @Override
        public void mark(String label, LatencyLog.Window window) {
        }
    };

    /**
     * Marks this moment on the latency series, e.g. a phase starting: operations due from now on count in this
     * phase and this window, both changed at once.
     */
    void mark(String label, LatencyLog.Window window);
}
