// The next-word LSTM (W1) in TensorFlow.js, set up as `nnlab nextword` and bench/peers/nextword.py.
//
// The six sentences over their sorted nine-word vocabulary; the first two words of each, one-hot,
// time-major (T=2, B=6, V=9), into one LSTM layer of 5 (PyTorch's equations and initialization),
// logits = h_last·W (5, 9) + b, mean softmax cross-entropy against the third word, full-batch
// epochs with Adam (lr 0.01, betas 0.9/0.999, eps 1e-8). --warmup epochs train untimed first,
// then --epochs timed ones, as `nnlab nextword --warmup N` and the PyTorch peer do.
//
//   node bench/peers/tfjs/nextword.mjs --backend wasm|cpu [--epochs 500] [--warmup 5]
//
// Written like the char-RNN peer (see charrnn.mjs): plain tf ops, tf.variableGrads, the optimizer's
// applyGradients. At this size every op is tiny, so what is measured is tfjs's cost per op.
//
// Prints one JSON line: train_ms over the timed epochs, loss (the last epoch's), the six predicted
// words in sentence order (expected: dog coffee milk cat milk coffee) and how many are correct.
import {
  Pcg32, linear, linearParams, loadTf, now, oneHot, paramList, parseOptions, printResult,
  recurrentForward, recurrentParamList, recurrentParams, requireCounts,
} from './common.mjs';

const SENTENCES = ['i like dog', 'i love coffee', 'i hate milk',
  'you like cat', 'you love milk', 'you hate coffee'];
const HIDDEN = 5;

const opts = parseOptions({ epochs: 500, lr: 0.01 });
requireCounts(opts, ['epochs'], 0);
const { tf, info } = await loadTf(opts);

// ---- data: inputs[t] holds word t of every sentence -------------------------------------------

const words = SENTENCES.map((s) => s.split(' '));
const vocabulary = [...new Set(words.flat())].sort();
const index = new Map(vocabulary.map((w, i) => [w, i]));
const V = vocabulary.length;
const inputs = [0, 1].map((t) => oneHot(tf, tf.tensor1d(words.map((ws) => index.get(ws[t])), 'int32'), V));
const targetIds = words.map((ws) => index.get(ws[2]));
const targets = oneHot(tf, tf.tensor1d(targetIds, 'int32'), V);

// ---- model --------------------------------------------------------------------------------------

const rng = new Pcg32(opts.seed, 0);
const lstm = recurrentParams(tf, rng, 'lstm', V, HIDDEN, 'lstm');
const head = linearParams(tf, rng, HIDDEN, V, 'fc');
const vars = [...recurrentParamList(lstm), ...paramList(head)];

const logits = () => linear(tf, head, recurrentForward(tf, 'lstm', lstm, inputs).at(-1));

// ---- training -----------------------------------------------------------------------------------

const optimizer = tf.train.adam(opts.lr, 0.9, 0.999, 1e-8);

// One full-batch epoch; returns its loss. dataSync() makes the epoch finish before the next one.
function epoch() {
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(targets, logits()), vars);
    optimizer.applyGradients(grads);
    return value.dataSync()[0];
  });
}

let loss = null;
for (let e = 0; e < opts.warmup; e++) loss = epoch();
const start = now();
for (let e = 0; e < opts.epochs; e++) loss = epoch();
const trainMs = now() - start;

const predicted = Array.from(tf.tidy(() => tf.argMax(logits(), 1).dataSync()));
printResult({
  ...info, workload: 'W1', command: 'nextword', epochs: opts.epochs, warmup: opts.warmup,
  steps: opts.epochs, seed: opts.seed, optimizer: 'adam', lr: opts.lr,
  loss, train_ms: trainMs, ms_per_step: opts.epochs > 0 ? trainMs / opts.epochs : null,
  predictions: predicted.map((i) => vocabulary[i]),
  correct: predicted.filter((p, b) => p === targetIds[b]).length,
  tensors: tf.memory().numTensors,
});
