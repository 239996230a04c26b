// The char-RNN demo (W2) in TensorFlow.js, set up as `nnlab charrnn` and bench/peers/charrnn.py.
//
// One-hot characters into L stacked LSTM or GRU layers (PyTorch's equations and initialization),
// a Linear to the vocabulary, mean softmax cross-entropy over all T·B positions; each step trains
// on B random windows of T+1 characters from the first 90% of the text, starting from a zero
// state, drawn from the same PCG32 streams as nnlab and the PyTorch peer (stream 1 + step of
// --seed); Adam, gradient norm clipped to 5 over all gradients together; validation on the same
// 200 windows of the last 10%. Only the initial weights differ from the other two.
//
//   node bench/peers/tfjs/charrnn.mjs --backend wasm|cpu --steps N [--warmup 5]
//        [--cell lstm|gru] [--layers L] [--hidden 128] [--seq 64] [--batch 32] [--corpus FILE]
//
// How it is written, and why: plain tf ops on tf.variable weights (common.mjs), differentiated
// by tf.variableGrads and stepped by tf.train.adam, the time loop unrolled in JS with one small
// product per step and weight. Measured here on the wasm backend, LSTM 1x128, seq 64, batch 32:
// tf.layers.lstm + timeDistributed(dense) under optimizer.minimize took about 1.2 s a step, the
// same plain ops with tfjs's own matMul gradient about 0.8 s, and with the explicit-transpose
// gradient of common.mjs about 0.3 s. tf.layers also needs the chained ops for its default
// orthogonal initializer, which only the umbrella package @tensorflow/tfjs registers. tf.gather
// of rows (nnlab's way with one-hot inputs) cannot be differentiated on wasm: its gradient needs
// UnsortedSegmentSum, which the wasm backend lacks. The output layer and the cross-entropy run per
// time step too: concatenating the T steps first is one product fewer, but the gradient of the
// concatenation is T slices of the (T·B, ·) gradient, each of which copies all of it on wasm.
//
// Prints one JSON line (the last on stdout): chars_per_s = steps·B·T / seconds and ms_per_step over
// the --steps timed steps, after --warmup untimed ones; train_bpc (mean of the last 100 steps, as
// nnlab and the PyTorch peer report it), final_bpc (the last step), val_bpc.
import {
  CELL_GATES, Pcg32, clipByGlobalNorm, env, fail, linear, linearParams, loadTf, mean, now, oneHot,
  paramList, parseOptions, printResult, readText, recurrentForward, recurrentParamList, recurrentParams,
  requireCounts,
} from './common.mjs';

const TRAIN_FRACTION = 0.9;
const CLIP_NORM = 5.0;
const VALIDATION_WINDOWS = 200;
const VALIDATION_SEED = 0x76616C6964;  // "valid", as in src/train/charrnn_session.cpp
const LOSS_WINDOW = 100;

const opts = parseOptions({
  corpus: env('NNLAB_SHAKESPEARE') || '../shared/data/tinyshakespeare.txt',
  steps: 2000, cell: 'lstm', layers: 1, hidden: 128, seq: 64, batch: 32, lr: 2e-3,
});
if (!(opts.cell in CELL_GATES)) fail(`--cell must be lstm or gru, not '${opts.cell}'`);
requireCounts(opts, ['layers', 'hidden', 'seq', 'batch']);
requireCounts(opts, ['steps'], 0);
const { tf, info } = await loadTf(opts);

// ---- data ---------------------------------------------------------------------------------------

let text;
try {
  text = readText(opts.corpus);
} catch (error) {
  fail(`cannot read the corpus: ${error.message}`);
}
const chars = [...text];  // code points, as Python iterates a str
const vocabulary = [...new Set(chars)].sort((a, b) => a.codePointAt(0) - b.codePointAt(0));
const index = new Map(vocabulary.map((c, i) => [c, i]));
const tokens = Int32Array.from(chars, (c) => index.get(c));
const V = vocabulary.length, T = opts.seq, B = opts.batch, H = opts.hidden;
const trainSize = Math.floor(tokens.length * TRAIN_FRACTION);
if (trainSize <= T + 1 || tokens.length - trainSize <= T + 1) fail('the corpus is too short for --seq');

