import { mkdirSync, writeFileSync, chmodSync } from 'node:fs';
import { join, dirname } from 'node:path';
import type { DesiredState } from './types.js';

/**
 * Write `DIR/<host>/<absolute path>` for every desired file, with its mode (owner and group are
 * left to the local user: render runs unprivileged). Returns the number of files written.
 */
export function writeDesiredTree(desired: DesiredState, outDir: string): number {
  let n = 0;
  for (const [host, hd] of desired) {
    for (const f of hd.files) {
      const target = join(outDir, host, f.path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, f.content);
      chmodSync(target, parseInt(f.mode, 8));
      n++;
    }
  }
  return n;
}
