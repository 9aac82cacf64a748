package dev.vlm2vec.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vlm2vec.Input;
import dev.vlm2vec.processing.ImageFetcher;
import dev.vlm2vec.processing.ImageLoader;
import dev.vlm2vec.processing.ImageOptions;
import dev.vlm2vec.processing.RgbImage;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /v1/embeddings}, read as OpenAI's API defines it and as vLLM extends
 * it for images:
 * <ul>
 * <li>{@code input}: a string, an array of strings, or an array of objects {@code {"text",
 *     "image", "images", "instruction"}} whose images are {@code data:} URLs or plain base64
 *     (or {@code http(s)} URLs, when the server has an {@link ImageFetcher});</li>
 * <li>or {@code messages}: vLLM's chat form, one input from the {@code text} and
 *     {@code image_url} parts of every message's {@code content}, in order;</li>
 * <li>{@code model} (checked by the server), {@code encoding_format} {@code float} or
 *     {@code base64}, {@code dimensions}, and {@code user} (accepted, unused).</li>
 * </ul>
 * Every mistake is an {@link ApiError} naming the field ({@code input[2].image}).
 */
@NullMarked
record EmbeddingsRequest(List<Input> inputs, @Nullable String model, boolean base64, @Nullable Integer dimensions) {

    private static final Set<String> TOP_LEVEL = Set.of("input", "messages", "model", "encoding_format", "dimensions", "user");
    private static final Set<String> INPUT_KEYS = Set.of("text", "image", "images", "instruction");

