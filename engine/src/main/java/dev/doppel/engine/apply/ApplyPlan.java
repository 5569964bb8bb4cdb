package dev.doppel.engine.apply;

import java.util.List;

/**
 * What {@code apply} would do with a file, found without changing anything.
 *
 * @param script   the file's name, as recorded
 * @param state    "new", or the recorded state of an earlier run: "running", "failed", "done"
 * @param steps    each statement with its route, in order
 * @param problems why apply would refuse the file (a transaction it cannot keep, a meta-command); empty when it
 *                 would run
 */
public record ApplyPlan(String script, String state, List<ApplyStep> steps, List<String> problems) {

    public long remaining() {
        return steps.stream().filter(s -> !s.done() && s.route() != Route.TRANSACTION).count();
    }

    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append("file         ").append(script).append(" (").append(state).append(", ").append(remaining())
                .append(" of ").append(steps.stream().filter(s -> s.route() != Route.TRANSACTION).count())
                .append(" statements to run)\n");
        for (ApplyStep step : steps) {
            if (step.route() == Route.TRANSACTION) {
                continue;
            }
            sb.append(String.format("  %s %d:%d  %s%n        -> %s%n", step.done() ? "done" : "    ", step.line(),
                    step.statement(), step.text(), step.how()));
        }
        problems.forEach(p -> sb.append("refused      ").append(p).append('\n'));
        return sb.toString();
    }
}
