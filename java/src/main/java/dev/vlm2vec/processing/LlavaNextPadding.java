package dev.vlm2vec.processing;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/**
 * How LLaVA-NeXT's image processor pads the resized image up to its grid resolution when
 * the padding {@code d} is odd; the two generations of transformers differ (MODELS.md,
 * "LLaVA-NeXT padding: before and after transformers 4.52"). Token counts are the same.
 */
@NullMarked
public enum LlavaNextPadding {
    /** Chosen from the checkpoint's declared {@code transformers_version} (see {@link #forVersion}). */
    AUTO,
    /**
     * transformers up to 4.51 (VLM2Vec V1, which trained with 4.46.3): {@code (d//2, d//2)}, so the
     * canvas is a pixel short, and each tile of its last row or column is stretched back to
     * the tile size by a shortest-edge bicubic resize and a crop.
     */
    LEGACY,
    /** transformers 4.52 and later (VLM2Vec V2's evaluation pins 4.52.3): {@code (d//2, d//2 + d%2)}, every tile exact. */
    FIXED;

    private static final Pattern MAJOR_MINOR = Pattern.compile("^\\s*(\\d+)\\.(\\d+)");

    /** {@code auto}, {@code legacy} or {@code fixed}, as the CLI spells them. */
    public static LlavaNextPadding parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("LLaVA-NeXT padding '" + value + "' is not one of auto, legacy (transformers"
                    + " <= 4.51), fixed (>= 4.52)");
        }
    }

    /**
     * The padding of the transformers release a checkpoint declares ({@code "4.46.3"},
     * {@code "4.39.0.dev0"}): FIXED from 4.52 on, else LEGACY. Without a readable version,
     * LEGACY: every released VLM2Vec and llava-hf LLaVA-NeXT checkpoint was saved before 4.52.
     */
    public static LlavaNextPadding forVersion(@Nullable String transformersVersion) {
        if (transformersVersion == null) {
            return LEGACY;
        }
        Matcher version = MAJOR_MINOR.matcher(transformersVersion);
        if (!version.find()) {
            return LEGACY;
        }
        int major = Integer.parseInt(version.group(1)), minor = Integer.parseInt(version.group(2));
        return major > 4 || (major == 4 && minor >= 52) ? FIXED : LEGACY;
    }

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
