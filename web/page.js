// The page around the WebAssembly lab: the Module configuration Emscripten's glue reads, a
// loading screen, and a visible message if anything goes wrong.
'use strict';

const statusBox = document.getElementById('status');
const statusText = document.getElementById('status-text');
const statusProgress = document.getElementById('status-progress');

function showError(message) {
  statusBox.classList.remove('hidden');
  statusBox.classList.add('error');
  statusText.textContent = 'nnlab stopped: ' + message + '\nReload the page to start again.';
  statusProgress.hidden = true;
}

if (!crossOriginIsolated) {
  // Threads need SharedArrayBuffer, which browsers only give to cross-origin isolated pages.
  showError('this page must be served with the Cross-Origin-Opener-Policy and ' +
            'Cross-Origin-Embedder-Policy headers (use scripts/serve.sh).');
}

var Module = {
  canvas: document.getElementById('canvas'),
  print: (text) => console.log(text),
  printErr: (text) => console.warn(text),
  setStatus: (text) => {
    // Emscripten reports "Downloading data... (loaded/total)" while fetching.
    const match = text.match(/\((\d+(?:\.\d+)?)\/(\d+)\)/);
    if (match) statusProgress.value = Number(match[1]) / Number(match[2]);
    if (text) statusText.textContent = text.replace(/\(.*\)/, '').trim() || 'Loading…';
  },
  onRuntimeInitialized: () => {
    statusBox.classList.add('hidden');
    Module.canvas.focus();
  },
  onAbort: (what) => showError(String(what)),
};

// lab.wasm is fetched and compiled from here, while lab.js (the glue, ~260 KB) is still arriving
// and running, rather than after it: the glue would only start the fetch once it has run.
// Emscripten calls instantiateWasm in place of its own fetch; receiveInstance also hands the
// compiled module to the pool's Workers.
const labModule = WebAssembly.compileStreaming(fetch('lab.wasm', { credentials: 'same-origin' }));
Module.instantiateWasm = (imports, receiveInstance) => {
  labModule
    .then((module) => WebAssembly.instantiate(module, imports).then((instance) => receiveInstance(instance, module)))
    .catch((error) => showError(`cannot load lab.wasm (${error})`));
  return {};  // the exports arrive later, through receiveInstance
};

// Files the user opens or drops reach the lab by value: copied into wasm memory and queued
// (src/app/file_transfer.cpp). They are parsed there, never run.
Module.nnlabDeliverFile = (purpose, name, bytes) => {
  const pointer = Module._malloc(bytes.length);
  if (!pointer) {
    Module.nnlabRejectFile(purpose, name, `${name} does not fit in memory`);
    return;
  }
  Module.HEAPU8.set(bytes, pointer);
  Module.ccall('nnlab_file_opened', null, ['string', 'string', 'number', 'number'], [purpose, name, pointer, bytes.length]);
};
Module.nnlabRejectFile = (purpose, name, message) =>
  Module.ccall('nnlab_file_rejected', null, ['string', 'string', 'string'], [purpose, name, message]);

const kMaxDroppedBytes = 256 * 1024 * 1024;
Module.canvas.addEventListener('dragover', (event) => event.preventDefault());
Module.canvas.addEventListener('drop', async (event) => {
  event.preventDefault();
  const file = event.dataTransfer.files[0];
  if (!file) return;
  if (file.size > kMaxDroppedBytes) {
    Module.nnlabRejectFile('drop', file.name, `${file.name} is too large (${file.size} bytes)`);
    return;
  }
  Module.nnlabDeliverFile('drop', file.name, new Uint8Array(await file.arrayBuffer()));
});

window.addEventListener('error', (event) => showError(event.message || 'unexpected error'));
window.addEventListener('unhandledrejection', (event) => showError(String(event.reason)));
// Keep the browser's context menu off the canvas, where right-drag belongs to the lab.
Module.canvas.addEventListener('contextmenu', (event) => event.preventDefault());
