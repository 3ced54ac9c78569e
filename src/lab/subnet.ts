import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { systemClock } from '../async/index.js';
import { MAX_LAB_INDEX } from './names.js';
import { LabStepError } from './run.js';
import { labRoot, listLabs, readState } from './state.js';

/**
 * Each lab gets its own /24 (index n → 198.18.n.0/24 and upward). Indexes in use are read from
 * the other labs' state files and claim files (`.index/<i>` holding the lab name), under a lock
 * so two `up`s racing cannot take the same one.
 */
function claimsDir(labs: string): string {
  return join(labs, '.index');
}

async function claimOwner(labs: string, index: number): Promise<string | null> {
  try {
    return (await readFile(join(claimsDir(labs), String(index)), 'utf8')).trim();
  } catch {
    return null;
  }
}

const LOCK_STALE_MS = 10_000;

/**
 * The allocation is a short critical section under a lock directory (mkdir is atomic): claims
 * are read, judged stale or not, and written by one `up` at a time. A lock older than 10 s was
 * left by a crash and is broken.
 */
async function withClaimsLock<T>(labs: string, fn: () => Promise<T>): Promise<T> {
  const lock = join(labs, '.index.lock');
  const deadline = systemClock.now() + 3 * LOCK_STALE_MS;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const age = await stat(lock).then((st) => Date.now() - st.mtimeMs, () => 0);
      if (age > LOCK_STALE_MS) await rmdir(lock).catch(() => undefined);
      if (systemClock.now() > deadline) throw new LabStepError(`could not take ${lock} (held for ${Math.round(age / 1000)} s)`);
      await systemClock.sleep(10 + Math.random() * 20);
    }
  }
  try {
    return await fn();
  } finally {
    await rmdir(lock).catch(() => undefined);
  }
}

/** Returns the index now owned by `name` under the labs root `labs` (reusing its earlier claim if it has one). */
export async function allocateIndex(name: string, labs: string): Promise<number> {
  await mkdir(claimsDir(labs), { recursive: true });
  return withClaimsLock(labs, async () => {
    const used = new Set<number>();
    for (const other of await listLabs(labs)) {
      if (other === name) continue;
      const s = await readState(other, labs).catch(() => null);
      if (s) used.add(s.index);
    }
    for (let i = 1; i <= MAX_LAB_INDEX; i++) {
      if (used.has(i)) continue;
      const owner = await claimOwner(labs, i);
      if (owner === name) return i;
      // A claim whose lab folder is gone was left by a crash between claim and first state write.
      if (owner !== null && owner !== '' && existsSync(labRoot(owner, labs))) continue;
      await writeFile(join(claimsDir(labs), String(i)), name + '\n');
      return i;
    }
    throw new LabStepError(`all ${MAX_LAB_INDEX} lab subnets of 198.18.0.0/15 are in use`);
  });
}

/** Drops every claim `name` holds (an up killed midway may hold one without a state file). */
export async function releaseIndex(name: string, labs: string): Promise<void> {
  for (const f of await readdir(claimsDir(labs)).catch(() => [] as string[])) {
    if ((await claimOwner(labs, Number(f))) === name) await rm(join(claimsDir(labs), f), { force: true });
  }
}
