package dev.doppel.engine.oracle;

import dev.doppel.engine.testing.TestDatabase;

import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The application, for tests: writer threads that apply random inserts, updates, key updates and deletes, each in
 * one transaction to the migrated table and to a mirror of the same definition. At the end the mirror gets a
 * plain blocking ALTER, and the migrated table must equal it row for row.
 */
public final class OracleWriters extends MirroredWriters {

    private final TableShape shape;
    private final AtomicLong nextKey;
    private boolean tokens;

    public OracleWriters(TestDatabase db, TableShape shape, String source, String mirror, long firstFreeKey) {
        super(db, source, mirror);
        this.shape = shape;
        this.nextKey = new AtomicLong(firstFreeKey);
    }

    /** Also hands values of the secondary unique column {@code token} between rows (see {@link SchemaExtras}). */
    public OracleWriters withTokens() {
        this.tokens = true;
        return this;
    }

    public OracleWriters start(int threadCount, long seed, long pauseMillis) {
        startThreads(threadCount, seed, pauseMillis, "oracle-writer");
        return this;
    }

    @Override
    protected List<String> operation(Random random, int writer) {
        long maxKey = nextKey.get();
        long existing = Math.max(1, (long) (random.nextDouble() * maxKey));
        int pick = random.nextInt(100);
        if (tokens && pick < 25) {
            // Each writer hands its own tokens, so that two writers never race for one value.
            return shape.handOver("%T", existing, "tok" + writer + "_" + random.nextInt(40));
        }
        String respell = pick >= 80 && pick < 85 ? shape.respellKey("%T", existing, random) : null;
        if (respell != null) {
            return List.of(respell);
        }
        if (pick < 40) {
            return List.of(shape.insert("%T", nextKey.getAndIncrement(), random));
        } else if (pick < 75) {
            return List.of(shape.update("%T", existing, random));
        } else if (pick < 85) {
            return List.of(shape.updateKey("%T", existing, nextKey.getAndIncrement()));
        } else {
            return List.of(shape.delete("%T", existing));
        }
    }
}
