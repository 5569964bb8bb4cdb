package dev.doppel.benchmarks;

/** The workload alone on the fixture: the latency every other scenario is compared with. */
record Baseline(double seconds) implements Scenario {

    @Override
    public String id() {
        return "baseline";
    }

    @Override
    public String title() {
        return "workload alone (baseline)";
    }

    @Override
    public boolean online() {
        return true;
    }

    @Override
    public Outcome run(ScenarioContext context) throws InterruptedException {
        Thread.sleep((long) (seconds * 1000));
        return Outcome.of(0, 0, "no change");
    }
}
