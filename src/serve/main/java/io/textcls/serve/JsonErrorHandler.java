package io.textcls.serve;

import java.nio.ByteBuffer;
import java.util.Locale;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The errors Jetty answers itself (an unparsable request line, headers too large, a request
 * refused while stopping, a failed handler) in textcls's JSON error shape, with no stack trace.
 */
final class JsonErrorHandler extends ErrorHandler {
    JsonErrorHandler() {
        setShowStacks(false);
        setShowCauses(false);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Object s = request.getAttribute(ERROR_STATUS);
        int status = s instanceof Integer i ? i : response.getStatus();
        if (status < 400) {
            status = 500;
        }
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Api.JSON);
        response.write(true, ByteBuffer.wrap(body(status)), callback);
        return true;
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, Api.JSON);
        return ByteBuffer.wrap(body(status));
    }

    private static byte[] body(int status) {
        String reason = HttpStatus.getMessage(status);
        String code = status == 503 ? "shutting_down"
                : reason == null ? "http_" + status : reason.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
        String message = switch (status) {
            case 400 -> "the request is not valid HTTP/1.1";
            case 431 -> "the request headers are too large";
            case 503 -> "the server is shutting down; retry on another instance";
            case 500 -> "the server failed on this request; the server log says why";
            default -> reason == null ? "HTTP " + status : reason;
        };
        return Api.errorBody(code, message);
    }
}
