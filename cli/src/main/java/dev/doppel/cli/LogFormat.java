package dev.doppel.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.slf4j.LoggerFactory;

import java.io.PrintWriter;
import java.io.Writer;

/**
 * How stderr is written: {@code text} (lines for people) or {@code json} (one JSON object per line, Logback's own
 * {@link JsonEncoder}, for log collectors). In JSON, whatever a command would print on stderr (progress, warnings,
 * errors) becomes a log event too, so that every stderr line parses; the report on stdout is never touched.
 */
enum LogFormat {
    TEXT, JSON;

    /** The logger stderr lines go to in JSON: not under dev.doppel, so DOPPEL_LOG_LEVEL does not silence progress. */
    static final String CLI_LOGGER = "doppel";

    private static volatile LogFormat current = TEXT;
    private static Encoder<ILoggingEvent> textEncoder;

    static LogFormat current() {
        return current;
    }

    /** Switches the console appender (logback.xml's STDERR) to JSON, and makes {@code CLI_LOGGER} log at INFO. */
    synchronized void install() {
        if (current == this) {
            return;
        }
        current = this;
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        @SuppressWarnings("unchecked")
        ConsoleAppender<ILoggingEvent> console = (ConsoleAppender<ILoggingEvent>) root.getAppender("STDERR");
        Encoder<ILoggingEvent> encoder;
        if (this == JSON) {
            textEncoder = console.getEncoder();
            encoder = new JsonEncoder();
            encoder.setContext(context);
            encoder.start();
        } else {
            // Only reached when one JVM parses several command lines (tests): back to logback.xml's pattern.
            encoder = textEncoder;
        }
        console.stop();
        console.setEncoder(encoder);
        console.start();
        context.getLogger(CLI_LOGGER).setLevel(this == JSON ? Level.INFO : null);
    }

    /** A writer that turns each line printed on it into an INFO event of {@code CLI_LOGGER}. */
    static PrintWriter loggingWriter() {
        org.slf4j.Logger log = LoggerFactory.getLogger(CLI_LOGGER);
        return new PrintWriter(new Writer() {
            private final StringBuilder line = new StringBuilder();

            @Override
            public synchronized void write(char[] chars, int off, int len) {
                for (int i = off; i < off + len; i++) {
                    if (chars[i] == '\n') {
                        flushLine();
                    } else if (chars[i] != '\r') {
                        line.append(chars[i]);
                    }
                }
            }

            private void flushLine() {
                if (!line.toString().isBlank()) {
                    log.info(line.toString().strip());
                }
                line.setLength(0);
            }

            @Override
            public void flush() {
            }

            @Override
            public synchronized void close() {
                flushLine();
            }
        }, true);
    }
}
