package dev.doppel.engine.script;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code BEGIN ... COMMIT} groups of a file, by statement position (0-based, into the file's statements). A
 * block left open at the end of the file ends there, as psql would leave it to the connection's close (rolled back),
 * which a migration tool reports as an error; lint says so.
 */
public final class TransactionBlocks {

    /** Statements [begin, end] form one transaction; {@code end} is the COMMIT or ROLLBACK, or the last statement. */
    public record Block(int begin, int end, boolean closed) {

        public boolean contains(int index) {
            return index > begin && index < end;
        }
    }

    private final List<Block> blocks;

    private TransactionBlocks(List<Block> blocks) {
        this.blocks = List.copyOf(blocks);
    }

    public static TransactionBlocks of(List<StatementShape> shapes) {
        List<Block> blocks = new ArrayList<>();
        int open = -1;
        for (int i = 0; i < shapes.size(); i++) {
            StatementShape.Type type = shapes.get(i).type();
            if (type == StatementShape.Type.BEGIN && open < 0) {
                open = i;
            } else if ((type == StatementShape.Type.COMMIT || type == StatementShape.Type.ROLLBACK) && open >= 0) {
                blocks.add(new Block(open, i, true));
                open = -1;
            }
        }
        if (open >= 0) {
            blocks.add(new Block(open, shapes.size(), false));
        }
        return new TransactionBlocks(blocks);
    }

    public List<Block> blocks() {
        return blocks;
    }

    /** The block statement {@code index} runs inside, or null when it runs on its own. */
    public Block around(int index) {
        return blocks.stream().filter(b -> b.contains(index)).findFirst().orElse(null);
    }
}
