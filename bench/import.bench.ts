/**
 * `hafleet import` wall time for N hosts (default 50): one SSH connection and one batched read per
 * host (forks = N), then the pure model, in process. The hosts are N inventory names spread over
 * the lab's hosts (a lab of 50 namespaces does not fit the shared CI machine): each name is its
 * own connection and its own read, as 50 hosts would be; the hosts' side is shared, so this is an
 * upper bound of the admin side's cost and a lower bound of nothing else. Run inside a lab's admin
 * namespace:
 *   hafleet lab exec --name L -- node --import tsx bench/import.bench.ts /run/hafleet/labs/L/inventory/hosts.yml [N]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { cliTransport } from '../src/cli/transport.js';
import { inventoryFor } from '../src/cli/inventory-source.js';
import { hostRefOf } from '../src/fleet/index.js';
import { buildImport, readHosts } from '../src/import/index.js';
import { loadInventory } from '../src/inventory/index.js';

const src = process.argv[2]!;
const n = Number(process.argv[3] ?? 50);
const lab = loadInventory([src]);
if (!lab.ok) throw new Error('lab inventory did not load');
const addrs = [...lab.value.hosts.values()].map((h) => String(h.vars['ansible_host']));
const v = [...lab.value.hosts.values()][0]!.vars;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hf-import-bench-'));
const inv = path.join(dir, 'hosts.yml');
fs.writeFileSync(inv, `all:\n  vars:\n    ansible_user: root\n    ansible_ssh_private_key_file: ${String(v['ansible_ssh_private_key_file'])}\n    hafleet_known_hosts: ${path.resolve(path.dirname(src), String(v['hafleet_known_hosts']))}\n  hosts:\n${Array.from({ length: n }, (_, i) => `    h${i}: { ansible_host: ${addrs[i % addrs.length]} }\n`).join('')}`);
const choice = inventoryFor('import', [inv], { connects: true });
const loaded = loadInventory(choice.sources);
if (!loaded.ok) throw new Error('bench inventory did not load');
const refs = [...loaded.value.hosts.keys()].map((h) => hostRefOf(loaded.value, h));
const transport = cliTransport({}, choice);
const t0 = performance.now();
const reads = await readHosts(transport, refs, { forks: n });
const t1 = performance.now();
const snaps = reads.flatMap((r) => (r.ok ? [r.snapshot] : []));
const result = buildImport(snaps, refs.map((r, i) => ({ name: r.name, address: addrs[i % addrs.length]! })));
const t2 = performance.now();
await transport.close();
fs.rmSync(dir, { recursive: true, force: true });
const failed = reads.filter((r) => !r.ok);
console.log(`import of ${n} hosts (${addrs.length} lab hosts behind them): read ${(t1 - t0).toFixed(0)} ms, model ${(t2 - t1).toFixed(0)} ms, total ${(t2 - t0).toFixed(0)} ms; ${failed.length} failed${failed[0] && !failed[0].ok ? ` (${failed[0].message})` : ''}; ${result.clusters.length} cluster(s), ${result.diagnostics.length} finding(s)`);
