package io.textcls.model;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Training steps for {@code lstm-last.v1} with the forward and backward passes through ND4J's
 * fused native {@code lstmLayer} / {@code lstmLayer_bp} ops instead of DL4J's per-time-step Java
 * loop. The update itself is DL4J's: gradients (summed over the batch, as DL4J's are) go into the
 * network's flattened gradient view and its own updater divides by the batch size, clips per
 * layer, applies Adam and weight decay; so checkpoints, resume and the saved network are the same
 * as with {@code MultiLayerNetwork.fit}. Dropout on the LSTM output is drawn for the last real
 * step only (the only one the loss reads), and embedding dropout on every input step.
 *
 * <p>Not thread-safe: one instance drives one network.
 */
public final class FusedLstmTraining {
    private final MultiLayerNetwork net;
    private final double outputRetain;
    private final double embeddingRetain;
    private final int[] inverse = new int[4];

    public FusedLstmTraining(MultiLayerNetwork net, NetworkSpec spec) {
        this.net = net;
        this.outputRetain = 1 - spec.dropout();
        this.embeddingRetain = 1 - spec.embeddingDropout();
        for (int k = 0; k < 4; k++) {
            inverse[FusedLstmInference.DL4J_TO_OP[k]] = k;
        }
        net.getUpdater(); // created now, so its state exists for checkpoints
    }

    private static INDArray[] op(String name, INDArray... in) {
        return Nd4j.exec(DynamicCustomOp.builder(name).addInputs(in)
                .addIntegerArguments(1, 0, 2, 0, 0) // NTS, forward, sigmoid gates, tanh cell, tanh output
                .addFloatingPointArguments(0.0)
                .addBooleanArguments(true, false, false, false, false, true, false, false)
                .build());
    }

    /** One step on a batch. Returns the batch's mean cross-entropy (without the weight-decay term). */
    public double fit(List<int[]> seqs, int[] labels) {
        int[] order = FusedLstmInference.DL4J_TO_OP;
        INDArray emb = net.getLayer(0).getParam("W");
        INDArray wx = FusedLstmInference.reorder(net.getLayer(1).getParam("W"), order);
        INDArray wr = FusedLstmInference.reorder(net.getLayer(1).getParam("RW"), order);
        INDArray b = FusedLstmInference.reorder(net.getLayer(1).getParam("b"), order).reshape(wx.size(1));
        INDArray wo = net.getLayer(2).getParam("W");
        INDArray bo = net.getLayer(2).getParam("b");
        int n = seqs.size();
        int t = 0;
        for (int[] s : seqs) {
            t = Math.max(t, s.length);
        }
        int hidden = (int) wr.size(0);
        int k = (int) wo.size(1);
        int e = (int) emb.size(1);
        int[] ids = new int[n * t];
        for (int r = 0; r < n; r++) {
            System.arraycopy(seqs.get(r), 0, ids, r * t, seqs.get(r).length);
        }
        INDArray pulled = Nd4j.pullRows(emb, 1, ids);
        INDArray x = pulled.reshape(n, t, e);
        INDArray xMask = null;
        if (embeddingRetain < 1) {
            xMask = dropoutMask(n, t, e, embeddingRetain);
            x.muli(xMask);
        }
        INDArray h = op("lstmLayer", x, wx, wr, b)[0];
        INDArray last = Nd4j.create(DataType.FLOAT, n, hidden);
        for (int r = 0; r < n; r++) {
            last.putRow(r, h.get(NDArrayIndex.point(r), NDArrayIndex.point(seqs.get(r).length - 1), NDArrayIndex.all()));
        }
        INDArray lastMask = null;
        if (outputRetain < 1) {
            lastMask = dropoutMask(n, hidden, 0, outputRetain);
            last.muli(lastMask);
        }
        INDArray p = Transforms.softmax(last.mmul(wo).addiRowVector(bo), true);
        double loss = 0;
        INDArray dlogits = p.dup(); // summed over the batch: (p - y) per row
        for (int r = 0; r < n; r++) {
            loss -= Math.log(Math.max(1e-30, p.getDouble(r, labels[r])));
            dlogits.putScalar(r, labels[r], dlogits.getDouble(r, labels[r]) - 1);
        }
        INDArray dWo = last.transpose().mmul(dlogits);
        INDArray dbo = dlogits.sum(0);
        INDArray dlast = dlogits.mmul(wo.transpose());
        if (lastMask != null) {
            dlast.muli(lastMask);
        }
        INDArray dh = Nd4j.zeros(DataType.FLOAT, n, t, hidden);
        for (int r = 0; r < n; r++) {
            dh.get(NDArrayIndex.point(r), NDArrayIndex.point(seqs.get(r).length - 1), NDArrayIndex.all())
                    .assign(dlast.getRow(r));
        }
        INDArray[] g = op("lstmLayer_bp", x, wx, wr, b, dh); // dL/dx, dL/dWx, dL/dWr, dL/db
        INDArray dx = g[0];
        if (xMask != null) {
            dx.muli(xMask);
        }

        // Write the gradients into the network's gradient view and let DL4J's updater do the rest.
        INDArray flat = net.getFlattenedGradients();
        flat.assign(0);
        DefaultGradient gradient = new DefaultGradient(flat);
        Map<String, INDArray> v0 = views(0);
        Nd4j.exec(DynamicCustomOp.builder("scatter_add")
                .addInputs(v0.get("W"), Nd4j.createFromArray(ids), dx.reshape((long) n * t, e))
                .addOutputs(v0.get("W")).build()); // accumulates repeated ids
        put(gradient, 0, v0);
        Map<String, INDArray> v1 = views(1);
        v1.get("W").assign(FusedLstmInference.reorder(g[1], inverse));
        v1.get("RW").assign(FusedLstmInference.reorder(g[2], inverse));
        v1.get("b").assign(FusedLstmInference.reorder(g[3].reshape(1, g[3].length()), inverse));
        put(gradient, 1, v1);
        Map<String, INDArray> v2 = views(2);
        v2.get("W").assign(dWo);
        v2.get("b").assign(dbo.reshape(v2.get("b").shape()));
        put(gradient, 2, v2);

        int iteration = net.getIterationCount();
        net.getUpdater().update(net, gradient, iteration, net.getEpochCount(), n, LayerWorkspaceMgr.noWorkspaces());
        INDArray params = net.params();
        params.subi(flat.reshape(params.shape()));
        net.setIterationCount(iteration + 1);
        FusedLstmInference.close(pulled, x, h, last, p, dlogits, dWo, dlast, dh, g[0], g[1], g[2], g[3], wx, wr, b, xMask,
                lastMask);
        return loss / n;
    }

    private Map<String, INDArray> views(int layer) {
        Layer l = net.getLayer(layer);
        return l.conf().getLayer().initializer().getGradientsFromFlattened(l.conf(), l.getGradientsViewArray());
    }

    private static void put(DefaultGradient g, int layer, Map<String, INDArray> views) {
        views.forEach((name, view) -> g.setGradientFor(layer + "_" + name, view));
    }

    /** Inverted-dropout mask: 1/retain with probability retain, else 0 (global ND4J RNG, seeded per epoch). */
    private static INDArray dropoutMask(int a, int b, int c, double retain) {
        INDArray u = c > 0 ? Nd4j.rand(DataType.FLOAT, a, b, c) : Nd4j.rand(DataType.FLOAT, a, b);
        INDArray keep = u.lt(retain);
        INDArray mask = keep.castTo(DataType.FLOAT).divi(retain);
        FusedLstmInference.close(u, keep);
        return mask;
    }
}
