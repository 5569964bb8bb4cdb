package dev.doppel.engine.apply;

/**
 * One statement of a file as apply makes it.
 *
 * @param statement its position in the file, from 1
 * @param line      its first line
 * @param text      the statement on one line, shortened
 * @param route     how apply makes it
 * @param block     the line of the BEGIN whose transaction it runs in, kept; 0 when it runs on its own
 * @param done      whether an earlier run recorded it done (so this run skips it)
 */
public record ApplyStep(int statement, int line, String text, Route route, int block, boolean done) {

    public String how() {
        return route.how() + (block > 0 ? " (in the transaction begun at line " + block + ")" : "");
    }
}
