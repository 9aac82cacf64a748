package dev.vlm2vec.cli;

import java.lang.reflect.InvocationTargetException;

/**
 * Entry point of {@code vlm2vec.jar}, compiled for Java 8 so that running the jar on an old
 * JDK explains which one to use instead of failing with UnsupportedClassVersionError.
 */
public final class Launcher {

    static final int MINIMUM_FEATURE_VERSION = 22;

    private Launcher() {}

    public static void main(String[] args) throws Throwable {
        int feature = featureVersion(System.getProperty("java.specification.version", "0"));
        if (feature < MINIMUM_FEATURE_VERSION) {
            System.err.println("vlm2vec needs Java " + MINIMUM_FEATURE_VERSION + " or newer (it calls native code"
                    + " through the FFM API), but this is Java " + System.getProperty("java.version") + " at "
                    + System.getProperty("java.home") + ".\nRun it with a newer JDK, e.g.\n"
                    + "  /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -jar vlm2vec.jar ...");
            System.exit(2);
        }
        try {
            Class.forName("dev.vlm2vec.cli.Vlm2VecCli").getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    static int featureVersion(String specificationVersion) {
        // "1.8" before Java 9, "22" after.
        String[] parts = specificationVersion.split("\\.");
        try {
            return Integer.parseInt(parts[0].equals("1") && parts.length > 1 ? parts[1] : parts[0]);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
