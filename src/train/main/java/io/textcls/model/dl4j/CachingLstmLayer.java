package io.textcls.model.dl4j;

import java.lang.reflect.Field;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.recurrent.FwdPassReturn;
import org.deeplearning4j.nn.layers.recurrent.LSTM;
import org.deeplearning4j.nn.layers.recurrent.LSTMHelpers;
import org.deeplearning4j.nn.params.LSTMParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.TimeSeriesUtils;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The layer of {@link CachingLstm}: in training, its forward pass keeps what the backward pass needs
 * (gate activations and cell states of every step) and hands it to DL4J's own backward pass through
 * the {@code cachedFwdPass} field that M2.1 reads but never fills. DL4J would otherwise run the whole
 * forward loop a second time inside {@code backpropGradient}.
 *
 * <p>The kept arrays go to a workspace of this layer position's own, opened by the forward pass and
 * closed when the backward pass is done: DL4J's per-layer working memory, where they would
 * otherwise go, is reset for the next layer, and ND4J refuses arrays of a closed workspace. (Arrays
 * outside any workspace, tried first, left the native memory to the garbage collector: 5.5 GB RSS
 * after five benchmark epochs against 2.2 GB.) Outside training, without workspaces, and with NWC
 * data, DL4J's code runs unchanged. Not for truncated backpropagation through time, which textcls
 * does not use: the kept pass starts from a zero state.
 */
public class CachingLstmLayer extends LSTM {
    static final String CACHE_WORKSPACE = "TEXTCLS_LSTM_FORWARD_CACHE";
    private static final Field NO_LEVERAGE_OVERRIDE = noLeverageOverride();

    /** The forward pass kept for backprop, and the open workspace that holds its arrays. */
    private FwdPassReturn kept;
    private MemoryWorkspace cache;

    public CachingLstmLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public INDArray activate(INDArray input, boolean training, LayerWorkspaceMgr workspaceMgr) {
        setInput(input, workspaceMgr);
        return activate(training, workspaceMgr);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        release();
        if (!training || TimeSeriesUtils.getFormatFromRnnLayer(layerConf()) != RNNFormat.NCW
                || workspaceMgr.isScopedOut(ArrayType.FF_WORKING_MEM)) {
            return super.activate(training, workspaceMgr);
        }
        assertInputSet(false);
        applyDropOutIfNecessary(true, workspaceMgr);
        WorkspaceConfiguration conf = workspaceMgr.getConfiguration(ArrayType.FF_WORKING_MEM);
        // Opened here and closed in release(), after the backward pass: ND4J refuses arrays of a closed
        // workspace. It is not made the current workspace; only the kept arrays are allocated in it.
        MemoryWorkspace current = Nd4j.getMemoryManager().getCurrentWorkspace();
        cache = Nd4j.getWorkspaceManager().getWorkspaceForCurrentThread(conf, workspaceName()).notifyScopeEntered();
        Nd4j.getMemoryManager().setCurrentWorkspace(current);
        kept = forward(cachingManager(workspaceMgr, conf, workspaceName()));
        // Run for backprop (and with cache mode NONE), LSTMHelpers leaves the [b, H, T] output unfilled.
        for (int t = 0; t < kept.fwdPassOutputAsArrays.length; t++) {
            kept.fwdPassOutput.tensorAlongDimension(t, 1, 0).assign(kept.fwdPassOutputAsArrays[t]);
        }
        cachedFwdPass = kept;
        return kept.fwdPassOutput;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        try {
            return super.backpropGradient(epsilon, workspaceMgr); // takes cachedFwdPass when it is set
        } finally {
            release();
        }
    }

    @Override
    public void clear() {
        release();
        super.clear();
    }

    /**
     * One workspace per layer position: in a stack, each LSTM keeps its pass until its own backward
     * pass, and the layers' backward passes run in the reverse order of their forward passes.
     */
    private String workspaceName() {
        return CACHE_WORKSPACE + "_" + getIndex();
    }

    /** Drops the kept pass and closes its workspace (the next forward pass reuses its memory). */
    private void release() {
        cachedFwdPass = null;
        kept = null;
        if (cache != null) {
            MemoryWorkspace current = Nd4j.getMemoryManager().getCurrentWorkspace();
            cache.close();
            Nd4j.getMemoryManager().setCurrentWorkspace(current);
            cache = null;
        }
    }

    /**
     * A copy of DL4J's manager in which the arrays LSTMHelpers keeps for backprop (FF_ and
     * BP_WORKING_MEM: cell states and gate activations of every step) go to the cache workspace.
     */
    private static LayerWorkspaceMgr cachingManager(LayerWorkspaceMgr original, WorkspaceConfiguration conf,
                                                    String name) {
        Set<ArrayType> scopedOut = EnumSet.noneOf(ArrayType.class);
        Map<ArrayType, WorkspaceConfiguration> configs = new EnumMap<>(ArrayType.class);
        Map<ArrayType, String> names = new EnumMap<>(ArrayType.class);
        for (ArrayType t : ArrayType.values()) {
            if (t == ArrayType.FF_WORKING_MEM || t == ArrayType.BP_WORKING_MEM) {
                configs.put(t, conf);
                names.put(t, name);
            } else if (original.isScopedOut(t)) {
                scopedOut.add(t);
            } else if (original.hasConfiguration(t)) {
                configs.put(t, original.getConfiguration(t));
                names.put(t, original.getWorkspaceName(t));
            }
        }
        LayerWorkspaceMgr mgr = new LayerWorkspaceMgr(scopedOut, configs, names);
        mgr.setHelperWorkspacePointers(original.getHelperWorkspacePointers());
        try { // arrays of the async iterator's workspace are not to be moved (DL4J's own setting, not readable)
            NO_LEVERAGE_OVERRIDE.set(mgr, NO_LEVERAGE_OVERRIDE.get(original));
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("DL4J's LayerWorkspaceMgr has changed: " + e, e);
        }
        return mgr;
    }

    private static Field noLeverageOverride() {
        try {
            Field f = LayerWorkspaceMgr.class.getDeclaredField("noLeverageOverride");
            f.setAccessible(true);
            return f;
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("DL4J's LayerWorkspaceMgr has changed: " + e, e);
        }
    }

    /** DL4J's forward pass as its {@code backpropGradient} runs it (keeping every step's state). */
    private FwdPassReturn forward(LayerWorkspaceMgr workspaceMgr) {
        INDArray recurrentWeights = getParamWithNoise(LSTMParamInitializer.RECURRENT_WEIGHT_KEY, true, workspaceMgr);
        INDArray inputWeights = getParamWithNoise(LSTMParamInitializer.INPUT_WEIGHT_KEY, true, workspaceMgr);
        INDArray biases = getParamWithNoise(LSTMParamInitializer.BIAS_KEY, true, workspaceMgr);
        return LSTMHelpers.activateHelper(this, conf, layerConf().getGateActivationFn(), input, recurrentWeights,
                inputWeights, biases, true, null, null, true, true, LSTMParamInitializer.INPUT_WEIGHT_KEY,
                maskArray, false, helper, CacheMode.NONE, workspaceMgr, layerConf().isHelperAllowFallback());
    }
}
