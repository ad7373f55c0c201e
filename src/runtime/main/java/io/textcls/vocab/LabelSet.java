package io.textcls.vocab;

import io.textcls.TextclsException;
import java.util.List;

/** Label names in network output order. Immutable. */
public record LabelSet(List<String> names) {
    public LabelSet {
        names = List.copyOf(names);
        if (names.size() < 2) {
            throw new TextclsException("a classifier needs at least 2 labels, got " + names);
        }
        if (names.stream().distinct().count() != names.size()) {
            throw new TextclsException("labels must be distinct, got " + names);
        }
        for (String n : names) {
            if (n.isBlank() || n.contains("\n") || n.contains(",")) {
                throw new TextclsException("label '" + n + "' is blank or holds a comma or newline; rename it (its folder, or its value in the table)");
            }
        }
    }

    public int size() {
        return names.size();
    }

    public String name(int i) {
        return names.get(i);
    }

    /** The index of a label, or -1. */
    public int indexOf(String name) {
        return names.indexOf(name);
    }
}
