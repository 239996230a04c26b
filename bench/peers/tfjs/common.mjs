// What the TensorFlow.js peers share: loading tfjs and picking its backend, the matrix-product
// gradient, options, nnlab's PCG32 generator, PyTorch's default initialization, the recurrent
// cells, the JSON line.
//
// The same peers run under node (host_node.mjs) and in a browser page (bench/browser/, which sets
// globalThis.nnlabPeerHost to its own host before importing a peer): everything that depends on
// where they run goes through `host`.
//
// Every peer is plain tf ops on tf.variable weights, differentiated by tf.variableGrads and
// stepped by a tf.train optimizer's applyGradients, all inside one tf.tidy per step.
export const host = globalThis.nnlabPeerHost ?? await import('./host_node.mjs');
export const { cache: CACHE, env, joinPath, readText, readBytes, now, printResult, fail } = host;

// ---- tfjs and its backend -----------------------------------------------------------------------

// Loads tfjs (host.loadTf), makes opts.backend ('wasm' or 'cpu') the active backend, on
// opts.threads threads where the host can start them, and installs the matrix-product gradient
// opts['matmul-grad'] names. Returns {tf, info}; info holds the fields every JSON line carries.
export async function loadTf(opts) {
  const backend = opts.backend;
  if (backend !== 'wasm' && backend !== 'cpu') fail(`--backend must be wasm or cpu, not '${backend}'`);
  const { tf, wasm } = await host.loadTf(opts.threads);
  // Production mode only silences warnings here, among them the cpu backend's advice to install
  // tfjs-node (which cannot be installed on this machine).
  tf.enableProdMode();

  const info = { peer: 'tfjs', tfjs: tf.version_core, backend, host: host.name, simd: null, threads: 1 };
  if (backend === 'wasm') {
    if (!(await tf.setBackend('wasm'))) fail('the wasm backend did not initialize');
    info.simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
    info.multithread = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
    info.threads = wasm.getThreadsCount();
    info.wasm_binary = info.simd && info.multithread ? 'tfjs-backend-wasm-threaded-simd.wasm'
      : info.simd ? 'tfjs-backend-wasm-simd.wasm' : 'tfjs-backend-wasm.wasm';
    if (!info.simd) console.error('tfjs: no wasm SIMD here: the wasm backend runs its scalar build');
  } else if (!(await tf.setBackend('cpu'))) {
    fail('the cpu backend did not initialize');
  }
  await tf.ready();

  const matmulGrad = opts['matmul-grad'];
  if (matmulGrad === 'explicit') registerMatMulGradient(tf);
  else if (matmulGrad !== 'builtin') fail(`--matmul-grad must be explicit or builtin, not '${matmulGrad}'`);
  info.matmul_grad = matmulGrad;
  return { tf, info };
}

// The gradient of a matrix product, with explicit transposes.
//
// tfjs differentiates C = A·B into dA = matMul(dC, B, false, true) and dB = matMul(A, dC, true,
// false). The wasm backend of 4.22 runs a product with a transposed operand through a slow loop
// instead of XNNPACK: measured here, 32x512·(128x512)ᵀ took 3.8 ms against 0.33 ms for
// tf.transpose and a plain product, (2048x128)ᵀ·2048x512 365 ms against 16 ms, and such products
// dominated every backward pass. This registers the same gradient written with tf.transpose,
// per input and lazily like tfjs's own, so that an input off the path (the discriminator's
// weights in the generator's step) is still not differentiated. Small products (under
// SMALL_PRODUCT multiply-adds, where two more ops cost more than the slow loop saves: all of the
// next-word LSTM's) and products of rank above 2 keep tfjs's gradient. The fused products
// (tf.fused.matMul) have a gradient of their own that this does not reach, so the peers use
// tf.matMul and tf.add. `--matmul-grad builtin` measures tfjs as it comes.
const SMALL_PRODUCT = 1 << 16;

