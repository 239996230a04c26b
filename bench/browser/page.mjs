// Runs one benchmark job in the page: nnlab's command-line program compiled for the web
// (build/wasm/bench-web/), or a TensorFlow.js peer from bench/peers/tfjs/, with the job's
// arguments. Everything it prints reaches bench/browser/run.mjs as console lines.
import { PeerFailure, browserHost } from './host_browser.mjs';

const kTag = 'nnlab-bench';  // run.mjs reads only the console lines that start with it
const report = (kind, text) => console.log(`${kTag} ${kind} ${text}`);

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`cannot load ${src}`));
    document.head.append(script);
  });
}

// nnlab: its main() on the job's arguments, the data files written where the arguments name them.
function runNnlab(job, files) {
  window.Module = {
    print: (text) => report('out', text),
    printErr: (text) => report('err', text),
    onRuntimeInitialized() {
      for (const [path, bytes] of files) {
        Module.FS.mkdirTree(path.slice(0, path.lastIndexOf('/')) || '/');
        Module.FS.writeFile(path, bytes);
      }
      Module.callMain(job.args);
    },
    onExit: (code) => report('exit', code),
    onAbort: (what) => { report('err', `aborted: ${what}`); report('exit', 1); },
  };
  return loadScript('/nnlab/nnlab.js');
}

// A TensorFlow.js peer: the packages' browser bundles, then the peer module itself, which runs to
// its end (or to fail()) as it is imported.
async function runTfjs(job, files) {
  for (const [pkg, bundle] of [['tfjs-core', 'tf-core'], ['tfjs-layers', 'tf-layers'],
                               ['tfjs-backend-cpu', 'tf-backend-cpu'], ['tfjs-backend-wasm', 'tf-backend-wasm']])
    await loadScript(`/tfjs/${pkg}/${bundle}.min.js`);
  globalThis.nnlabPeerHost = browserHost(job, files, report);
  try {
    await import(`/peers/tfjs/${job.args[0]}.mjs`);
    report('exit', 0);
  } catch (error) {
    if (!(error instanceof PeerFailure)) report('err', `tfjs peer: ${error.stack || error}`);
    report('exit', 2);
  }
}

try {
  const job = await (await fetch('/job')).json();
  if (!crossOriginIsolated) throw new Error('the page is not cross-origin isolated: no threads');
  const files = new Map();
  for (const { path, url } of job.files) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`cannot fetch ${path}: ${response.status}`);
    files.set(path, new Uint8Array(await response.arrayBuffer()));
  }
  await (job.runner === 'nnlab' ? runNnlab(job, files) : runTfjs(job, files));
} catch (error) {
  report('err', String(error.stack || error));
  report('exit', 1);
}
