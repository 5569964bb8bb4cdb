package dev.doppel.benchmarks;

/** Where a scenario tells the workload what is happening, so latency can be read against the phases. */
interface Timeline {

    Timeline NONE = new Timeline() {
        @Override
        public void mark(String label) {
        }

        @Override
        public void window(LatencyLog.Window window) {
        }
    };

    /** Marks this moment on the latency series, e.g. a phase starting. */
    void mark(String label);

    /** Operations due from now on count in this window. */
    void window(LatencyLog.Window window);
}
