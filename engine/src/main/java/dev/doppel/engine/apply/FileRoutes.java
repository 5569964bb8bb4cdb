package dev.doppel.engine.apply;

import dev.doppel.engine.script.Effect;
import dev.doppel.engine.script.LockModel;
import dev.doppel.engine.script.ScriptStatement;
import dev.doppel.engine.script.SqlScript;
import dev.doppel.engine.script.StatementShape;
import dev.doppel.engine.script.TransactionBlocks;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The route of every statement of a file, and whether the file's transactions can be kept: a block whose statements
 * all run as written (catalog-only ALTERs included) stays one transaction; a block holding a statement made online
 * cannot, and is refused unless the caller allows splitting it into statements of their own.
 *
 * @param shapes   what each statement is
 * @param routes   how each is made
 * @param blockOf  for each statement, the index of the BEGIN of the kept transaction it runs in, or -1
 * @param problems why the file is refused; empty when it can run
 */
record FileRoutes(SqlScript script, List<StatementShape> shapes, List<Route> routes, int[] blockOf,
                  List<String> problems) {

    static FileRoutes of(SqlScript script, boolean splitTransactions) {
        List<ScriptStatement> statements = script.statements();
        List<StatementShape> shapes = statements.stream().map(StatementShape::of).toList();
        TransactionBlocks blocks = TransactionBlocks.of(shapes);
        Set<String> created = new HashSet<>();
        List<Route> routes = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int[] blockOf = new int[statements.size()];
        for (int i = 0; i < statements.size(); i++) {
            StatementShape shape = shapes.get(i);
            boolean fresh = shape.table() != null && created.contains(shape.table().name());
            if (shape.type() == StatementShape.Type.CREATE_TABLE && shape.table() != null) {
                created.add(shape.table().name());
            }
            Route route = Route.of(shape, fresh);
            TransactionBlocks.Block block = blocks.around(i);
            if (block != null && route == Route.ONLINE_ALTER
                    && LockModel.of(shape, statements.get(i).text()).effect() == Effect.CATALOG) {
                route = Route.AS_WRITTEN;
            }
            routes.add(route);
            blockOf[i] = block == null ? -1 : block.begin();
            if (route == Route.REFUSED) {
                problems.add("line " + statements.get(i).line() + ": the psql meta-command " + statements.get(i)
                        .summary() + " is not SQL; remove it from the file (psql alone can run it)");
            }
            if (shape.type() == StatementShape.Type.ROLLBACK) {
                problems.add("line " + statements.get(i).line() + ": ROLLBACK in a migration file undoes what it"
                        + " ran; remove the block or end it with COMMIT");
            }
        }
        for (TransactionBlocks.Block block : blocks.blocks()) {
            if (!block.closed()) {
                problems.add("line " + statements.get(block.begin()).line() + ": BEGIN is never committed; end the"
                        + " block with COMMIT");
                continue;
            }
            List<String> online = new ArrayList<>();
            for (int i = block.begin() + 1; i < block.end(); i++) {
                if (routes.get(i).needsOwnTransactions()) {
                    online.add("line " + statements.get(i).line() + " (" + statements.get(i).summary() + ")");
                }
            }
            if (online.isEmpty()) {
                continue;
            }
            if (splitTransactions) {
                for (int i = block.begin(); i <= block.end(); i++) {
                    blockOf[i] = -1;
                }
            } else {
                problems.add("the transaction from line " + statements.get(block.begin()).line() + " to line "
                        + statements.get(block.end()).line() + " cannot be kept: " + String.join(", ", online)
                        + (online.size() == 1 ? " is" : " are") + " made online, outside any transaction; give"
                        + " --split-transactions to run the block's statements each on its own (a failure then"
                        + " leaves the statements before it applied, and a re-run goes on from it)");
            }
        }
        return new FileRoutes(script, shapes, List.copyOf(routes), blockOf, List.copyOf(problems));
    }

    /** The steps, each marked done when {@code done} holds its index. */
    List<ApplyStep> steps(Set<Integer> done) {
        List<ApplyStep> steps = new ArrayList<>();
        for (int i = 0; i < routes.size(); i++) {
            ScriptStatement st = script.statements().get(i);
            int block = blockOf[i] < 0 ? 0 : script.statements().get(blockOf[i]).line();
            steps.add(new ApplyStep(st.ordinal(), st.line(), st.summary(), routes.get(i), block, done.contains(i)));
        }
        return steps;
    }
}
