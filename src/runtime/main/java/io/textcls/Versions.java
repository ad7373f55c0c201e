package io.textcls;

/** Versions recorded in bundles and model cards. */
public final class Versions {
    /** The textcls version, from the jar manifest when packaged, else the development version. */
    public static final String TEXTCLS;
    /** The Deeplearning4j / ND4J / DataVec release this build uses. */
    public static final String DL4J = "1.0.0-M2.1";

    static {
        String v = Versions.class.getPackage().getImplementationVersion();
        TEXTCLS = v != null ? v : "0.1.0-dev";
    }

    private Versions() {
    }
}
