package dev.doppel.cli;

import picocli.CommandLine.Option;

/**
 * Help and version flags for commands that take psql's connection flags: -h is --host there, as in psql, so help
 * is --help or -? (picocli's standard help mixin would claim -h).
 */
final class PsqlStyleHelp {

    @Option(names = {"-?", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = {"-V", "--version"}, versionHelp = true, description = "Print version information and exit.")
    boolean version;
}
