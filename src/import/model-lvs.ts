/**
 * LVS virtual_servers of the directors → the cluster's mode, services and realservers. A
 * virtual_server the model cannot say (a checker other than TCP_CHECK/HTTP_GET, a real server
 * that is no inventory host, per-realserver checks that differ) is kept verbatim instead.
 */
import { error, warning, type Diagnostic } from '../diagnostics/index.js';
import type { Stmt } from '../keepalived-conf/index.js';
import { CHECK_KEYWORDS, firstForeign, RS_KEYWORDS, VS_KEYWORDS } from './expressible.js';
import type { HostConf } from './model.js';
import { textOf } from './snapshot.js';
import { blockText } from './verbatim.js';
import { sc, ylist, ymap, type YNode } from './yaml-out.js';

export interface LvsFindings {
  realservers: Set<string>;
  /** real_server weight per realserver host (realserver_weight), with its line. */
  weights: Map<string, YNode>;
}

const arg = (s: Stmt | undefined, i = 0) => s?.args[i]?.text;
const sub = (b: readonly Stmt[] | undefined, k: string) => (b ?? []).find((s) => s.keyword === k);
const num = (s: Stmt | undefined) => (s?.args[0] ? Number(s.args[0].text) : undefined);

export function lvsServices(
  confs: HostConf[], vips: string[], hostOfAddress: Map<string, string>, ds: Diagnostic[], found: LvsFindings,
  keep: (host: string, text: string) => void,
): { mode: 'lvs-dr' | 'lvs-nat'; services: YNode; realservers: Set<string>; from: string } | undefined {
  const first = confs[0];
  if (!first) return undefined;
  const mine = first.stmts.filter((s) => s.keyword === 'virtual_server' && vips.includes(arg(s) ?? ''));
  if (mine.length === 0) return undefined;
  const services: YNode[] = [];
  const realservers = new Set<string>();
  let mode: 'lvs-dr' | 'lvs-nat' | undefined;
  for (const vs of mine) {
    const from = `${first.host}:${vs.where.file}:${vs.where.line}`;
    const why = vsInexpressible(vs, hostOfAddress);
    const kind = arg(sub(vs.block, 'lb_kind'));
    if (why || (mode && ((kind === 'NAT') !== (mode === 'lvs-nat')))) {
      for (const c of confs) {
        const same = c.stmts.find((s) => s.keyword === 'virtual_server' && arg(s) === arg(vs) && arg(s, 1) === arg(vs, 1));
        const text = same?.where.file && same.where.line ? blockText(textOf(c.snap, same.where.file) ?? '', same.where.line) : undefined;
        if (text) keep(c.host, text);
        else ds.push(error('import-cannot-keep', `virtual_server ${arg(vs)} ${arg(vs, 1)}: ${why ?? 'mixed lb_kind'}, and its text could not be cut out`, { host: c.host, ...vs.where }));
      }
      ds.push(warning('import-passthrough', `virtual_server ${arg(vs)} ${arg(vs, 1)} kept verbatim in extra_keepalived: ${why ?? 'DR and NAT in one cluster'}`, { host: first.host, ...vs.where }));
      continue;
    }
    mode ??= kind === 'NAT' ? 'lvs-nat' : 'lvs-dr';
    const rss = (vs.block ?? []).filter((s) => s.keyword === 'real_server');
    const rs0 = rss[0];
    const check = rs0 && (sub(rs0.block, 'HTTP_GET') ?? sub(rs0.block, 'TCP_CHECK'));
    for (const rs of rss) {
      const h = hostOfAddress.get(arg(rs) ?? '')!;
      realservers.add(h);
      found.realservers.add(h);
      const w = sub(rs.block, 'weight');
      if (w && num(w) !== 1) found.weights.set(h, sc(num(w)!, at(first, w)));
    }
    const url = check && sub(check.block, 'url');
    services.push(ymap([
      ['vip', sc(arg(vs)!, from)],
      ['port', sc(Number(arg(vs, 1)))],
      ['protocol', sc(arg(sub(vs.block, 'protocol')) ?? 'TCP')],
      ['realserver_port', rs0 && arg(rs0, 1) !== arg(vs, 1) ? sc(Number(arg(rs0, 1))) : undefined],
      ['lb_algo', sc(arg(sub(vs.block, 'lb_algo')) ?? 'rr')],
      ['persistence_timeout', sub(vs.block, 'persistence_timeout') ? sc(num(sub(vs.block, 'persistence_timeout'))!, at(first, sub(vs.block, 'persistence_timeout')!)) : undefined],
      ['health_check', ymap([
        ['type', sc(check ? check.keyword : 'NONE', check ? at(first, check) : undefined)],
        ['path', url ? sc(arg(sub(url.block, 'path')) ?? '/') : undefined],
        ['status', url && sub(url.block, 'status_code') ? sc(num(sub(url.block, 'status_code'))!) : undefined],
        ['connect_timeout', check && sub(check.block, 'connect_timeout') ? sc(num(sub(check.block, 'connect_timeout'))!) : undefined],
        ['retry', check && (sub(check.block, 'retry') ?? sub(check.block, 'nb_get_retry')) ? sc(num(sub(check.block, 'retry') ?? sub(check.block, 'nb_get_retry'))!) : undefined],
        ['delay_before_retry', check && sub(check.block, 'delay_before_retry') ? sc(num(sub(check.block, 'delay_before_retry'))!) : undefined],
        ['delay_loop', sub(vs.block, 'delay_loop') ? sc(num(sub(vs.block, 'delay_loop'))!) : undefined],
      ])],
      ['sorry_server', sub(vs.block, 'sorry_server') ? sc(`${arg(sub(vs.block, 'sorry_server'))}:${arg(sub(vs.block, 'sorry_server'), 1)}`) : undefined],
    ]));
  }
  if (!mode) return undefined;
  return { mode, services: ylist(services), realservers, from: `lb_kind of ${first.host}:${mine[0]!.where.file}:${mine[0]!.where.line}` };
}

