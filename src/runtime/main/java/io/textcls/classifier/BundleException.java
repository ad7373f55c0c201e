package io.textcls.classifier;

import io.textcls.TextclsException;

/** A classifier bundle that cannot be used; the message names the file, the entry and the problem. */
public final class BundleException extends TextclsException {
    public BundleException(String message) {
        super(message);
    }

    public BundleException(String message, Throwable cause) {
        super(message, cause);
    }
}
