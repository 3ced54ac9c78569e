/**
 * What a host whose roles render nothing (a realserver in nginx mode) costs a plan, step by step:
 * the SSH connection, a full facts read, and the deploy-record-only read that replaced it.
 * Hosts are taken one at a time so the steps do not overlap (the figures are per host).
 * Run inside a lab's admin namespace:
 *   hafleet lab exec --name L -- node --import tsx bench/facts-scope.bench.ts /run/hafleet/labs/L/inventory/hosts.yml
 */
import { performance } from 'node:perf_hooks';
import { loadFleet } from '../src/fleet/index.js';
import { cliTransport } from '../src/cli/transport.js';
import { inventoryFor } from '../src/cli/inventory-source.js';
import { gatherFacts } from '../src/facts/index.js';

const inv = process.argv[2]!;
const choice = inventoryFor('plan', [inv], { connects: true });
const loaded = loadFleet(choice.sources, { env: process.env, load: choice.load, connectionDefaults: choice.connectionDefaults });
if (!loaded.ok) throw new Error('inventory did not load');
const fleet = loaded.value;
const empty = fleet.hosts.filter((h) => fleet.desired.get(h)!.files.length === 0);
const transport = cliTransport({}, choice);
const steps: Record<string, number[]> = { connect: [], full: [], record: [] };
const req = { paths: [], managedDirs: [], sysctls: [] };
for (const host of empty) {
  const ref = fleet.refs.get(host)!;
  let t = performance.now();
  const c = await transport.exec(ref, 'true', {});
  steps.connect!.push(performance.now() - t);
  if (!c.ok) throw new Error(c.failure.message);
  for (const [name, r] of [['full', req], ['record', { ...req, recordOnly: true }]] as const) {
    t = performance.now();
    const got = await gatherFacts(transport, ref, r);
    steps[name]!.push(performance.now() - t);
    if (!got.ok) throw new Error(got.failure.message);
  }
}
await transport.close();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`${empty.length} hosts with nothing rendered, median ms per host:`);
for (const [k, xs] of Object.entries(steps)) console.log(`  ${k.padEnd(8)} ${median(xs).toFixed(1)}`);
