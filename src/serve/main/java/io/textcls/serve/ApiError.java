package io.textcls.serve;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error answered as {@code {"error": {"code": ..., "message": ...}}} with an HTTP status. The
 * message is for people: it names the field or limit and what to do. It never carries a stack
 * trace or document text.
 */
final class ApiError extends RuntimeException {
    final int status;
    final String code;
    /** Headers to send with it: Retry-After, Allow, WWW-Authenticate, Connection. */
    final Map<String, String> headers = new LinkedHashMap<>();

    ApiError(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    static ApiError badRequest(String code, String message) {
        return new ApiError(400, code, message);
    }

    ApiError header(String name, String value) {
        headers.put(name, value);
        return this;
    }
}
