// Debian's Chromium, headless, driven by playwright-core (from $NNLAB_NODE_MODULES, which
// scripts/setup.sh installs): how the lab's end-to-end and soak tests and the benchmark's browser
// runner all start it.
import path from 'node:path';
import { createRequire } from 'node:module';

import { cache } from './cache.mjs';

const kNodeModules = process.env.NNLAB_NODE_MODULES || path.join(cache, 'node', 'node_modules');

// Quiet: no first-run page and no background traffic. `webgl` draws WebGL2 through SwiftShader,
// as a machine without a GPU needs for the lab's canvas.
export async function launchChromium({ webgl = false } = {}) {
  let chromium;
  try {
    ({ chromium } = createRequire(path.join(kNodeModules, 'x.js'))('playwright-core'));
  } catch (error) {
    throw new Error(`playwright-core is not installed in ${kNodeModules} (run scripts/setup.sh): ${error.message}`);
  }
  const args = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync',
                '--no-first-run', '--disable-quic'];
  if (webgl) args.push('--use-angle=swiftshader', '--enable-unsafe-swiftshader');
  return chromium.launch({ executablePath: '/usr/bin/chromium', args });
}
