package io.textcls.model.inference;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Supplier;

/**
 * Working memory an engine lends to each call: taken at the start, given back at the end, so that
 * concurrent calls each have their own and a later call reuses what an earlier one grew. Owned by
 * the engine (not per thread), so it goes when the engine goes: a server that reloads its model
 * keeps nothing of the old one in its long-lived threads.
 */
final class Workspaces<W> {
    private final ConcurrentLinkedDeque<W> idle = new ConcurrentLinkedDeque<>();
    private final Supplier<W> make;

    Workspaces(Supplier<W> make) {
        this.make = make;
    }

    /** An idle workspace, or a new one. */
    W take() {
        W w = idle.pollFirst();
        return w != null ? w : make.get();
    }

    /** Gives a workspace back for the next call. */
    void give(W w) {
        idle.offerFirst(w);
    }
}
