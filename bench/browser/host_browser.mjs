// The TensorFlow.js peers' host in a browser page: the twin of bench/peers/tfjs/host_node.mjs,
// over a job from bench/browser/run.mjs (the peer's arguments and environment, and its data files,
// fetched before the peer starts, since the peers read files synchronously).

// Thrown by fail() to end the peer: a module cannot exit, so the page catches it instead.
export class PeerFailure extends Error {}

// report(kind, text) is how the page speaks to run.mjs: 'out' and 'err' lines, then 'exit'.
export function browserHost(job, files, report) {
  const file = (path) => {
    const bytes = files.get(path);
    if (!bytes) throw new Error(`no such file: ${path} (the page has ${[...files.keys()].join(', ') || 'none'})`);
    return bytes;
  };
  return {
    name: 'browser',
    argv: job.args.slice(1),  // after the peer's name
    env: (key) => job.env[key],
    cache: job.env.NNLAB_CACHE,
    joinPath: (...parts) => parts.join('/').replace(/\/+/g, '/'),
    readText: (path) => new TextDecoder().decode(file(path)),
    readBytes: file,
    now: () => performance.now(),
    printResult: (fields) => report('out', JSON.stringify(fields)),
    fail(message) {
      report('err', `tfjs peer: ${message}`);
      throw new PeerFailure(message);
    },
    // tfjs-core, -layers and both backends are the packages' browser bundles, loaded by the page
    // as scripts before the peer: they make the global tf. Unlike node, a cross-origin isolated
    // page gives the wasm backend its threaded SIMD build, on `threads` threads. The backend caps
    // its thread pool at half of navigator.hardwareConcurrency (it takes every x86 core to be two
    // hyperthreads), which on a 2-core machine leaves it one thread whatever it is asked: the
    // page reports twice `threads` so that the cap lets the threads asked for run.
    async loadTf(threads) {
      const { tf } = globalThis;
      tf.wasm.setWasmPaths('/tfjs/tfjs-backend-wasm/');
      tf.wasm.setThreadsCount(Math.max(1, threads));
      if (2 * threads > navigator.hardwareConcurrency)
        Object.defineProperty(navigator, 'hardwareConcurrency', { value: 2 * threads });
      return { tf, wasm: tf.wasm };
    },
  };
}
