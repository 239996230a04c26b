// The MNIST GAN (W3) in TensorFlow.js, set up as `nnlab gan` and bench/peers/gan.py.
//
// Two MLPs trained by Algorithm 1 of Goodfellow et al.: per iteration, --k discriminator updates
// on a real batch and G(z) of fresh noise seen as one batch of 2B, then one generator update on
// fresh noise with the non-saturating loss BCE(D(G(z)), 1). D's loss is BCE(D(x), 1) +
// BCE(D(G(z)), 0), i.e. twice the mean BCE over the 2B rows. Both on D's logit (sigmoid
// cross-entropy with logits). The generator's update differentiates through D but not with
// respect to D's weights (tfjs only follows the inputs on the path from G's variables), the
// shortcut nnlab and the PyTorch peer take.
//
//   --model default   pixels in [-1, 1]; G z(100) → 256 → 512 → 784 tanh, D 784 → 512 → 256 → 1,
//                     LeakyReLU(0.2) between; Adam 2e-4, beta1 0.5; batch 64 (W3A)
//   --model textbook  pixels in [0, 1]; G z(30) → 100 → 150 → 784 sigmoid, D 784 → 150 → 100 → 1,
//                     SELU between, D's sigmoid folded into the loss; RMSprop 1e-3 (decay 0.99 as
//                     nnlab's and torch's alpha); batch 32 (W3B)
// Both initialize every layer as PyTorch's nn.Linear (U(-1/√fan_in, 1/√fan_in)) and draw z from
// N(0, 1). tfjs's RMSprop adds eps inside the square root (torch: outside); at eps 1e-8 that
// only matters where the mean square is below about 1e-8.
//
//   node bench/peers/tfjs/gan.mjs --backend wasm|cpu [--model default|textbook] --iters N
//        [--warmup 5] [--data DIR (default $NNLAB_MNIST_DIR, else $NNLAB_CACHE/mnist)] [--k 1]
//
// Written like the other tfjs peers (plain tf ops, tf.variableGrads, applyGradients; see
// charrnn.mjs and common.mjs for why). Everything of an iteration is timed, the batch gather and
// the noise included, as in the PyTorch peer; --warmup iterations run untimed first.
//
// Prints one JSON line: iters_per_s and ms_per_step over the timed iterations; d_loss, g_loss,
// d_real, d_fake (means over the last 100 iterations, or all if fewer).
import {
  CACHE, Pcg32, env, fail, joinPath, linear, linearParams, loadTf, mean, now, paramList, parseOptions,
  printResult, readBytes, requireCounts,
} from './common.mjs';

const LOSS_WINDOW = 100;
const MODELS = {
  default: {
    z: 100, g: [256, 512], d: [512, 256], batch: 64, pixelRange: [-1, 1],
    hidden: (tf, x) => tf.leakyRelu(x, 0.2), output: (tf, x) => tf.tanh(x),
    optimizer: (tf) => tf.train.adam(2e-4, 0.5, 0.999, 1e-8),
  },
  textbook: {
    z: 30, g: [100, 150], d: [150, 100], batch: 32, pixelRange: [0, 1],
    hidden: (tf, x) => tf.selu(x), output: (tf, x) => tf.sigmoid(x),
    optimizer: (tf) => tf.train.rmsprop(1e-3, 0.99, 0, 1e-8),
  },
};

const opts = parseOptions({
  data: env('NNLAB_MNIST_DIR') || joinPath(CACHE, 'mnist'), model: 'default', iters: -1, epochs: 3, k: 1,
});
const model = MODELS[opts.model];
if (!model) fail(`--model must be default or textbook, not '${opts.model}'`);
requireCounts(opts, ['k']);
requireCounts(opts, ['epochs'], 0);
const { tf, info } = await loadTf(opts);

// ---- data ---------------------------------------------------------------------------------------

function readIdxImages(file) {
  let bytes;
  try {
    bytes = readBytes(file);
  } catch (error) {
    fail(`cannot read MNIST (pass --data DIR; scripts/setup.sh fetches it): ${error.message}`);
  }
  const header = new DataView(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 16));
  const u32 = (offset) => (offset + 4 <= header.byteLength ? header.getUint32(offset) : -1);  // big-endian
  const count = u32(4);
  if (u32(0) !== 0x803 || u32(8) !== 28 || u32(12) !== 28 || count < 0 || bytes.length < 16 + count * 784)
    fail(`${file}: not an idx3 file of 28x28 images`);
  return { pixels: bytes.subarray(16, 16 + count * 784), count };
}

const P = 28 * 28, Z = model.z, B = model.batch;
const mnist = readIdxImages(joinPath(opts.data, 'train-images-idx3-ubyte'));

