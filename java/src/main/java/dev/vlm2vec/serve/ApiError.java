package dev.vlm2vec.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;

/**
 * A failed request, answered in OpenAI's error shape
 * {@code {"error": {"message", "type", "param", "code"}}} with its HTTP status; the message
 * names the field and the fix, and never carries a stack trace.
 */
@NullMarked
final class ApiError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    final int status;
    final String type;
    final @Nullable String param;
    final @Nullable String code;

    ApiError(int status, String type, @Nullable String param, @Nullable String code, String message) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
    }

    /** 400: the request names a field wrongly (param: the field, as OpenAI reports it). */
    static ApiError invalid(@Nullable String param, String message) {
        return new ApiError(400, "invalid_request_error", param, null, message);
    }

    static ApiError tooLarge(@Nullable String param, String message) {
        return new ApiError(413, "invalid_request_error", param, "request_too_large", message);
    }

    ObjectNode body(ObjectMapper json) {
        ObjectNode root = json.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", getMessage());
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        return root;
    }
}