// Windows of T+1 tokens at `starts`, as T input and T target tensors of n ids each (step t holds
// character t of every window).
function windows(starts) {
  const n = starts.length, inputs = [], targets = [];
  for (let t = 0; t < T; t++) {
    inputs.push(tf.tensor1d(Int32Array.from(starts, (s) => tokens[s + t]), 'int32'));
    targets.push(tf.tensor1d(Int32Array.from(starts, (s) => tokens[s + t + 1]), 'int32'));
  }
  return { inputs, targets, n };
}

function disposeWindows(batch) { tf.dispose([...batch.inputs, ...batch.targets]); }

function trainBatch(step) {
  const rng = new Pcg32(opts.seed, 1 + step);
  return windows(Array.from({ length: B }, () => rng.below(trainSize - T)));
}

// ---- model --------------------------------------------------------------------------------------

const initRng = new Pcg32(opts.seed, 0);
const layers = [];
for (let l = 0; l < opts.layers; l++)
  layers.push(recurrentParams(tf, initRng, opts.cell, l === 0 ? V : H, H, `layer${l}`));
const head = linearParams(tf, initRng, H, V, 'head');
const vars = [...layers.flatMap(recurrentParamList), ...paramList(head)];

// Mean cross-entropy in nats over the T·n positions of a batch from windows(). Every step has
// the same n positions, so the mean of the T per-step means is the mean over all of them.
function batchLoss({ inputs, targets }) {
  let xs = inputs.map((ids) => oneHot(tf, ids, V));  // T of (n, V)
  for (const p of layers) xs = recurrentForward(tf, opts.cell, p, xs);
  const perStep = xs.map((h, t) => tf.losses.softmaxCrossEntropy(oneHot(tf, targets[t], V), linear(tf, head, h)));
  return tf.div(tf.addN(perStep), T);
}

// ---- training -----------------------------------------------------------------------------------

const optimizer = tf.train.adam(opts.lr, 0.9, 0.999, 1e-8);

// One step; returns its loss in nats. dataSync() waits for the whole step (both backends compute
// synchronously anyway, the optimizer's update included) and tidy() frees every intermediate, so
// memory stays flat.
function trainStep(batch) {
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => batchLoss(batch), vars);
    optimizer.applyGradients(clipByGlobalNorm(tf, grads, CLIP_NORM));
    return value.dataSync()[0];
  });
}

const losses = [];
let trainMs = 0, tensorsAfterWarmup = null;
for (let step = 0; step < opts.warmup + opts.steps; step++) {
  if (step === opts.warmup) tensorsAfterWarmup = tf.memory().numTensors;
  const batch = trainBatch(step);  // drawing the windows is not timed, as in the other peers
  const start = now();
  losses.push(trainStep(batch));
  if (step >= opts.warmup) trainMs += now() - start;
  disposeWindows(batch);
}

// ---- validation (not timed) ---------------------------------------------------------------------

const validationRng = new Pcg32(VALIDATION_SEED);
const starts = Array.from({ length: VALIDATION_WINDOWS },
  () => trainSize + validationRng.below(tokens.length - trainSize - T));
let nats = 0;
for (let first = 0; first < VALIDATION_WINDOWS; first += B) {
  const batch = windows(starts.slice(first, first + B));
  nats += tf.tidy(() => batchLoss(batch).dataSync()[0]) * batch.n;
  disposeWindows(batch);
}

// The harness's names for its two configurations; anything else is just "charrnn".
function workloadName() {
  const is = (cell, layers, seq) => opts.cell === cell && opts.layers === layers && T === seq && H === 128 && B === 32;
  return is('lstm', 1, 64) ? 'W2A' : is('gru', 2, 100) ? 'W2B' : 'charrnn';
}

const seconds = trainMs / 1000;
const bits = (nats) => nats / Math.LN2;
printResult({
  ...info, workload: workloadName(),
  cell: opts.cell, layers: opts.layers, hidden: H, seq: T, batch: B, vocab: V, lr: opts.lr,
  seed: opts.seed, warmup: opts.warmup, steps: opts.steps, train_ms: trainMs,
  ms_per_step: opts.steps > 0 ? trainMs / opts.steps : null,
  chars_per_s: seconds > 0 ? opts.steps * B * T / seconds : null,
  first_bpc: losses.length ? bits(losses[0]) : null,
  final_bpc: losses.length ? bits(losses[losses.length - 1]) : null,
  train_bpc: losses.length ? bits(mean(losses.slice(-LOSS_WINDOW))) : null,
  val_bpc: bits(nats / VALIDATION_WINDOWS),
  tensors: { after_warmup: tensorsAfterWarmup, end: tf.memory().numTensors },
});
