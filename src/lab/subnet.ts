import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { systemClock } from '../async/index.js';
import { MAX_LAB_INDEX, prefixLength } from './names.js';
import { LabStepError } from './run.js';
import { labRoot, listLabs, readState } from './state.js';

/**
 * Each lab gets its own /24 (index n → 198.18.n.0/24 and upward), a big one 2 or 4 adjacent /24s
 * starting at an index aligned to that span (a /23 or /22). Every /24 a lab holds has its own
 * claim file (`.index/<i>` holding the lab name); indexes in use are read from the other labs'
 * state files and those claims, under a lock so two `up`s racing cannot take the same one.
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

/**
 * Returns the first index of the `span` /24s now owned by `name` under the labs root `labs`
 * (reusing its earlier claims where they fit). Small labs take the lowest free /24 as before, so
 * a lab's addresses do not change because a big lab exists elsewhere in the range.
 */
export async function allocateIndex(name: string, labs: string, span = 1): Promise<number> {
  await mkdir(claimsDir(labs), { recursive: true });
  return withClaimsLock(labs, async () => {
    const used = new Set<number>();
    for (const other of await listLabs(labs)) {
      if (other === name) continue;
      const s = await readState(other, labs).catch(() => null);
      if (s) for (let j = 0; j < (s.span ?? 1); j++) used.add(s.index + j);
    }
    const free = async (i: number): Promise<boolean> => {
      if (used.has(i)) return false;
      const owner = await claimOwner(labs, i);
      // A claim whose lab folder is gone was left by a crash between claim and first state write.
      return owner === null || owner === '' || owner === name || !existsSync(labRoot(owner, labs));
    };
    // Index 0 stays unused, so a block of 2 or 4 starts at 2 or 4.
    for (let i = span; i + span - 1 <= MAX_LAB_INDEX; i += span) {
      let ok = true;
      for (let j = i; j < i + span && ok; j++) ok = await free(j);
      if (!ok) continue;
      for (let j = i; j < i + span; j++) await writeFile(join(claimsDir(labs), String(j)), name + '\n');
      // Claims of an earlier, differently sized lab of this name outside the block go.
      for (const f of await readdir(claimsDir(labs)).catch(() => [] as string[])) {
        const n = Number(f);
        if ((n < i || n >= i + span) && (await claimOwner(labs, n)) === name) await rm(join(claimsDir(labs), f), { force: true });
      }
      return i;
    }
    throw new LabStepError(span === 1 ? `all ${MAX_LAB_INDEX} lab subnets of 198.18.0.0/15 are in use`
      : `no free /${prefixLength(span)} is left in 198.18.0.0/15 for a lab of this size (${span} adjacent /24s)`);
  });
}

/** Drops every claim `name` holds (an up killed midway may hold one without a state file). */
export async function releaseIndex(name: string, labs: string): Promise<void> {
  for (const f of await readdir(claimsDir(labs)).catch(() => [] as string[])) {
    if ((await claimOwner(labs, Number(f))) === name) await rm(join(claimsDir(labs), f), { force: true });
  }
}
