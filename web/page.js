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

window.addEventListener('error', (event) => showError(event.message || 'unexpected error'));
window.addEventListener('unhandledrejection', (event) => showError(String(event.reason)));
// Keep the browser's context menu off the canvas, where right-drag belongs to the lab.
Module.canvas.addEventListener('contextmenu', (event) => event.preventDefault());
