package io.textcls.model.dl4j;

import io.textcls.model.kernel.RecurrentKernels;
import io.textcls.model.kernel.VectorKernels;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Trainable;
import org.deeplearning4j.nn.api.Updater;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.updater.MultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.AdamUpdater;
import org.nd4j.linalg.learning.SgdUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;

/**
 * DL4J's network updater with its work for textcls's recipes done in one pass over the parameters.
 * DL4J divides the gradient by the batch size, clips it per layer, runs Adam, adds the weight decay
 * and has the step subtract the update: five passes over every parameter, the 30,000-row
 * embedding included, each an ND4J call. Here the per-layer gradient norms are taken once, and
 * then one vectorized pass reads each parameter's gradient, Adam moments and value and writes the
 * moments and the update (DL4J's step still subtracts it). The arithmetic, the state layout (each
 * block's first moments, then its second) and so the checkpoints are DL4J's; configurations it
 * does not cover (other updaters, regularizations or normalizations) run DL4J's code.
 */
final class FusedAdamUpdater extends MultiLayerUpdater {
    /** Steps taken by the fused pass (not DL4J's), for tests. */
    int fusedSteps;

    private FusedAdamUpdater(MultiLayerNetwork net, INDArray state) {
        super(net, state);
    }

    /**
     * Makes a network's updater this one, keeping its state (new or restored from a checkpoint).
     * Nothing changes where the Vector API is absent.
     */
    static void install(MultiLayerNetwork net) {
        Updater current = net.getUpdater(true);
        if (current instanceof FusedAdamUpdater || !RecurrentKernels.available()
                || !(current instanceof BaseMultiLayerUpdater<?> base)) {
            return;
        }
        net.setUpdater(new FusedAdamUpdater(net, base.getStateViewArray()));
    }

    /** Whether every block is Adam or plain SGD, regularized only by weight decay, clipped at most per layer. */
    private boolean fusable(Gradient gradient) {
        // The network hands over its flattened gradient (in M2.1 as another array object on the same memory)
        INDArray g = gradient.gradient();
        if (g == null || !dense(g) || !dense(getFlattenedGradientsView())
                || g.data().address() != getFlattenedGradientsView().data().address()
                || !dense(getParams()) || (getStateViewArray() != null && !dense(getStateViewArray()))) {
            return false;
        }
        for (UpdaterBlock ub : getUpdaterBlocks()) {
            Object u = ub.getGradientUpdater();
            if (!(u instanceof AdamUpdater || u instanceof SgdUpdater)) {
                return false;
            }
            for (UpdaterBlock.ParamState p : ub.getLayersAndVariablesInBlock()) {
                GradientNormalization gn = p.getLayer().getConfig().getGradientNormalization();
                if (gn != null && gn != GradientNormalization.None && gn != GradientNormalization.ClipL2PerLayer) {
                    return false;
                }
                List<Regularization> regs = p.getLayer().getConfig().getRegularizationByParam(p.getParamName());
                if (regs != null) {
                    for (Regularization r : regs) {
                        if (r.getClass() != WeightDecay.class && r.getClass() != UnscoredWeightDecay.class) {
                            return false;
                        }
                    }
                }
            }
        }
        return true;
    }

    private static boolean dense(INDArray a) {
        return a.dataType() == DataType.FLOAT && a.offset() == 0 && a.length() == a.data().length();
    }

    @Override
    public synchronized void update(Gradient gradient, int iteration, int epoch, int batchSize,
                                    LayerWorkspaceMgr workspaceMgr) {
        if (!fusable(gradient)) {
            super.update(gradient, iteration, epoch, batchSize, workspaceMgr);
            return;
        }
        fusedSteps++;
        double divide = isMiniBatch() ? 1.0 / batchSize : 1.0;
        Map<Trainable, Float> scale = new IdentityHashMap<>();
        for (Trainable layer : getOrderedLayers()) {
            if (layer.numParams() == 0 || layer.getConfig() == null) {
                continue;
            }
            double s = divide;
            if (layer.getConfig().getGradientNormalization() == GradientNormalization.ClipL2PerLayer) {
                double threshold = layer.getConfig().getGradientNormalizationThreshold();
                double l2 = layer.getGradientsViewArray().norm2Number().doubleValue() * divide;
                if (l2 > threshold) {
                    s *= threshold / l2;
                }
            }
            scale.put(layer, (float) s);
        }
        ByteBuffer grad = bytes(gradient.gradient());
        ByteBuffer param = bytes(getParams());
        ByteBuffer state = getStateViewArray() == null ? null : bytes(getStateViewArray());
        for (UpdaterBlock ub : getUpdaterBlocks()) {
            int blockStart = ub.getParamOffsetStart(), blockLength = ub.getParamOffsetEnd() - blockStart;
            Object u = ub.getGradientUpdater();
            for (UpdaterBlock.ParamState p : ub.getLayersAndVariablesInBlock()) {
                float s = scale.getOrDefault(p.getLayer(), (float) divide);
                int from = p.getParamOffsetStart(), to = p.getParamOffsetEnd();
                if (u instanceof AdamUpdater adam) {
                    Adam c = adam.getConfig();
                    double lr = c.getLearningRate(iteration, epoch);
                    double alpha = lr * Math.sqrt(1 - Math.pow(c.getBeta2(), iteration + 1))
                            / (1 - Math.pow(c.getBeta1(), iteration + 1));
                    if (Double.isNaN(alpha) || alpha == 0 || Double.isInfinite(alpha)) {
                        alpha = c.getEpsilon(); // as DL4J's op
                    }
                    int m = ub.getUpdaterViewOffsetStart() + (from - blockStart);
                    float b1 = (float) c.getBeta1(), b2 = (float) c.getBeta2(), eps = (float) c.getEpsilon();
                    float a = (float) alpha, d = (float) decay(p, iteration, epoch, lr);
                    // element-wise: the embedding table's pass split over the threads, same numbers
                    RecurrentKernels.parallel(RecurrentKernels.threads(), to - from, 1 << 16, (i0, i1) ->
                            VectorKernels.adam(grad, param, state, from + i0, i1 - i0, m + i0, m + blockLength + i0, s,
                                    b1, b2, eps, a, d));
                } else {
                    Sgd c = ((SgdUpdater) u).getConfig();
                    double lr = c.getLearningRate(iteration, epoch);
                    VectorKernels.sgd(grad, param, from, to - from, (float) (s * lr), (float) decay(p, iteration, epoch, lr));
                }
            }
        }
    }

    /** The weight-decay multiplier of a parameter's value in its update (DL4J's WeightDecay, after the updater). */
    private static double decay(UpdaterBlock.ParamState p, int iteration, int epoch, double lr) {
        List<Regularization> regs = p.getLayer().getConfig().getRegularizationByParam(p.getParamName());
        double d = 0;
        if (regs != null) {
            for (Regularization r : regs) {
                WeightDecay w = (WeightDecay) r;
                d += w.getCoeff().valueAt(iteration, epoch) * (w.isApplyLR() ? lr : 1.0);
            }
        }
        return d;
    }

    private static ByteBuffer bytes(INDArray a) {
        return a.data().asNio().order(ByteOrder.nativeOrder());
    }
}