function registerMatMulGradient(tf) {
  const builtin = tf.getGradient('BatchMatMul');
  const t = (x) => tf.transpose(x);
  tf.registerGradient({
    kernelName: 'BatchMatMul',
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved, attrs) => {
      const [a, b] = saved;
      if (a.rank !== 2 || b.rank !== 2) return builtin.gradFunc(dy, saved, attrs);
      const inner = a.size / dy.shape[0];  // dy is (m, n), a holds m·inner values
      if (dy.size * inner < SMALL_PRODUCT) return builtin.gradFunc(dy, saved, attrs);
      const { transposeA, transposeB } = attrs;
      if (!transposeA && !transposeB) return { a: () => tf.matMul(dy, t(b)), b: () => tf.matMul(t(a), dy) };
      if (!transposeA) return { a: () => tf.matMul(dy, b), b: () => tf.matMul(t(dy), a) };
      if (!transposeB) return { a: () => tf.matMul(b, t(dy)), b: () => tf.matMul(a, dy) };
      return { a: () => tf.matMul(t(b), t(dy)), b: () => tf.matMul(t(dy), t(a)) };
    },
  });
}

// ---- options ------------------------------------------------------------------------------------

// Parses --name value options. `defaults` maps each name to its default; a number default makes
// the option numeric. Every peer also takes --backend, --warmup, --seed, --threads, --matmul-grad.
export function parseOptions(defaults) {
  const all = { backend: 'wasm', warmup: 5, seed: 0, threads: 1, 'matmul-grad': 'explicit', ...defaults };
  const values = {};
  for (let i = 0; i < host.argv.length; i += 2) {
    const [flag, given] = [host.argv[i], host.argv[i + 1]];
    const name = flag.startsWith('--') ? flag.slice(2) : null;
    if (name === null || !Object.hasOwn(all, name)) fail(`unknown option '${flag}' (options: ${Object.keys(all).map((n) => '--' + n).join(' ')})`);
    if (given === undefined) fail(`${flag} needs a value`);
    values[name] = given;
  }
  const out = {};
  for (const [name, fallback] of Object.entries(all)) {
    const given = values[name];
    if (given === undefined) {
      out[name] = fallback;
    } else if (typeof fallback === 'number') {
      const v = Number(given);
      if (given.trim() === '' || !Number.isFinite(v)) fail(`--${name} expects a number, not '${given}'`);
      out[name] = v;
    } else {
      out[name] = given;
    }
  }
  for (const name of ['warmup', 'seed', 'threads'])
    if (!Number.isInteger(out[name]) || out[name] < 0) fail(`--${name} must be a whole number >= 0`);
  return out;
}

// Checks that each named option is a whole number of at least `min`.
export function requireCounts(opts, names, min = 1) {
  for (const name of names)
    if (!Number.isInteger(opts[name]) || opts[name] < min) fail(`--${name} must be a whole number >= ${min}`);
}

// ---- nnlab's PCG32 (src/core/rng.cpp), so that window positions match nnlab and PyTorch ---------

const MASK64 = (1n << 64n) - 1n;
const PCG_MULTIPLIER = 6364136223846793005n;

export class Pcg32 {
  constructor(seed, stream = 0) {  // pcg32_srandom_r
    this.state = 0n;
    this.inc = ((BigInt(stream) << 1n) | 1n) & MASK64;
    this.u32();
    this.state = (this.state + BigInt(seed)) & MASK64;
    this.u32();
  }

  u32() {
    const old = this.state;
    this.state = (old * PCG_MULTIPLIER + this.inc) & MASK64;
    const xorshifted = Number((((old >> 18n) ^ old) >> 27n) & 0xFFFFFFFFn);
    const rot = Number(old >> 59n);
    return ((xorshifted >>> rot) | (xorshifted << ((32 - rot) & 31))) >>> 0;
  }

  // Uniform in [0, n), rejecting the lowest partial block as rng_below does.
  below(n) {
    const threshold = (2 ** 32 - n) % n;
    for (;;) {
      const r = this.u32();
      if (r >= threshold) return r % n;
    }
  }

  uniform() { return (this.u32() >>> 8) * 2 ** -24; }  // [0, 1), as rng_uniform
}

// ---- parameters, initialized as PyTorch initializes nn.Linear, nn.LSTM and nn.GRU ---------------

// A trainable variable of `shape` drawn from U(-bound, bound) by `rng`.
export function uniformVariable(tf, rng, shape, bound, name) {
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = (2 * rng.uniform() - 1) * bound;
  return tf.variable(tf.tensor(values, shape), true, name);
}

