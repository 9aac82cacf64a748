package dev.vlm2vec.data;

import dev.vlm2vec.ProjectVersion;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/**
 * MMEB's parquet files, read and written through DuckDB's embedded engine (in-memory, no
 * server): MMEB-eval ({@code qry_text, qry_img_path, tgt_text[], tgt_img_path[]}) and MMEB-train
 * ({@code qry, qry_image_path, pos_text, pos_image_path, neg_text, neg_image_path}).
 */
@NullMarked
public final class MmebParquet {

    private MmebParquet() {}

    /** DuckDB's JDBC driver: an optional dependency of the library, so it may be absent. */
    static final String DRIVER_CLASS = "org.duckdb.DuckDBDriver";

    private static Connection connect() throws SQLException {
        try {
            Class.forName(DRIVER_CLASS, false, MmebParquet.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("Reading or writing parquet needs DuckDB's JDBC driver, which is not on the"
                    + " class path: add the dependency org.duckdb:duckdb_jdbc:" + ProjectVersion.duckDb()
                    + " (optional in the vlm2vec library; the vlm2vec CLI jar has it), or give the data as JSONL.", e);
        }
        return DriverManager.getConnection("jdbc:duckdb:");
    }

    private static String literal(Path file) {
        return "'" + file.toAbsolutePath().toString().replace("'", "''") + "'";
    }

    /** Rows of an MMEB-eval parquet file (or a glob such as {@code dir/*.parquet}). */
    public static List<EvalRow> readEval(Path file) {
        String sql = "SELECT qry_text, qry_img_path, tgt_text, tgt_img_path FROM read_parquet(" + literal(file) + ")";
        List<EvalRow> rows = new ArrayList<>();
        try (Connection connection = connect(); Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            int row = 0;
            while (result.next()) {
                row++;
                try {
                    rows.add(new EvalRow(nonNull(result.getString(1)), blankToNull(result.getString(2)),
                            strings(result.getArray(3)), Arrays.stream(strings(result.getArray(4)).toArray(String[]::new))
                                    .map(MmebParquet::blankToNull).toList()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(file + " row " + row + ": " + e.getMessage(), e);
                }
            }
        } catch (SQLException e) {
            throw new IllegalArgumentException("cannot read MMEB-eval parquet " + file + ": " + e.getMessage(), e);
        }
        return rows;
    }

    /** Writes rows as an MMEB-eval parquet file (the published column names and types). */
    public static void writeEval(Path file, List<EvalRow> rows) {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE rows (qry_text VARCHAR, qry_img_path VARCHAR, tgt_text VARCHAR[],"
                    + " tgt_img_path VARCHAR[])");
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO rows VALUES (?, ?, ?::VARCHAR[], ?::VARCHAR[])")) {
                for (EvalRow row : rows) {
                    insert.setString(1, row.queryText());
                    insert.setString(2, row.queryImage() == null ? "" : row.queryImage());
                    insert.setObject(3, connection.createArrayOf("VARCHAR", row.targetTexts().toArray()));
                    insert.setObject(4, connection.createArrayOf("VARCHAR",
                            row.targetImages().stream().map(p -> p == null ? "" : p).toArray()));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            statement.execute("COPY rows TO " + literal(file) + " (FORMAT PARQUET)");
        } catch (SQLException e) {
            throw new IllegalArgumentException("cannot write MMEB-eval parquet " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes MMEB-train pairs with the published column names. */
    public static void writeTrain(Path file, List<TrainRow> rows) {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE rows (qry VARCHAR, qry_image_path VARCHAR, pos_text VARCHAR,"
                    + " pos_image_path VARCHAR, neg_text VARCHAR, neg_image_path VARCHAR)");
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO rows VALUES (?, ?, ?, ?, ?, ?)")) {
                for (TrainRow row : rows) {
                    insert.setString(1, row.query());
                    insert.setString(2, orEmpty(row.queryImage()));
                    insert.setString(3, row.positiveText());
                    insert.setString(4, orEmpty(row.positiveImage()));
                    insert.setString(5, row.negativeText());
                    insert.setString(6, orEmpty(row.negativeImage()));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            statement.execute("COPY rows TO " + literal(file) + " (FORMAT PARQUET)");
        } catch (SQLException e) {
            throw new IllegalArgumentException("cannot write MMEB-train parquet " + file + ": " + e.getMessage(), e);
        }
    }

    /** Rows of an MMEB-train parquet file (or glob). */
    public static List<TrainRow> readTrain(Path file) {
        String sql = "SELECT qry, qry_image_path, pos_text, pos_image_path, neg_text, neg_image_path FROM read_parquet("
                + literal(file) + ")";
        List<TrainRow> rows = new ArrayList<>();
        try (Connection connection = connect(); Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
                rows.add(new TrainRow(nonNull(result.getString(1)), blankToNull(result.getString(2)),
                        nonNull(result.getString(3)), blankToNull(result.getString(4)), nonNull(result.getString(5)),
                        blankToNull(result.getString(6))));
            }
        } catch (SQLException e) {
            throw new IllegalArgumentException("cannot read MMEB-train parquet " + file + ": " + e.getMessage(), e);
        }
        return rows;
    }

    private static String orEmpty(@Nullable String value) {
        return value == null ? "" : value;
    }

    private static List<String> strings(@Nullable Array array) throws SQLException {
        if (array == null) {
            return List.of();
        }
        List<String> values = new ArrayList<>();
        for (Object value : (Object[]) array.getArray()) {
            values.add(value == null ? "" : value.toString());
        }
        return values;
    }

    private static String nonNull(@Nullable String value) {
        return value == null ? "" : value;
    }

    private static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
