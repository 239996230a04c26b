// Test of the benchmark's browser runner (bench/browser/run.mjs): nnlab's command-line program,
// built for the web, runs in a page of Chromium, reads the data files the driver mirrors into the
// page, prints its JSON line, and hands back its exit status.
//
// usage: node bench_browser.mjs        (NNLAB_NODE_MODULES points at playwright-core; the wasm
//                                       build must have made build/wasm/bench-web/)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { assert, check, exitWithSummary } from './checks.mjs';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

function inBrowser(...args) {
  const run = spawnSync('node', [path.join(ROOT, 'bench/browser/run.mjs'), ...args],
                        { cwd: ROOT, encoding: 'utf8', timeout: 120000 });
  const json = run.stdout.split('\n').filter((line) => line.startsWith('{')).pop();
  return { status: run.status, stderr: run.stderr, result: json ? JSON.parse(json) : null };
}

await check('the next-word LSTM trains in the page and prints its JSON line', () => {
  const { status, stderr, result } = inBrowser('nnlab', 'nextword', '--epochs', '500', '--threads', '2', '--json');
  assert(status === 0, `exit ${status}: ${stderr}`);
  assert(result && result.backend === 'wasm-simd128' && result.threads === 2, `unexpected result ${JSON.stringify(result)}`);
  assert(result.correct === 6, `${result.correct} of 6 next words right after 500 epochs: ${result.predictions}`);
  return `loss ${result.loss}`;
});

await check('the char-RNN reads the corpus the driver mirrors into the page', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nnlab-bench-browser-'));
  const corpus = path.join(dir, 'corpus.txt');
  fs.writeFileSync(corpus, 'abcab '.repeat(400));  // a vocabulary of 4
  try {
    const { status, stderr, result } = inBrowser('nnlab', 'charrnn', '--corpus', corpus, '--steps', '2',
                                                 '--seq', '16', '--batch', '4', '--sample', '0', '--json');
    assert(status === 0, `exit ${status}: ${stderr}`);
    assert(result && result.vocab === 4 && result.steps === 2, `unexpected result ${JSON.stringify(result)}`);
    return `vocabulary ${result.vocab}, ${result.train_ms} ms`;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

await check("a program's failure is the runner's exit status, with its message", () => {
  const { status, stderr } = inBrowser('nnlab', 'charrnn', '--steps', '-1');
  assert(status === 2, `exit ${status}, not 2`);
  assert(stderr.includes('--steps must be 0 or more'), `stderr: ${stderr}`);
});

await check('a data file that does not exist is refused before the browser starts', () => {
  const { status, stderr } = inBrowser('nnlab', 'charrnn', '--corpus', '/nonexistent/corpus.txt');
  assert(status === 2 && stderr.includes('/nonexistent/corpus.txt does not exist'), `exit ${status}: ${stderr}`);
});

exitWithSummary();