// A weight w (fanIn, fanOut) and bias b (fanOut), both U(-bound, bound); nn.Linear's bound is
// 1/√fanIn. w is stored transposed from PyTorch's (out, in), so that x·w needs no transpose.
export function linearParams(tf, rng, fanIn, fanOut, name, bound = 1 / Math.sqrt(fanIn)) {
  return {
    w: uniformVariable(tf, rng, [fanIn, fanOut], bound, `${name}.w`),
    b: uniformVariable(tf, rng, [fanOut], bound, `${name}.b`),
  };
}

// x·w + b. Not tf.fused.matMul: see registerMatMulGradient.
export function linear(tf, p, x) { return tf.add(tf.matMul(x, p.w), p.b); }

export function paramList(p) { return [p.w, p.b]; }

// ---- recurrent cells, PyTorch's equations -------------------------------------------------------
// A layer holds ih = {w (C, G), b (G)} and hh = {w (H, G), b (G)}, PyTorch's weight_ih, bias_ih,
// weight_hh, bias_hh, with G = 4H (LSTM, gates i f g o) or 3H (GRU, gates r z n), all
// U(-1/√H, 1/√H). The time loop is unrolled in JS, each step on its own (B, C) input tensor.
// Why not one input product for all T steps before the loop, as PyTorch does: cutting the
// (T, B, G) result into steps costs T slices, and the wasm backend's Slice copies its whole input
// out of the heap each time (readSync), so the T slices cost T² and lost more than they saved.

export const CELL_GATES = { lstm: 4, gru: 3 };

export function recurrentParams(tf, rng, cell, inputSize, hidden, name) {
  const G = CELL_GATES[cell] * hidden, bound = 1 / Math.sqrt(hidden);
  return {
    ih: linearParams(tf, rng, inputSize, G, `${name}.ih`, bound),
    hh: linearParams(tf, rng, hidden, G, `${name}.hh`, bound),
  };
}

export function recurrentParamList(p) { return [...paramList(p.ih), ...paramList(p.hh)]; }

// Runs one layer over the inputs xs (T tensors (B, C)) from a zero state; returns the T hidden
// states (B, H).
export function recurrentForward(tf, cell, p, xs) {
  const B = xs[0].shape[0], H = p.hh.w.shape[0];
  let h = tf.zeros([B, H]), c = tf.zeros([B, H]);
  const hs = [];
  for (const x of xs) {
    const xProj = linear(tf, p.ih, x), hProj = linear(tf, p.hh, h);  // (B, G) each
    if (cell === 'lstm') {
      // i, f, g, o = split(x·W_ih + b_ih + h·W_hh + b_hh); c = f*c + i*g; h = o*tanh(c)
      const [i, f, g, o] = tf.split(tf.add(xProj, hProj), 4, 1);
      c = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g)));
      h = tf.mul(tf.sigmoid(o), tf.tanh(c));
    } else {
      // r, z = σ(x·W_i{r,z} + h·W_h{r,z} + biases); n = tanh(x·W_in + b_in + r*(h·W_hn + b_hn));
      // h = (1 - z)*n + z*h = n + z*(h - n)
      const [xrz, xn] = tf.split(xProj, [2 * H, H], 1);
      const [hrz, hn] = tf.split(hProj, [2 * H, H], 1);
      const [r, z] = tf.split(tf.sigmoid(tf.add(xrz, hrz)), 2, 1);
      const n = tf.tanh(tf.add(xn, tf.mul(r, hn)));
      h = tf.add(n, tf.mul(z, tf.sub(h, n)));
    }
    hs.push(h);
  }
  return hs;
}

// float32 one-hot rows of int32 ids (n) for a vocabulary of V. tf.oneHot's own dtype argument
// is avoided: the wasm backend of 4.22 then writes int32 bit patterns into the float32 tensor
// (1 reads as 1.4e-45, a denormal that also slows every product it enters).
export function oneHot(tf, ids, V) { return tf.cast(tf.oneHot(ids, V), 'float32'); }

// ---- training loop helpers ----------------------------------------------------------------------

export function mean(values) {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
}

// PyTorch's clip_grad_norm_: scales every gradient by min(1, maxNorm / (‖all gradients‖ + 1e-6)).
// tfjs optimizers have no clipnorm, so the global norm is computed here, on the backend.
export function clipByGlobalNorm(tf, grads, maxNorm) {
  const names = Object.keys(grads);
  const norm = tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n])))));
  const scale = tf.minimum(1, tf.div(maxNorm, tf.add(norm, 1e-6)));
  const out = {};
  for (const n of names) out[n] = tf.mul(grads[n], scale);
  return out;
}
