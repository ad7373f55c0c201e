package io.textcls;

/**
 * A problem the user can fix: bad input, a bad or mismatched classifier bundle, a bad option.
 *
 * <p>The message is meant to be printed as it is: it names the file or entry, what was expected,
 * what was found, and what to do next. The CLI prints it without a stack trace.
 */
public class TextclsException extends RuntimeException {
    public TextclsException(String message) {
        super(message);
    }

    public TextclsException(String message, Throwable cause) {
        super(message, cause);
    }
}
