// What the TensorFlow.js peers need from where they run, under node: their arguments and
// environment, files, a clock, the result line, and tfjs itself. The browser's twin is
// bench/browser/host_browser.mjs; common.mjs picks one.
//
// The packages live in $NNLAB_CACHE/bench-node (bench/peers/tfjs/install.sh puts them there), not
// in the repo, so they are loaded with a require() rooted in that folder rather than by import.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import { cache } from '../../../scripts/cache.mjs';

export const name = 'node';
export const argv = process.argv.slice(2);
export const env = (key) => process.env[key];
export { cache };
export const joinPath = path.join;
export const readText = (file) => fs.readFileSync(file, 'utf8');
export const readBytes = (file) => new Uint8Array(fs.readFileSync(file));
export const now = () => Number(process.hrtime.bigint()) / 1e6;  // milliseconds, monotonic
export const printResult = (fields) => process.stdout.write(JSON.stringify(fields) + '\n');

export function fail(message) {
  console.error(`tfjs peer: ${message}`);
  process.exit(2);
}

// Loads tfjs-core, tfjs-layers and both backends, the wasm one told where its binaries are.
// Returns {tf, wasm} (the wasm backend's module). Both backends run on one thread under node (see
// below), whatever `threads` asks.
export async function loadTf(threads) {
  const node = path.join(cache, 'bench-node');
  const require = createRequire(path.join(node, 'node_modules', 'resolve-from-here.js'));
  let tf;
  try {
    tf = require('@tensorflow/tfjs-core');
  } catch (error) {
    fail(`TensorFlow.js is not installed in ${node} (run bench/peers/tfjs/install.sh): ${error.message}`);
  }
  // tfjs-core's node bundle registers no gradients (only the umbrella package @tensorflow/tfjs
  // does, and it is not installed): tfjs-layers' node bundle registers all of them, in the global
  // registry tfjs-core reads, so it is loaded even though the peers use no layers. Neither
  // registers the chained ops (x.reshape()), so the peers call the tf.* functions.
  require('@tensorflow/tfjs-layers');
  require('@tensorflow/tfjs-backend-cpu');
  const wasm = require('@tensorflow/tfjs-backend-wasm');
  if (threads > 1) console.error(`tfjs: --threads ${threads} ignored: both backends run on one thread under node`);
  // A plain directory path (with its trailing separator) works under node: the emscripten glue
  // reads the .wasm with fs. The backend loads tfjs-backend-wasm-simd.wasm when
  // WASM_HAS_SIMD_SUPPORT holds, and the threaded SIMD build only when
  // WASM_HAS_MULTITHREAD_SUPPORT holds too, which tfjs 4.22 hard-codes to false under node
  // (tensorflow/tfjs#3830). Forcing the flag on fails: the threaded glue starts its pthreads
  // from a blob: URL, which node's worker_threads refuse (ERR_WORKER_PATH).
  const dist = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  wasm.setWasmPaths(dist + path.sep);
  return { tf, wasm };
}