// All training images as one (N, P) float tensor on the backend, which batches are gathered from.
// The float copy in JS is only a staging buffer (the wasm backend copies it into its heap).
function pixelTensor({ pixels, count }) {
  const [lo, hi] = model.pixelRange, scale = (hi - lo) / 255;
  const values = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) values[i] = lo + scale * pixels[i];
  return tf.tensor2d(values, [count, P]);
}
const train = pixelTensor(mnist);

// Batches walk a shuffled order of the training images, reshuffled when fewer than B remain.
const shuffleRng = new Pcg32(opts.seed, 3);
let order = Int32Array.from({ length: mnist.count }, (_, i) => i), cursor = mnist.count;
function nextBatchIndices() {
  if (cursor + B > mnist.count) {
    for (let i = order.length - 1; i > 0; i--) {  // Fisher-Yates
      const j = shuffleRng.below(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    cursor = 0;
  }
  cursor += B;
  return order.subarray(cursor - B, cursor);
}

// ---- model --------------------------------------------------------------------------------------

const initRng = new Pcg32(opts.seed, 0);
const mlp = (sizes, name) => sizes.slice(1).map((n, i) => linearParams(tf, initRng, sizes[i], n, `${name}${i + 1}`));
const G = mlp([Z, ...model.g, P], 'g.fc');
const D = mlp([P, ...model.d, 1], 'd.fc');
const gVars = G.flatMap(paramList), dVars = D.flatMap(paramList);

function forward(layers, x, output) {
  layers.forEach((p, i) => {
    x = linear(tf, p, x);
    if (i < layers.length - 1) x = model.hidden(tf, x);
  });
  return output ? output(tf, x) : x;
}
const generator = (z) => forward(G, z, model.output);
const discriminator = (x) => forward(D, x, null);  // logits (rows, 1)

// z ~ N(0, 1), seeded per draw so that a run is reproducible.
let draws = 0;
const noise = () => tf.randomNormal([B, Z], 0, 1, 'float32', opts.seed * 1000003 + draws++);

// ---- training -----------------------------------------------------------------------------------

const optD = model.optimizer(tf), optG = model.optimizer(tf);
const dTargets = tf.concat([tf.ones([B, 1]), tf.zeros([B, 1])]);
const gTargets = tf.ones([B, 1]);

// One discriminator update; returns [loss, mean D(x), mean D(G(z))].
function discriminatorStep() {
  return tf.tidy(() => {
    const real = tf.gather(train, tf.tensor1d(nextBatchIndices(), 'int32'));
    const fake = generator(noise());  // outside variableGrads: no tape, constants for D
    const x = tf.concat([real, fake]);
    let stats;
    const { grads } = tf.variableGrads(() => {
      const logits = discriminator(x);
      // The mean over 2B rows is half the sum of the two means.
      const loss = tf.mul(2, tf.losses.sigmoidCrossEntropy(dTargets, logits));
      const [pReal, pFake] = tf.split(tf.sigmoid(logits), 2);
      stats = tf.keep(tf.stack([loss, tf.mean(pReal), tf.mean(pFake)]));  // off the gradient's path
      return loss;
    }, dVars);
    optD.applyGradients(grads);
    const values = Array.from(stats.dataSync());  // the update is done: wait for it
    stats.dispose();
    return values;
  });
}

// One generator update; returns its loss.
function generatorStep() {
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(
      () => tf.losses.sigmoidCrossEntropy(gTargets, discriminator(generator(noise()))), gVars);
    optG.applyGradients(grads);
    return value.dataSync()[0];
  });
}

const batchesPerEpoch = Math.floor(mnist.count / B);
const iters = opts.iters >= 0 ? opts.iters : opts.epochs * Math.floor(batchesPerEpoch / opts.k);
requireCounts({ iters }, ['iters'], 0);
const history = { d_loss: [], g_loss: [], d_real: [], d_fake: [] };
let trainMs = 0;
for (let it = 0; it < opts.warmup + iters; it++) {
  const start = now();
  let d;
  for (let j = 0; j < opts.k; j++) d = discriminatorStep();
  const gLoss = generatorStep();
  if (it >= opts.warmup) trainMs += now() - start;
  history.d_loss.push(d[0]);
  history.d_real.push(d[1]);
  history.d_fake.push(d[2]);
  history.g_loss.push(gLoss);
}

const result = {
  ...info, workload: opts.model === 'default' ? 'W3A' : 'W3B', model: opts.model, batch: B, z: Z,
  k: opts.k, seed: opts.seed, warmup: opts.warmup, steps: iters, iterations: iters,
  train_ms: trainMs, ms_per_step: iters > 0 ? trainMs / iters : null,
  iters_per_s: trainMs > 0 ? iters / (trainMs / 1000) : null,
};
for (const [key, values] of Object.entries(history)) result[key] = mean(values.slice(-LOSS_WINDOW));
result.first_d_loss = history.d_loss[0] ?? null;
result.first_g_loss = history.g_loss[0] ?? null;
result.tensors = tf.memory().numTensors;
printResult(result);
