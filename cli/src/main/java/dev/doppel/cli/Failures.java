package dev.doppel.cli;

import dev.doppel.engine.DoppelException;
import dev.doppel.engine.report.Json;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;

import java.util.LinkedHashMap;
import java.util.Map;

/** Reports the engine's refusal or failure, as a line on stderr or as JSON on stdout, and picks the exit code. */
final class Failures {

    private Failures() {
    }

    static int report(DoppelException e, boolean json, CommandSpec spec) {
        int code = e.reason().exitCode();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("outcome", e.reason().kind().word());
            m.put("reason", e.reason().code());
            m.put("error", e.getMessage());
            spec.commandLine().getOut().println(Json.compact(m));
            spec.commandLine().getOut().flush();
        } else {
            String what = e.reason().kind().word();
            String line = "doppel " + spec.name() + " " + what + " (" + e.reason().code() + "): " + e.getMessage();
            if (LogFormat.current() == LogFormat.JSON) {
                LoggerFactory.getLogger(LogFormat.CLI_LOGGER).error(line);
            } else {
                spec.commandLine().getErr().println(line);
                spec.commandLine().getErr().flush();
            }
        }
        return code;
    }

}
