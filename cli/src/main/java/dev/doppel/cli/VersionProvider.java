package dev.doppel.cli;

import picocli.CommandLine;

/** Reads the version Maven stamped into the jar's manifest. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = DoppelCommand.class.getPackage().getImplementationVersion();
        return new String[] {"doppel " + (v == null ? "(development build)" : v)};
    }
}
