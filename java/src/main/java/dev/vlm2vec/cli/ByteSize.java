package dev.vlm2vec.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.NullMarked;

/**
 * Sizes as Hugging Face's {@code max_shard_size} spells them: {@code 5GB} is 5 x 10^9 bytes,
 * {@code 5GiB} 5 x 2^30; KB/MB/GB/TB and KiB/MiB/GiB/TiB, any case, a plain number is bytes.
 */
@NullMarked
final class ByteSize {

    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]i?b|b)?");

    private ByteSize() {}

    /** The bytes {@code text} names; an error naming {@code flag} and the accepted forms otherwise. */
    static long parse(String flag, String text) {
        Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(flag + " " + text + ": not a size (write e.g. 4GB, 500MB, 2GiB or a byte count)");
        }
        double number = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2);
        double factor = switch (unit) {
            case "kb" -> 1e3;
            case "mb" -> 1e6;
            case "gb" -> 1e9;
            case "tb" -> 1e12;
            case "kib" -> 0x1p10;
            case "mib" -> 0x1p20;
            case "gib" -> 0x1p30;
            case "tib" -> 0x1p40;
            default -> 1;
        };
        double bytes = Math.floor(number * factor);
        if (bytes < 1 || bytes > Long.MAX_VALUE / 2) {
            throw new IllegalArgumentException(flag + " " + text + ": out of range (at least 1 byte)");
        }
        return (long) bytes;
    }

    /** {@code 8.29 GB}, {@code 394.0 MB}, {@code 512 B}: decimal units, as the shard sizes are counted. */
    static String format(long bytes) {
        if (bytes < 1000) {
            return bytes + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1000 && unit < units.length - 1) {
            value /= 1000;
            unit++;
        }
        return String.format(Locale.ROOT, "%.2f %s", value, units[unit]);
    }
}
