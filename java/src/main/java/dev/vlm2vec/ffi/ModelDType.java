package dev.vlm2vec.ffi;

import java.util.Locale;
import org.jspecify.annotations.NullMarked;

/** The dtype a model's weights and activations use ({@code enum vlm2vec_dtype}). */
@NullMarked
public enum ModelDType {
    FLOAT32(0),
    BFLOAT16(1),
    FLOAT16(2);

    private final int code;

    ModelDType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The short spelling the flags use: {@code fp32}, {@code bf16}, {@code fp16}. */
    public String cliName() {
        return switch (this) {
            case FLOAT32 -> "fp32";
            case BFLOAT16 -> "bf16";
            case FLOAT16 -> "fp16";
        };
    }

    /** The dtype a Hugging Face config.json's {@code torch_dtype} names ({@code bfloat16}, ...), if one of these. */
    public static java.util.Optional<ModelDType> ofTorchDtype(String torchDtype) {
        return switch (torchDtype) {
            case "float32" -> java.util.Optional.of(FLOAT32);
            case "bfloat16" -> java.util.Optional.of(BFLOAT16);
            case "float16" -> java.util.Optional.of(FLOAT16);
            default -> java.util.Optional.empty();
        };
    }

    static ModelDType of(int code) {
        for (ModelDType dtype : values()) {
            if (dtype.code == code) {
                return dtype;
            }
        }
        throw new IllegalArgumentException("unknown vlm2vec_dtype " + code);
    }

    /** Parses {@code fp32}, {@code float32}, {@code bf16}, {@code bfloat16}, {@code fp16}, {@code float16}. */
    public static ModelDType parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "fp32", "float32", "f32" -> FLOAT32;
            case "bf16", "bfloat16" -> BFLOAT16;
            case "fp16", "float16", "f16", "half" -> FLOAT16;
            default -> throw new IllegalArgumentException("dtype '" + text + "' is not one of fp32, bf16, fp16");
        };
    }
}
