// Soak test of the lab page (not run in CI: scripts/soak.sh starts it). Trains the three demos at
// once in headless Chromium for a long while, opening each panel in turn, and once a minute
// samples the wasm memory (its size and what malloc holds), the page's JavaScript heap (after a
// garbage collection, through the DevTools protocol) and each demo's steps and saves. Prints a
// table and whether memory stayed flat after the warm-up.
//
// usage: node soak.mjs URL [--minutes 20] [--warmup 3]   (NNLAB_NODE_MODULES points at playwright-core)
import { launchChromium } from '../../scripts/chromium.mjs';

const args = process.argv.slice(2);
const url = args[0];
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const minutes = option('--minutes', 20);
const warmup = Math.min(option('--warmup', 3), minutes - 1);
// Growth after the warm-up that still counts as flat: the metric histories grow by design (a
// few floats a step), everything else should not grow at all.
const kFlatShare = 0.05;
const kFlatBytes = 2 << 20;
if (!url || !(minutes >= 2)) {
  console.error('usage: node soak.mjs URL [--minutes N (at least 2)] [--warmup M]');
  process.exit(2);
}

const browser = await launchChromium({ webgl: true });
const errors = [];
let status = 0;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
  page.on('pageerror', (error) => errors.push(String(error)));
  const cdp = await context.newCDPSession(page);

  const snapshot = async () => JSON.parse(await page.evaluate(() => Module.ccall('nnlab_ui_snapshot', 'string', [], [])));
  async function waitFor(predicate, what, timeout = 120000) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const ready = await page.evaluate(() => typeof Module !== 'undefined' && Module.calledRun);
      const state = ready ? await snapshot() : null;
      if (state && predicate(state)) return state;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  const value = (state, name) => state.probe.values[name];
  async function click(rect) {
    await page.mouse.click(rect.x + rect.w / 2, rect.y + rect.h / 2);
  }
  async function openPanel(id) {
    const state = await waitFor((s) => s.items.length > 0, 'the sidebar');
    for (let attempt = 0; attempt < 3; attempt++) {
      await click(state.items.find((i) => i.id === id));
      try {
        return await waitFor((s) => s.panel === id, `panel ${id}`, 4000);
      } catch {}
    }
    throw new Error(`panel ${id} did not open`);
  }
  async function startTraining(id, ready) {
    await openPanel(id);
    const state = await waitFor((s) => ready(s) && s.probe.items[`${id}.train`], `${id} ready`);
    for (let attempt = 0; attempt < 3 && value(await snapshot(), `${id}.running`) !== 1; attempt++) {
      await click(state.probe.items[`${id}.train`]);
      await page.waitForTimeout(1000);
    }
    if (value(await snapshot(), `${id}.running`) !== 1) throw new Error(`${id} does not train`);
  }

  await page.goto(url, { waitUntil: 'load' });
  await waitFor((s) => s.frame >= 5, 'the first frames');
  // The next-word demo would stop at epoch 500: its stop is moved out of reach first.
  await openPanel('nextword');
  const stop = (await waitFor((s) => s.probe.items['nextword.stop_at'], 'stop at epoch')).probe.items['nextword.stop_at'];
  await page.mouse.click(stop.x + stop.w * 0.2, stop.y + stop.h / 2);
  await page.waitForTimeout(300);
  await page.keyboard.down('Control');  // held across frames: ImGui reads Ctrl once a frame
  await page.waitForTimeout(150);
  await page.keyboard.press('a');
  await page.waitForTimeout(150);
  await page.keyboard.up('Control');
  await page.keyboard.type('1000000', { delay: 80 });
  await page.keyboard.press('Enter');
  await waitFor((s) => value(s, 'nextword.target_epochs') === 1000000, 'stop at epoch 1000000', 5000);
  await startTraining('nextword', () => true);
  await startTraining('charrnn', (s) => value(s, 'charrnn.ready') === 1);
  await startTraining('gan', (s) => value(s, 'gan.ready') === 1);

  const panels = ['nextword', 'charrnn', 'gan'];
  const rows = [];
  const started = Date.now();
  for (let minute = 0; minute <= minutes; minute++) {
    const due = started + minute * 60000;
    if (Date.now() < due) await page.waitForTimeout(due - Date.now());
    await cdp.send('HeapProfiler.collectGarbage');
    const js = await cdp.send('Runtime.getHeapUsage');
    const state = await snapshot();
    // Buffers: ArrayBuffer contents outside the JS heap, such as the saved runs kept in memory for
    // IndexedDB (the wasm memory, shared with the workers, is not among them).
    const buffers = js.backingStorageSize || 0;
    rows.push({ minute, heap: state.memory.heap, inUse: state.memory.malloc_in_use, js: js.usedSize, buffers,
                steps: state.steps, saves: state.saves });
    const mb = (bytes) => (bytes / 1048576).toFixed(1).padStart(8);
    if (minute === 0)
      console.log('minute  wasm MB  malloc MB   JS MB  buffers MB   next-word  char-RNN      GAN   saves (nw/cr/gan)');
    console.log(`${String(minute).padStart(6)} ${mb(state.memory.heap)} ${mb(state.memory.malloc_in_use)} ${mb(js.usedSize)}` +
                `    ${mb(buffers)}  ${String(state.steps.nextword).padStart(9)} ${String(state.steps.charrnn).padStart(9)}` +
                ` ${String(state.steps.gan).padStart(8)}   ${state.saves.nextword}/${state.saves.charrnn}/${state.saves.gan}`);
    await openPanel(panels[minute % panels.length]);  // every view gets drawn for a while
  }

  // The first and the last third after the warm-up, each by its median: one sample taken while
  // a replaced 13 MB file waits for the collector must not decide.
  const after = rows.slice(warmup);
  const third = Math.max(1, Math.floor(after.length / 3));
  const median = (list, key) => list.map((r) => r[key]).sort((a, b) => a - b)[Math.floor(list.length / 2)];
  const early = after.slice(0, third), late = after.slice(after.length - third);
  const last = rows[rows.length - 1];
  const verdicts = [['wasm memory', 'heap'], ['malloc in use', 'inUse'], ['JS heap', 'js'], ['JS buffers', 'buffers']].map(([name, key]) => {
    const from = median(early, key), to = median(late, key);
    const growth = to - from;
    const flat = growth <= Math.max(kFlatShare * from, kFlatBytes);
    const minutesApart = (late[Math.floor(late.length / 2)].minute - early[Math.floor(early.length / 2)].minute) || 1;
    return { name, flat, text: `${name}: ${(from / 1048576).toFixed(1)} MB early, ${(to / 1048576).toFixed(1)} MB late ` +
                               `(medians of minutes ${early[0].minute}-${early[early.length - 1].minute} and ` +
                               `${late[0].minute}-${late[late.length - 1].minute}; ${(growth / minutesApart / 1024).toFixed(0)} KB/min): ` +
                               `${flat ? 'flat' : 'GROWING'}` };
  });
  console.log();
  for (const v of verdicts) console.log(v.text);
  const stalled = panels.filter((p) => last.steps[p] <= rows[warmup].steps[p]);
  if (stalled.length) console.log(`stopped training: ${stalled.join(', ')}`);
  if (errors.length) console.log(`console errors: ${errors.join(' | ')}`);
  const flat = verdicts.every((v) => v.flat);
  console.log(flat && !stalled.length && !errors.length ? 'memory is flat after the warm-up' : 'memory is NOT flat, or training stopped');
  status = flat && !stalled.length && !errors.length ? 0 : 1;
} catch (error) {
  console.log(`soak failed: ${error.message}`);
  status = 1;
} finally {
  await browser.close();
}
process.exit(status);
