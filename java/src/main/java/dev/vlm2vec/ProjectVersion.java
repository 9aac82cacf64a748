package dev.vlm2vec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import org.jspecify.annotations.NullMarked;

/** The version of this build, and of the optional dependencies it was built with, as Maven stamped them into the jar. */
@NullMarked
public final class ProjectVersion {

    private static final String RESOURCE = "/dev/vlm2vec/version.properties";

    private ProjectVersion() {}

    public static String get() {
        return property("version");
    }

    /** The DuckDB JDBC version this build was tested with (an optional dependency: parquet only). */
    public static String duckDb() {
        return property("duckdb.version");
    }

    private static String property(String key) {
        try (InputStream in = ProjectVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath: the jar was not built by Maven");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty(key, "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + RESOURCE, e);
        }
    }
}
