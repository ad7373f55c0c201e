package io.textcls.cli;

import io.textcls.Versions;
import picocli.CommandLine;

/** Prints textcls's and DL4J's versions for {@code --version}. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"textcls " + Versions.TEXTCLS + " (Deeplearning4j " + Versions.DL4J + ", Java "
                + System.getProperty("java.version") + ")"};
    }
}
