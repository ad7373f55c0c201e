package io.textcls.recipe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.textcls.TextclsException;
import io.textcls.util.Json;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads, changes and lists recipes. Recipe files are JSON with comments allowed ({@code //} and
 * {@code /* *&#47;}); a field a file leaves out takes the default recipe's value, and a field the
 * recipe does not have is an error naming it. Built-in recipes ship as resources and are named
 * without a path ({@code imdb-default}, {@code lstm}, ...).
 */
public final class Recipes {
    /** The recipe {@code train} uses when none is given, and that {@code scripts/train-imdb.sh} trains. */
    public static final String DEFAULT = "imdb-default";
    /** The built-in recipes, by name. */
    public static final List<String> BUILT_IN = List.of("imdb-default", "lstm", "lstm64", "bilstm", "gru64", "bigru", "cnn",
            "ngram", "ngram-nb");

    private static final ObjectMapper READER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .build();

    private Recipes() {
    }

    /** The default recipe ({@value #DEFAULT}). */
    public static Recipe defaults() {
        return load(DEFAULT);
    }

    /**
     * The built-in linear baseline every other recipe should beat: the naive-Bayes bag of n-grams,
     * the strongest of the linear recipes (on IMDB's unseen movies, three grouped splits, 0.9044
     * against the fastText-style {@code ngram}'s 0.8867), and the faster.
     */
    public static final String BASELINE = "ngram-nb";

    /**
     * The linear baseline to report beside {@code recipe}: the built-in {@value #BASELINE} recipe on
     * {@code recipe}'s split and seed (so the same validation documents), its tokenizer and its least
     * number of steps, with the baseline's own length, vocabulary, schedule and network.
     */
    public static Recipe baselineFor(Recipe recipe) {
        Recipe b = load(BASELINE);
        Recipe.Text t = recipe.text();
        Recipe.Text text = new Recipe.Text(t.tokenizer(), t.lowercase(), t.stripHtml(), t.maxRunChars(),
                b.text().maxLength(), b.text().truncation());
        Recipe.Training bt = b.training();
        Recipe.Training training = new Recipe.Training(bt.epochs(), bt.patience(), bt.batchSize(), bt.learningRate(),
                bt.schedule(), bt.weightDecay(), bt.clip(), bt.timeLimitMinutes(), recipe.training().minSteps(),
                bt.balance());
        return new Recipe(b.name(), b.description(), recipe.seed(), recipe.task(), recipe.split(), text, b.vocabulary(),
                b.embeddings(), training, b.selfTraining(), b.networks());
    }

    /** A built-in recipe by name, or a recipe file by path. */
    public static Recipe load(String nameOrFile) {
        if (BUILT_IN.contains(nameOrFile)) {
            return bind(builtInTree(nameOrFile), "built-in recipe " + nameOrFile);
        }
        Path file = Path.of(nameOrFile);
        if (!nameOrFile.contains("/") && !nameOrFile.endsWith(".json") && !Files.exists(file)) {
            throw new TextclsException("no recipe '" + nameOrFile + "': not a built-in recipe (" + BUILT_IN
                    + ") nor a file; 'textcls recipe show " + DEFAULT + " > my.json' writes one to start from");
        }
        return load(file);
    }

    /** A recipe file; fields it leaves out take the default recipe's values. */
    public static Recipe load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new TextclsException("recipe file " + file + " does not exist; 'textcls recipe show " + DEFAULT
                    + " > " + file + "' writes one to start from");
        } catch (IOException e) {
            throw new TextclsException("cannot read recipe file " + file + ": " + e.getMessage(), e);
        }
        return parse(text, "recipe file " + file);
    }

    /** A recipe from JSON text (comments allowed); {@code source} names it in error messages. */
    public static Recipe parse(String json, String source) {
        JsonNode tree;
        try {
            tree = READER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new TextclsException(source + " is not valid JSON: " + e.getOriginalMessage() + " (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        }
        if (tree == null || !tree.isObject()) {
            throw new TextclsException(source + " must hold one JSON object ({...})");
        }
        return bind(withDefaults((ObjectNode) tree), source);
    }

    /** Pretty JSON of a recipe: what {@code recipe show} prints and a bundle stores. */
    public static String toJson(Recipe r) {
        try {
            return Json.MAPPER.writeValueAsString(r);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A copy with one field changed. {@code key} is the field's path ({@code training.epochs},
     * {@code networks.0.hiddenSize}, {@code networks.cnn.hiddenSize}, {@code networks.*.dropout}
     * for every network) or the flag of a {@link Doc} ({@code epochs}, {@code hidden-size});
     * {@code value} is text, converted to the field's type (lists comma-separated, empty for none).
     */
    public static Recipe with(Recipe recipe, String key, String value) {
        String path = pathOf(key);
        try {
            return (Recipe) set(recipe, Arrays.asList(path.split("\\.")), 0, value, key);
        } catch (TextclsException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new TextclsException("bad value '" + value + "' for " + key + ": " + e.getMessage(), e);
        }
    }

    /** {@link #with} for {@code key=value} overrides, in order. */
    public static Recipe withAll(Recipe recipe, List<String> overrides) {
        Recipe r = recipe;
        for (String kv : overrides) {
            int eq = kv.indexOf('=');
            if (eq < 1) {
                throw new TextclsException("--set takes key=value (e.g. training.epochs=3), got '" + kv + "'");
            }
            r = with(r, kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
        }
        return r;
    }

    /** One settable field: its path, flag (or empty), type and documentation. */
    public record Key(String path, String flag, String type, String doc) {
    }

    /** Every field of a recipe, in declaration order; network fields as {@code networks.*.field}. */
    public static List<Key> keys() {
        List<Key> out = new ArrayList<>();
        collect(Recipe.class, "", out);
        return out;
    }

    /** The field path a flag sets ({@code epochs} → {@code training.epochs}); a path is returned as is. */
    public static String pathOf(String key) {
        for (Key k : keys()) {
            if (k.flag().equals(key)) {
                return k.path();
            }
        }
        return key;
    }

    /** The current value of a field, as text ({@code networks.*} fields: the first network's). */
    public static String get(Recipe recipe, String key) {
        Object o = recipe;
        for (String part : pathOf(key).split("\\.")) {
            if (o instanceof List<?> list) {
                o = list.isEmpty() ? null : list.get(part.equals("*") ? 0 : index(list, part, key));
            } else if (o instanceof Record rec) {
                o = value(rec, component(rec.getClass(), part, key));
            }
        }
        return o instanceof List<?> l ? String.join(",", l.stream().map(String::valueOf).toList()) : String.valueOf(o);
    }

    private static void collect(Class<?> type, String prefix, List<Key> out) {
        for (RecordComponent rc : type.getRecordComponents()) {
            String path = prefix + rc.getName();
            Class<?> t = rc.getType();
            if (t.isRecord()) {
                collect(t, path + ".", out);
            } else if (List.class.isAssignableFrom(t) && elementType(rc).isRecord()) {
                collect(elementType(rc), path + ".*.", out);
            } else {
                Doc d = rc.getAnnotation(Doc.class);
                String typeName = t.isEnum() ? String.join("|", Arrays.stream(t.getEnumConstants()).map(String::valueOf)
                        .toList()) : List.class.isAssignableFrom(t) ? "list" : t.getSimpleName().toLowerCase(Locale.ROOT);
                out.add(new Key(path, d == null ? "" : d.flag(), typeName, d == null ? "" : d.value()));
            }
        }
    }

    private static Object set(Object node, List<String> path, int at, String value, String key) {
        if (node instanceof List<?> list) {
            String part = path.get(at);
            List<Object> copy = new ArrayList<>(list);
            if (part.equals("*")) {
                for (int i = 0; i < copy.size(); i++) {
                    copy.set(i, set(copy.get(i), path, at + 1, value, key));
                }
            } else {
                int i = index(list, part, key);
                copy.set(i, set(copy.get(i), path, at + 1, value, key));
            }
            return copy;
        }
        if (!(node instanceof Record rec)) {
            throw new TextclsException("unknown recipe key '" + key + "'; keys: 'textcls recipe keys'");
        }
        RecordComponent[] rcs = rec.getClass().getRecordComponents();
        RecordComponent target = component(rec.getClass(), path.get(at), key);
        Object[] values = new Object[rcs.length];
        Class<?>[] types = new Class<?>[rcs.length];
        for (int i = 0; i < rcs.length; i++) {
            types[i] = rcs[i].getType();
            values[i] = value(rec, rcs[i]);
            if (rcs[i].getName().equals(target.getName())) {
                boolean leaf = at == path.size() - 1;
                if (leaf && (types[i].isRecord() || (List.class.isAssignableFrom(types[i])
                        && elementType(rcs[i]).isRecord()))) {
                    throw new TextclsException("recipe key '" + key + "' names a section, not a field; keys: "
                            + "'textcls recipe keys'");
                }
                values[i] = leaf ? convert(value, rcs[i], key) : set(values[i], path, at + 1, value, key);
            }
        }
        try {
            Constructor<?> c = rec.getClass().getDeclaredConstructor(types);
            return c.newInstance(values);
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof TextclsException t) {
                throw new TextclsException(key + "=" + value + ": " + t.getMessage(), t);
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int index(List<?> list, String part, String key) {
        if (part.matches("\\d+")) {
            int i = Integer.parseInt(part);
            if (i >= list.size()) {
                throw new TextclsException("recipe key '" + key + "': there are " + list.size() + " networks (0 to "
                        + (list.size() - 1) + ")");
            }
            return i;
        }
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) instanceof Recipe.Network n && n.name().equals(part)) {
                return i;
            }
        }
        throw new TextclsException("recipe key '" + key + "': no network named '" + part + "' (networks: "
                + list.stream().map(o -> o instanceof Recipe.Network n ? n.name() : "?").toList()
                + "; or use an index, or * for every network)");
    }

    private static RecordComponent component(Class<?> type, String name, String key) {
        for (RecordComponent rc : type.getRecordComponents()) {
            if (rc.getName().equals(name)) {
                return rc;
            }
        }
        throw new TextclsException("unknown recipe key '" + key + "' ('" + name + "' is not a field of "
                + type.getSimpleName().toLowerCase(Locale.ROOT) + "); 'textcls recipe keys' lists them");
    }

    private static Object value(Record rec, RecordComponent rc) {
        try {
            return rc.getAccessor().invoke(rec);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Class<?> elementType(RecordComponent rc) {
        Type g = rc.getGenericType();
        if (g instanceof ParameterizedType p && p.getActualTypeArguments()[0] instanceof Class<?> c) {
            return c;
        }
        return Object.class;
    }

    private static Object convert(String v, RecordComponent rc, String key) {
        Class<?> t = rc.getType();
        try {
            if (t == int.class || t == Integer.class) {
                return Integer.parseInt(v);
            } else if (t == long.class || t == Long.class) {
                return Long.parseLong(v);
            } else if (t == double.class || t == Double.class) {
                return Double.parseDouble(v);
            } else if (t == boolean.class || t == Boolean.class) {
                if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
                    throw new TextclsException("bad value '" + v + "' for " + key + ": expected true or false");
                }
                return Boolean.parseBoolean(v);
            } else if (t == String.class) {
                return v.isEmpty() || v.equals("null") ? null : v;
            } else if (t.isEnum()) {
                for (Object c : t.getEnumConstants()) {
                    if (((Enum<?>) c).name().equalsIgnoreCase(v)) {
                        return c;
                    }
                }
                throw new TextclsException("bad value '" + v + "' for " + key + ": expected one of "
                        + Arrays.toString(t.getEnumConstants()));
            } else if (List.class.isAssignableFrom(t)) {
                return v.isEmpty() ? List.of() : Arrays.stream(v.split(",")).map(String::trim).toList();
            }
        } catch (NumberFormatException e) {
            throw new TextclsException("bad value '" + v + "' for " + key + ": expected a number ("
                    + t.getSimpleName() + ")");
        }
        throw new IllegalStateException("no conversion to " + t + " for " + key);
    }

    private static JsonNode builtInTree(String name) {
        String res = "/io/textcls/recipes/" + name + ".json";
        try (InputStream in = Recipes.class.getResourceAsStream(res)) {
            if (in == null) {
                throw new IllegalStateException("built-in recipe " + res + " is missing from the jar");
            }
            JsonNode tree = READER.readTree(in);
            return name.equals(DEFAULT) ? tree : withDefaults((ObjectNode) tree);
        } catch (IOException e) {
            throw new IllegalStateException("built-in recipe " + res + " cannot be read", e);
        }
    }

    /**
     * Fills the fields a tree leaves out from the default recipe; each network is filled from the
     * default's first network (its name from its position when it has none).
     */
    private static ObjectNode withDefaults(ObjectNode tree) {
        ObjectNode base = (ObjectNode) builtInTree(DEFAULT).deepCopy();
        JsonNode baseNetwork = base.path("networks").path(0);
        for (Iterator<Map.Entry<String, JsonNode>> it = tree.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode into = base.get(e.getKey());
            if (e.getKey().equals("networks") && e.getValue().isArray()) {
                ArrayNode nets = Json.MAPPER.createArrayNode();
                int i = 0;
                for (JsonNode n : e.getValue()) {
                    i++;
                    if (n.isObject()) {
                        ObjectNode filled = ((ObjectNode) baseNetwork).deepCopy();
                        filled.put("name", "net-" + i);
                        filled.setAll((ObjectNode) n);
                        nets.add(filled);
                    } else {
                        nets.add(n);
                    }
                }
                base.set("networks", nets);
            } else if (into != null && into.isObject() && e.getValue().isObject()) {
                ((ObjectNode) into).setAll((ObjectNode) e.getValue());
            } else {
                base.set(e.getKey(), e.getValue());
            }
        }
        return base;
    }

    private static Recipe bind(JsonNode tree, String source) {
        try {
            return READER.treeToValue(tree, Recipe.class);
        } catch (JsonProcessingException e) {
            String where = e instanceof com.fasterxml.jackson.databind.JsonMappingException m ? m.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : String.valueOf(r.getIndex()))
                    .reduce((a, b) -> a + "." + b).orElse("") : "";
            Throwable cause = e.getCause() instanceof TextclsException t ? t : null;
            if (cause != null) {
                throw new TextclsException(source + ": " + cause.getMessage(), cause);
            }
            String msg = e.getOriginalMessage();
            if (e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException u) {
                msg = "unknown field '" + u.getPropertyName() + "'; known here: " + u.getKnownPropertyIds();
            }
            throw new TextclsException(source + (where.isEmpty() ? "" : ", field " + where) + ": " + msg);
        } catch (IllegalArgumentException e) {
            Throwable cause = e.getCause() instanceof TextclsException t ? t : e;
            throw new TextclsException(source + ": " + cause.getMessage(), e);
        }
    }
}
