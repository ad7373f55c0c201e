package io.textcls.classifier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.textcls.TinyTraining;
import io.textcls.recipe.Recipe;
import io.textcls.text.TokenizerModels;
import io.textcls.train.TrainingResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bundle made with each tokenizer, on text of the scripts it is for, loads and predicts exactly
 * as the training process did; {@code auto} stores the tokenizer it chose.
 */
class TokenizerRoundTripTest {
    @TempDir
    Path dir;

    private static final String[][] CHINESE = {
            {"酒店很干净", "服务非常好", "早餐很丰富", "位置很方便", "下次还会再来", "房间很舒服"},
            {"房间太脏了", "服务很差", "早餐难吃", "隔音不好", "再也不来了", "前台态度恶劣"}};
    private static final String[][] JAPANESE = {
            {"とても良いホテルでした", "部屋はきれいです", "朝食がおいしい", "また泊まりたい", "スタッフが親切"},
            {"部屋が汚かった", "朝食がまずい", "二度と泊まらない", "スタッフが不親切", "うるさかった"}};
    private static final String[][] THAI = {
            {"โรงแรมสะอาดมาก", "พนักงานบริการดี", "อาหารเช้าอร่อย", "ห้องพักสบาย"},
            {"ห้องสกปรกมาก", "พนักงานไม่สุภาพ", "อาหารเช้าไม่อร่อย", "เสียงดังมาก"}};
    private static final String[][] ENGLISH = {
            {"a superb film", "wonderful acting", "moving and funny", "I loved it"},
            {"a dreadful film", "awful acting", "boring and dull", "I hated it"}};

    /** A CSV of {@code perLabel} rows per label ("good", "bad"), each three of that label's phrases. */
    private Path table(String name, String[][] phrases, int perLabel) throws Exception {
        Random r = new Random(3);
        StringBuilder sb = new StringBuilder("label,text\n");
        String[] labels = {"good", "bad"};
        for (int i = 0; i < perLabel; i++) {
            for (int l = 0; l < 2; l++) {
                List<String> parts = new ArrayList<>();
                for (int k = 0; k < 3; k++) {
                    parts.add(phrases[l][r.nextInt(phrases[l].length)]);
                }
                String sep = phrases == ENGLISH ? ", " : phrases == THAI ? " " : "，";
                sb.append(labels[l]).append(",\"").append(String.join(sep, parts)).append("\"\n");
            }
        }
        Path f = dir.resolve(name + ".csv");
        Files.writeString(f, sb.toString(), StandardCharsets.UTF_8);
        return f;
    }

    private void roundTrip(String tokenizer, String[][] phrases, String expected) throws Exception {
        Path data = table(tokenizer.replace('.', '_'), phrases, 30);
        Path bundle = dir.resolve(tokenizer + ".zip");
        Recipe recipe = TinyTraining.recipe(10, "text.tokenizer=" + tokenizer);
        TrainingResult result = TinyTraining.train(data, bundle, recipe);
        assertTrue(result.validation().accuracy() >= 0.9, tokenizer + ": " + result.validation().accuracy());
        TextClassifier loaded = TextClassifier.load(bundle);
        assertEquals(expected, loaded.pipeline().settings().tokenizer());
        assertEquals(expected, loaded.recipe().orElseThrow().text().tokenizer());
        assertEquals(0.0, loaded.selfTestMaxDifference());
        List<String> texts = new ArrayList<>();
        for (String[] label : phrases) {
            texts.add(label[0] + " " + label[1]);
            texts.add(label[label.length - 1]);
        }
        List<Prediction> before = result.classifier().classifyAll(texts);
        List<Prediction> after = loaded.classifyAll(texts);
        for (int i = 0; i < texts.size(); i++) {
            assertEquals(before.get(i).label(), after.get(i).label(), texts.get(i));
            assertEquals(before.get(i).tokens(), after.get(i).tokens(), texts.get(i));
            assertArrayEquals(before.get(i).probs(), after.get(i).probs(), texts.get(i));
        }
        Explanation e = loaded.explain(texts.get(0));
        assertEquals(loaded.pipeline().tokenize(texts.get(0)).surfaces(), e.shown());
        assertEquals(loaded.pipeline().tokens(texts.get(0)), e.tokens());
    }

    @Test
    void openNlpBundleRoundTrips() throws Exception {
        roundTrip(TokenizerModels.OPENNLP_EN_UD_EWT_1_3, ENGLISH, TokenizerModels.OPENNLP_EN_UD_EWT_1_3);
    }

    @Test
    void icuWordsBundleRoundTripsOnThai() throws Exception {
        roundTrip(TokenizerModels.ICU_WORDS, THAI, TokenizerModels.ICU_WORDS);
    }

    @Test
    void icuWordsBundleRoundTripsOnJapanese() throws Exception {
        roundTrip(TokenizerModels.ICU_WORDS, JAPANESE, TokenizerModels.ICU_WORDS);
    }

    @Test
    void icuCharsBundleRoundTripsOnChinese() throws Exception {
        roundTrip(TokenizerModels.ICU_CJK_CHARS, CHINESE, TokenizerModels.ICU_CJK_CHARS);
    }

    @Test
    void autoStoresTheTokenizerItChose() throws Exception {
        roundTrip(TokenizerModels.AUTO, CHINESE, TokenizerModels.ICU_CJK_CHARS);
        roundTrip(TokenizerModels.AUTO, ENGLISH, TokenizerModels.OPENNLP_EN_UD_EWT_1_3);
    }
}
