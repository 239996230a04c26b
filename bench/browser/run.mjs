// Runs one benchmark program in a page of headless Chromium and passes on what it prints, so that
// bench/run.py can time nnlab's wasm build and TensorFlow.js's wasm backend in the same browser,
// each on the threads the browser gives it (TensorFlow.js cannot start threads under node).
//
//   node bench/browser/run.mjs nnlab COMMAND ARGS...   nnlab's CLI (build/wasm/bench-web/), e.g.
//                                                      `nnlab charrnn --steps 80 --threads 2 --json`
//   node bench/browser/run.mjs tfjs PEER ARGS...       bench/peers/tfjs/PEER.mjs, e.g.
//                                                      `tfjs gan --iters 60 --threads 2`
//
// The page is served from here, cross-origin isolated (threads need SharedArrayBuffer), and reads
// nothing but its job, the programs and the job's data files: the char-RNN's corpus (--corpus, else
// $NNLAB_SHAKESPEARE or ../shared/data/tinyshakespeare.txt) and the GANs' MNIST (--data, else
// $NNLAB_MNIST_DIR or $NNLAB_CACHE/mnist), mirrored at the same absolute paths inside the page.
// Exits with the program's status; NNLAB_BROWSER_VERBOSE=1 shows all the page's console. Needs Chromium and playwright-core ($NNLAB_NODE_MODULES).
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

import { cache as CACHE } from '../../scripts/cache.mjs';
import { launchChromium } from '../../scripts/chromium.mjs';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const kTimeoutMs = Number(process.env.NNLAB_BROWSER_TIMEOUT_MS || 600000);

function die(message) {
  console.error(`bench/browser/run.mjs: ${message}`);
  process.exit(2);
}

const [runner, command, ...rest] = process.argv.slice(2);
if (!['nnlab', 'tfjs'].includes(runner) || !command) die('usage: run.mjs nnlab|tfjs COMMAND ARGS...');

// ---- the job: arguments, with the data files' paths made absolute, and the files themselves ----
const args = [command, ...rest];
const files = [];
function dataOption(flag, fallback, filesOf) {
  let at = args.indexOf(flag);
  if (at < 0) args.push(flag, fallback), at = args.length - 2;
  if (at + 1 >= args.length) die(`${flag} needs a value`);
  args[at + 1] = path.resolve(args[at + 1]);
  for (const file of filesOf(args[at + 1])) {
    if (!fs.existsSync(file)) die(`${file} does not exist`);
    files.push({ path: file, url: `/file/${files.length}` });
  }
}
if (command === 'charrnn')
  dataOption('--corpus', process.env.NNLAB_SHAKESPEARE || '../shared/data/tinyshakespeare.txt', (file) => [file]);
if (command === 'gan') {
  dataOption('--data', process.env.NNLAB_MNIST_DIR || path.join(CACHE, 'mnist'), (dir) => {
    const wanted = runner === 'nnlab' ? ['train', 't10k'] : ['train'];  // the peer reads only the training images
    return fs.readdirSync(dir).filter((name) => wanted.some((set) => name.startsWith(`${set}-`)) && name.includes('-idx'))
      .map((name) => path.join(dir, name));
  });
}
const job = { runner, args, files, env: { NNLAB_CACHE: CACHE } };

// ---- the page's server --------------------------------------------------------------------------
const kTfjs = path.join(CACHE, 'bench-node', 'node_modules', '@tensorflow');
const kRoutes = [  // URL prefix -> folder
  ['/browser/', path.join(ROOT, 'bench/browser')],
  ['/peers/tfjs/', path.join(ROOT, 'bench/peers/tfjs')],
  ['/nnlab/', path.join(ROOT, 'build/wasm/bench-web')],
  ...['tfjs-core', 'tfjs-layers', 'tfjs-backend-cpu', 'tfjs-backend-wasm'].map((pkg) => [`/tfjs/${pkg}/`, path.join(kTfjs, pkg, 'dist')]),
];
const kTypes = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };

function fileFor(url) {
  if (url === '/') return path.join(ROOT, 'bench/browser/index.html');
  const match = url.match(/^\/file\/(\d+)$/);
  if (match) return files[Number(match[1])]?.path;
  for (const [prefix, folder] of kRoutes) {
    if (!url.startsWith(prefix)) continue;
    const file = path.resolve(folder, decodeURIComponent(url.slice(prefix.length)));
    return file.startsWith(folder + path.sep) ? file : null;  // never above its folder
  }
  return null;
}

const server = http.createServer((request, response) => {
  const url = request.url.split('?')[0];
  const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp',
                    'Cache-Control': 'no-store' };
  if (url === '/job') {
    response.writeHead(200, { ...headers, 'Content-Type': 'application/json' });
    response.end(JSON.stringify(job));
    return;
  }
  const file = fileFor(url);
  fs.readFile(file || '', (error, bytes) => {
    if (!file || error) {
      response.writeHead(404, headers);
      response.end();
      return;
    }
    response.writeHead(200, { ...headers, 'Content-Type': kTypes[path.extname(file)] || 'application/octet-stream' });
    response.end(bytes);
  });
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));

// ---- the browser --------------------------------------------------------------------------------
const browser = await launchChromium().catch((error) => die(error.message));
// The program's end is its 'exit' line, an uncaught error in the page, or the timeout.
let timer;
const timedOut = new Promise((resolve) => {
  timer = setTimeout(() => { console.error(`no end after ${kTimeoutMs} ms`); resolve(124); }, kTimeoutMs);
});
const page = await browser.newPage();
const exited = new Promise((resolve) => {
  page.on('console', (message) => {
    const text = message.text();
    const match = text.match(/^nnlab-bench (out|err|exit) ([^]*)$/);
    if (!match) {
      if (message.type() === 'error' || process.env.NNLAB_BROWSER_VERBOSE) console.error(`page: ${text}`);
    } else if (match[1] === 'out') {
      process.stdout.write(match[2] + '\n');
    } else if (match[1] === 'err') {
      process.stderr.write(match[2] + '\n');
    } else {
      resolve(Number(match[2]));
    }
  });
  page.on('pageerror', (error) => { console.error(`page error: ${error}`); resolve(1); });
  page.goto(`http://127.0.0.1:${server.address().port}/`).catch((error) => { console.error(String(error)); resolve(1); });
});
const status = await Promise.race([exited, timedOut]);
clearTimeout(timer);
await browser.close();
server.close();
process.exit(status);