const at = (c: HostConf, s: Stmt) => `${c.host}:${s.where.file}:${s.where.line}`;

function vsInexpressible(vs: Stmt, hostOfAddress: Map<string, string>): string | undefined {
  if (vs.args.length !== 2) return 'a virtual_server group or fwmark';
  const f = firstForeign(vs.block, VS_KEYWORDS);
  if (f) return `'${f.keyword}' is not in the inventory model`;
  const rss = (vs.block ?? []).filter((s) => s.keyword === 'real_server');
  if (rss.length === 0) return 'no real_server';
  const shapes = new Set<string>();
  const ports = new Set<string>();
  for (const rs of rss) {
    if (!hostOfAddress.has(arg(rs) ?? '')) return `real_server ${arg(rs)} is not a host of the inventory`;
    const g = firstForeign(rs.block, RS_KEYWORDS);
    if (g) return `real_server '${g.keyword}' is not in the inventory model`;
    const checks = (rs.block ?? []).filter((s) => s.keyword === 'HTTP_GET' || s.keyword === 'TCP_CHECK');
    if (checks.length > 1) return 'several checkers on one real_server';
    const c = checks[0];
    if (c) {
      const h = firstForeign(c.block, CHECK_KEYWORDS);
      if (h) return `checker keyword '${h.keyword}' is not in the inventory model`;
      const url = (c.block ?? []).filter((s) => s.keyword === 'url');
      if (url.length > 1 || (url[0] && firstForeign(url[0].block, new Set(['path', 'status_code'])))) return 'a checker url the model does not write';
      if (sub(c.block, 'connect_port') && arg(sub(c.block, 'connect_port')) !== arg(rs, 1)) return 'a checker on another port';
    }
    // Realserver weights become realserver_weight per host: the same for every service.
    shapes.add(JSON.stringify((c?.block ?? []).map((s) => [s.keyword, s.args.map((a) => a.text), (s.block ?? []).map((x) => [x.keyword, x.args.map((a) => a.text)])]).concat([[c?.keyword ?? '']])));
    ports.add(arg(rs, 1) ?? '');
  }
  if (shapes.size > 1) return 'real servers with different checks';
  if (ports.size > 1) return 'real servers on different ports';
  return undefined;
}
