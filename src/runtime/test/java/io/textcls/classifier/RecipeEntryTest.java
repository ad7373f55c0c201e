package io.textcls.classifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.textcls.recipe.Recipe;
import io.textcls.recipe.Recipes;
import io.textcls.util.Json;
import org.junit.jupiter.api.Test;

/**
 * A single-label bundle's recipe.json leaves out the fields added for multi-label data where they
 * hold their defaults, so builds from before them (which refuse unknown fields) still read it, and
 * reading it back gives the same recipe.
 */
class RecipeEntryTest {
    @Test
    void singleLabelRecipesLeaveOutTheNewFieldsAndReadBackTheSame() throws Exception {
        Recipe single = Recipes.defaults().withTask(Recipe.SINGLE_LABEL);
        String json = ModelBundle.recipeJson(single, false);
        JsonNode tree = Json.MAPPER.readTree(json);
        assertFalse(tree.has("task"), json);
        assertFalse(tree.path("training").has("minSteps"), json);
        assertEquals(single, Recipes.parse(ModelBundle.olderFields(json), "entry"));
    }

    @Test
    void multiLabelAndNonDefaultValuesAreKept() throws Exception {
        Recipe multi = Recipes.defaults().withTask(Recipe.MULTI_LABEL);
        JsonNode m = Json.MAPPER.readTree(ModelBundle.recipeJson(multi, true));
        assertEquals(Recipe.MULTI_LABEL, m.path("task").asText());
        assertTrue(m.path("training").has("minSteps"));
        Recipe steps = Recipes.with(Recipes.defaults().withTask(Recipe.SINGLE_LABEL), "training.minSteps", "500");
        String json = ModelBundle.recipeJson(steps, false);
        assertEquals(500, Json.MAPPER.readTree(json).path("training").path("minSteps").asInt(), json);
        assertEquals(steps, Recipes.parse(ModelBundle.olderFields(json), "entry"));
    }
}
