import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_LAB_INDEX } from './names.js';
import { labRoot, labsRoot, listLabs, readState } from './state.js';

/**
 * Each lab gets its own /24 (index n → 198.18.n.0/24 and upward). Indexes in use are read from
 * the other labs' state files; a claim file created with O_EXCL settles two `up`s racing for the
 * same one.
 */
function claimsDir(): string {
  return join(labsRoot(), '.index');
}

async function claimOwner(index: number): Promise<string | null> {
  try {
    return (await readFile(join(claimsDir(), String(index)), 'utf8')).trim();
  } catch {
    return null;
  }
}

/** Returns the index now owned by `name` (reusing its earlier claim if it has one). */
export async function allocateIndex(name: string): Promise<number> {
  await mkdir(claimsDir(), { recursive: true });
  const used = new Set<number>();
  for (const other of await listLabs()) {
    if (other === name) continue;
    const s = await readState(other).catch(() => null);
    if (s) used.add(s.index);
  }
  for (let i = 1; i <= MAX_LAB_INDEX; i++) {
    if (used.has(i)) continue;
    const owner = await claimOwner(i);
    if (owner === name) return i;
    // A claim whose lab folder is gone was left by a crash between claim and first state write.
    if (owner !== null && owner !== '' && existsSync(labRoot(owner))) continue;
    if (owner !== null) await rm(join(claimsDir(), String(i)), { force: true });
    try {
      await writeFile(join(claimsDir(), String(i)), name + '\n', { flag: 'wx' });
      return i;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw e;
    }
  }
  throw new RangeError(`all ${MAX_LAB_INDEX} lab subnets of 198.18.0.0/15 are in use`);
}

/** Drops every claim `name` holds (an up killed midway may hold one without a state file). */
export async function releaseIndex(name: string): Promise<void> {
  for (const f of await readdir(claimsDir()).catch(() => [] as string[])) {
    if ((await claimOwner(Number(f))) === name) await rm(join(claimsDir(), f), { force: true });
  }
}
