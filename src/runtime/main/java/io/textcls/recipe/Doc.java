package io.textcls.recipe;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The one place a recipe field is documented: read by {@code textcls recipe keys} and by the options
 * {@code train} and {@code bench} add for each flagged field (their help), whose names {@code
 * --set} and {@code tune} also take.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Doc {
    /** What the field means, one sentence. */
    String value();

    /**
     * The command-line option that sets it ({@code "epochs"} for {@code --epochs}); empty when only
     * {@code --set} reaches it. A flag on a network field sets that field on every network.
     */
    String flag() default "";
}
