package io.textcls.model.dl4j;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;
import org.nd4j.linalg.schedule.FixedSchedule;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * DL4J's weight decay, the same step, without its term in the network's score: DL4J adds
 * {@code ½·λ·‖w‖²} to the loss of every training batch, a pass over every parameter (the whole
 * embedding table) that only feeds the reported loss, where textcls reports the data loss alone.
 */
public class UnscoredWeightDecay extends WeightDecay {
    public UnscoredWeightDecay(double coeff) {
        this(new FixedSchedule(coeff), true);
    }

    public UnscoredWeightDecay(@JsonProperty("coeff") ISchedule coeff, @JsonProperty("applyLR") boolean applyLR) {
        super(coeff, applyLR);
    }

    @Override
    public double score(INDArray param, int iteration, int epoch) {
        return 0;
    }

    @Override
    public Regularization clone() {
        return new UnscoredWeightDecay(coeff.clone(), applyLR);
    }
}
