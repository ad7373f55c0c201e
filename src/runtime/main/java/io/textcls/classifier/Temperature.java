package io.textcls.classifier;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.textcls.metrics.Calibration;
import java.time.Instant;

/**
 * The temperature a bundle's probabilities are rescaled by ({@code calibration.json}): fitted on
 * held-out documents by minimizing log loss, it changes how sure the classifier says it is, never
 * which label it picks. A bundle without one scores with temperature 1 (its networks' own
 * probabilities).
 *
 * @param temperature {@code T}: probabilities become {@code softmax(log(p) / T)}
 * @param fittedOn what it was fitted on (for example "validation split: 2500 documents")
 * @param documents how many documents it was fitted on
 * @param logLossBefore log loss on those documents before rescaling
 * @param logLossAfter and after
 * @param eceBefore expected calibration error (15 bins) before rescaling
 * @param eceAfter and after
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Temperature(double temperature, String fittedOn, int documents, double logLossBefore,
                          double logLossAfter, double eceBefore, double eceAfter, String createdAt) {
    public Temperature {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be positive and finite, got " + temperature);
        }
    }

    /**
     * Fits the temperature with the lowest log loss on labeled documents.
     *
     * @param truth true label index per document
     * @param probabilities the networks' own probabilities (no temperature) per document
     * @param fittedOn what the documents are, for the record
     */
    public static Temperature fit(int[] truth, float[][] probabilities, String fittedOn) {
        double t = Calibration.fitTemperature(truth, probabilities);
        float[][] after = Calibration.scaleAll(probabilities, t);
        return new Temperature(t, fittedOn, truth.length, Calibration.logLoss(truth, probabilities, 1),
                Calibration.logLoss(truth, probabilities, t), Calibration.ece(truth, probabilities),
                Calibration.ece(truth, after), Instant.now().toString());
    }
}
