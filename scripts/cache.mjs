// The cache folder outside the repo (Debian sources, npm packages, MNIST), found as scripts/env.sh
// finds it: $NNLAB_CACHE, else $XDG_CACHE_HOME/nnlab, else ~/.cache/nnlab.
import os from 'node:os';
import path from 'node:path';

export const cache = process.env.NNLAB_CACHE
  || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'nnlab');