    static EmbeddingsRequest parse(JsonNode body, ImageSource images, int maxInputs) {
        if (!body.isObject()) {
            throw ApiError.invalid(null, "the request body must be a JSON object");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!TOP_LEVEL.contains(name)) {
                throw ApiError.invalid(name, "unknown field '" + name + "' (known: input, messages, model,"
                        + " encoding_format, dimensions, user)");
            }
        }
        boolean hasInput = body.hasNonNull("input"), hasMessages = body.hasNonNull("messages");
        if (hasInput == hasMessages) {
            throw ApiError.invalid(hasInput ? "messages" : "input", "give exactly one of 'input' and 'messages'");
        }
        List<Input> inputs = hasInput ? inputs(body.get("input"), images, maxInputs)
                : List.of(messages(body.get("messages"), images));
        String model = null;
        if (body.hasNonNull("model")) {
            model = text(body.get("model"), "model");
        }
        boolean base64 = false;
        if (body.hasNonNull("encoding_format")) {
            String format = text(body.get("encoding_format"), "encoding_format");
            if (!format.equals("float") && !format.equals("base64")) {
                throw ApiError.invalid("encoding_format", "encoding_format must be 'float' or 'base64', not '" + format + "'");
            }
            base64 = format.equals("base64");
        }
        Integer dimensions = null;
        if (body.hasNonNull("dimensions")) {
            JsonNode value = body.get("dimensions");
            if (!value.isIntegralNumber() || value.asLong() < 1 || value.asLong() > Integer.MAX_VALUE) {
                throw ApiError.invalid("dimensions", "dimensions must be a whole number >= 1, not " + value);
            }
            dimensions = value.asInt();
        }
        return new EmbeddingsRequest(inputs, model, base64, dimensions);
    }

    private static List<Input> inputs(JsonNode input, ImageSource images, int maxInputs) {
        if (input.isTextual()) {
            return List.of(textInput(input.asText(), "input"));
        }
        if (!input.isArray()) {
            throw ApiError.invalid("input", "input must be a string, an array of strings or an array of objects"
                    + " {\"text\", \"image\", \"images\", \"instruction\"}");
        }
        if (input.isEmpty()) {
            throw ApiError.invalid("input", "input is an empty array; give at least one input");
        }
        if (input.size() > maxInputs) {
            throw ApiError.tooLarge("input", "input has " + input.size() + " items, more than this server's --max-inputs "
                    + maxInputs + "; split the request");
        }
        List<Input> inputs = new ArrayList<>();
        for (int i = 0; i < input.size(); i++) {
            JsonNode item = input.get(i);
            String where = "input[" + i + "]";
            if (item.isTextual()) {
                inputs.add(textInput(item.asText(), where));
            } else if (item.isObject()) {
                inputs.add(objectInput(item, where, images));
            } else if (item.isIntegralNumber() || item.isArray()) {
                throw ApiError.invalid(where, where + " is token ids; this server takes text (and images), not token ids");
            } else {
                throw ApiError.invalid(where, where + " must be a string or an object {\"text\", \"image\", \"images\","
                        + " \"instruction\"}, not " + item.getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
            }
        }
        return inputs;
    }

    private static Input textInput(String text, String where) {
        if (text.isEmpty()) {
            throw ApiError.invalid(where, where + " is an empty string; give a text");
        }
        return Input.text(text);
    }

    private static Input objectInput(JsonNode item, String where, ImageSource options) {
        for (Iterator<String> names = item.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!INPUT_KEYS.contains(name)) {
                throw ApiError.invalid(where + "." + name, "unknown field '" + name + "' in " + where
                        + " (known: text, image, images, instruction)");
            }
        }
        String text = item.hasNonNull("text") ? text(item.get("text"), where + ".text") : "";
        String instruction = item.hasNonNull("instruction") ? text(item.get("instruction"), where + ".instruction") : null;
        List<RgbImage> images = new ArrayList<>();
        if (item.hasNonNull("image")) {
            images.add(image(item.get("image"), where + ".image", options));
        }
        if (item.hasNonNull("images")) {
            JsonNode list = item.get("images");
            if (!list.isArray()) {
                throw ApiError.invalid(where + ".images", where + ".images must be an array of images");
            }
            for (int k = 0; k < list.size(); k++) {
                images.add(image(list.get(k), where + ".images[" + k + "]", options));
            }
        }
        try {
            return new Input(instruction, text, images, false);
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid(where, where + ": " + e.getMessage());
        }
    }

    // vLLM's chat form: [{"role", "content": "text" | [{"type": "text", "text"}, {"type": "image_url", "image_url": {"url"}}]}]
    private static Input messages(JsonNode messages, ImageSource options) {
        if (!messages.isArray() || messages.isEmpty()) {
            throw ApiError.invalid("messages", "messages must be a non-empty array of {\"role\", \"content\"}");
        }
        StringBuilder text = new StringBuilder();
        List<RgbImage> images = new ArrayList<>();
        for (int m = 0; m < messages.size(); m++) {
            String where = "messages[" + m + "]";
            JsonNode content = messages.get(m).path("content");
            if (content.isTextual()) {
                append(text, content.asText());
            } else if (content.isArray()) {
                for (int p = 0; p < content.size(); p++) {
                    JsonNode part = content.get(p);
                    String at = where + ".content[" + p + "]";
                    switch (part.path("type").asText("")) {
                        case "text" -> append(text, text(part.path("text"), at + ".text"));
                        case "image_url" -> images.add(image(part.path("image_url").path("url"), at + ".image_url.url", options));
                        default -> throw ApiError.invalid(at + ".type", at + ".type must be 'text' or 'image_url', not '"
                                + part.path("type").asText("") + "'");
                    }
                }
            } else {
                throw ApiError.invalid(where + ".content", where + ".content must be a string or an array of parts");
            }
        }
        try {
            return new Input(null, text.toString(), images, false);
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid("messages", "messages: " + e.getMessage());
        }
    }

    private static void append(StringBuilder text, String part) {
        if (!text.isEmpty() && !part.isEmpty()) {
            text.append('\n');
        }
        text.append(part);
    }

    private static String text(JsonNode value, String where) {
        if (!value.isTextual()) {
            throw ApiError.invalid(where, where + " must be a string");
        }
        return value.asText();
    }

    /**
     * Where a request's images may come from: data: URLs and base64 always; http(s) URLs only
     * with a fetcher (serve --allow-image-urls), else they are refused.
     */
    record ImageSource(ImageOptions options, @Nullable ImageFetcher fetcher) {}

    // A data: URL or plain base64; an http(s) URL only when the server was told to fetch them: one
    // that fetched them unasked would let any client make it reach hosts of its network
    // (server-side request forgery).
    private static RgbImage image(JsonNode value, String where, ImageSource source) {
        String image = text(value, where);
        boolean url = image.startsWith("http://") || image.startsWith("https://");
        ImageFetcher fetcher = source.fetcher();
        if (url && fetcher == null) {
            throw ApiError.invalid(where, where + " is an http(s) URL; this server does not fetch URLs (server-side"
                    + " request forgery): send the image as a data: URL or base64, or start it with --allow-image-urls");
        }
        ImageOptions options = source.options();
        try {
            if (url) {
                return fetcher.fetch(image, where, options);
            }
            if (image.startsWith("data:")) {
                return ImageLoader.fromDataUrl(image, options);
            }
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(image);
            } catch (IllegalArgumentException e) {
                throw ApiError.invalid(where, where + " is neither a data: URL nor base64 (" + e.getMessage() + ")");
            }
            return ImageLoader.decode(bytes, where, options);
        } catch (ImageLoader.ImageTooLargeException e) {
            throw ApiError.tooLarge(where, e.getMessage().startsWith(where) ? e.getMessage() : where + ": " + e.getMessage());
        } catch (ImageLoader.ImageDecodingException e) {
            throw ApiError.invalid(where, e.getMessage().startsWith(where) ? e.getMessage() : where + ": " + e.getMessage());
        }
    }
}
