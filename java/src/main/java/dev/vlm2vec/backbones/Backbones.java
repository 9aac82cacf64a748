package dev.vlm2vec.backbones;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.jspecify.annotations.NullMarked;

/** Every backbone this library runs; a new one is one entry here (and its twin in native/src/models/backbones.cpp). */
@NullMarked
public final class Backbones {

    private static final List<Backbone> ALL = List.of(new Phi3VBackbone(), new LlavaNextBackbone(), new Qwen2VlBackbone());

    private Backbones() {}

    public static List<Backbone> all() {
        return ALL;
    }

    /** The backbone of a config.json {@code model_type}; an error naming the file and the supported types otherwise. */
    public static Backbone forModelType(String modelType, Path configFile) {
        return ALL.stream().filter(b -> b.modelType().equals(modelType)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(configFile + ": model_type '" + modelType
                        + "' is not supported (" + ALL.stream().map(Backbone::modelType).collect(Collectors.joining(", ")) + ")"));
    }

    /** The backbone a command-line name ({@code qwen2vl}) or model type ({@code qwen2_vl}) names. */
    public static Backbone forName(String name, String flag) {
        return ALL.stream().filter(b -> b.cliName().equals(name) || b.modelType().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(flag + " " + name + " is not a backbone: use one of "
                        + names()));
    }

    /** The command-line names, e.g. {@code phi3v, llava-next, qwen2vl}. */
    public static String names() {
        return ALL.stream().map(Backbone::cliName).collect(Collectors.joining(", "));
    }

    /** Refuses a backbone-specific option given to another backbone, naming the flag. */
    static void refuseUnless(boolean applies, String flag, String forWhom, String modelType) {
        if (!applies) {
            throw new IllegalArgumentException(flag + ": only " + forWhom + " takes it, this model is " + modelType
                    + "; leave it out");
        }
    }
}
