#!/usr/bin/env python3
"""Where a textcls training run spends its time, from a JFR recording.

    java -XX:StartFlightRecording=filename=train.jfr,settings=profile -Dtextcls.progress=false \
      -jar target/textcls.jar bench --docs 512 --runs 1 --only train --architecture lstm-pool.v1 --hidden-size 64
    bench/jfr-summary.py train.jfr

Reads the Java and native-method samples of the thread that trains ("main"; the batch-building
thread is counted apart) and files each under the innermost frame that names a part of the
network or of the training step. Prints the share of each part and, inside the LSTM and
convolution parts, the share of native (ND4J op) samples.
"""
import collections
import re
import subprocess
import sys

# (label, pattern on a frame), innermost match wins
PARTS = [
    ("LSTM kernel forward", r"LstmKernel\.(forward|forwardRows|gatesForward)"),
    ("LSTM kernel backward", r"LstmKernel\.(backward|backwardRows|gatesBackward)"),
    ("LSTM layer (copies in and out)", r"KernelLstmLayer\."),
    ("LSTM forward loop", r"LSTMHelpers\.activateHelper"),
    ("LSTM backward loop", r"LSTMHelpers\.backpropGradientHelper"),
    ("convolution backward", r"Convolution(1D)?Layer\.backpropGradient"),
    ("convolution forward", r"Convolution(1D)?Layer\.(activate|preOutput)"),
    ("max+mean pooling backward", r"MaxMeanPoolingLayer\.backpropGradient"),
    ("max+mean pooling forward", r"MaxMeanPoolingLayer\.activate"),
    ("output layer and loss", r"(BaseOutputLayer|OutputLayer|RnnOutputLayer|LossMCXENT)\."),
    ("embedding", r"(EmbeddingSequenceLayer|KernelEmbeddingLayer)\."),
    ("dropout", r"(Dropout|DropOut)\w*\.apply"),
    ("gradient clipping and weight decay", r"(preApply|applyGradientNormalization|WeightDecay|regulariz)"),
    ("Adam updater", r"(AdamUpdater|BaseMultiLayerUpdater\.update|UpdaterBlock)"),
    ("batch building (DataVec)", r"(SequenceRecordReaderDataSetIterator|SequenceBatches|RecordReader)"),
]


def samples(path):
    out = subprocess.run(["jfr", "print", "--stack-depth", "200", "--events",
                          "jdk.ExecutionSample,jdk.NativeMethodSample", path],
                         check=True, capture_output=True, text=True).stdout
    for block in re.split(r"\n(?=jdk\.(?:ExecutionSample|NativeMethodSample) )", out):
        if "stackTrace" not in block:
            continue
        thread = re.search(r'sampledThread = "([^"]*)"', block)
        frames = re.findall(r"^\s{4,}(\S+?)\(", block, re.M)
        yield (thread.group(1) if thread else "?"), block.startswith("jdk.NativeMethodSample"), frames


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: jfr-summary.py RECORDING.jfr")
    parts = collections.Counter()
    native = collections.Counter()
    other_threads = 0
    total = 0
    for thread, is_native, frames in samples(sys.argv[1]):
        if thread != "main":
            if any("DataSetIterator" in f or "SequenceBatches" in f for f in frames):
                other_threads += 1
            continue
        total += 1
        label = "other"
        for f in frames:  # innermost first
            hit = next((name for name, pat in PARTS if re.search(pat, f)), None)
            if hit:
                label = hit
                break
        parts[label] += 1
        if is_native:
            native[label] += 1
    if total == 0:
        sys.exit("no samples of thread 'main' in " + sys.argv[1])
    print(f"{total} samples of the training thread ({sum(native.values())} in native code); "
          f"{other_threads} of the batch-building thread")
    for label, n in parts.most_common():
        print(f"  {label:36s} {100.0 * n / total:5.1f} %   (native {100.0 * native[label] / max(n, 1):3.0f} %)")


if __name__ == "__main__":
    main()
