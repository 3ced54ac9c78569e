import type { Command } from 'commander';
import { CommandExit } from '../command-error.js';
import { ExitCode } from '../exit-codes.js';
import { info, paint, printDiagnostics, useColor } from '../output.js';
import type { CommandContext } from '../context.js';
import { formatWhere, hasErrors } from '../../diagnostics/index.js';
import fs from 'node:fs';
import {
  checkInterfaces, lintConfig, loadConfig, makeLogger, missingCapabilities, nodeFiles, nodeScriptSystem, parseCapEff, presentInterfaces,
  parseMetricsAddress, requiredCapabilities, secureScripts, startAgent, type ParsedConfig,
} from '../../vrrp/index.js';

interface AgentFlags {
  useFile: string;
  configTest?: boolean;
  statusFile?: string;
  logJson?: boolean;
  metrics?: string;
}

/**
 * Errors, warnings (including the kill-by-name advice) and notes of a parsed config, on stderr.
 * As keepalived -t: the interfaces must exist here, and the scripts pass keepalived's security
 * checks (a refused track script fails the test, as it makes keepalived -t exit 5).
 */
function report(file: string, p: ParsedConfig): boolean {
  const ds = [...p.diagnostics, ...(p.config ? [...lintConfig(p.config, nodeFiles), ...checkInterfaces(p.config, presentInterfaces()), ...secureScripts(p.config, nodeScriptSystem()).diagnostics] : [])];
  printDiagnostics(ds);
  const color = useColor();
  for (const n of p.notes) info(paint(`note: ${formatWhere(n.where)}: ${n.message}`, 'dim', color));
  if (hasErrors(ds) || !p.config) return false;
  const list = p.config.instances.map((i) => `${i.name} (${i.interface} vrid ${i.vrid} v${i.version} priority ${i.priority})`).join(', ');
  info(`${file}: configuration OK for the agent: ${list}`);
  return true;
}

/** The capabilities this config needs that the process has not got (CapEff of /proc/self/status). */
function missingCaps(cfg: NonNullable<ParsedConfig['config']>): string[] {
  let capEff: bigint | undefined;
  try {
    capEff = parseCapEff(fs.readFileSync('/proc/self/status', 'utf8'));
  } catch {
    capEff = undefined;
  }
  const own = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
  const need = requiredCapabilities(secureScripts(cfg, nodeScriptSystem()).config, own);
  // No /proc (not Linux): let the sockets say what is missing.
  return capEff === undefined ? [] : missingCapabilities(capEff, need);
}

/** `hafleet agent`: the TypeScript VRRP agent on the vrrp part of a keepalived.conf. */
export function register(program: Command, ctx: CommandContext): void {
  program
    .command('agent')
    .description('run the TypeScript VRRP agent on the vrrp part of a keepalived.conf (keepalived-compatible on the wire: VRRPv2 and VRRPv3 over IPv4, VRRPv3 over IPv6)')
    .requiredOption('-f, --use-file <file>', 'keepalived.conf to run', )
    .option('-t, --config-test', 'check the configuration and exit, as keepalived -t (0 when the agent would run it)')
    .option('--status-file <path>', 'write the status (state, master, priority, counters) as JSON here')
    .option('--log-json', 'structured logs: one JSON object per line on stderr')
    .option('--metrics <addr:port>', 'serve Prometheus metrics (keepalived-exporter names) at http://ADDR:PORT/metrics; a bare PORT is 127.0.0.1 (wins over global_defs hafleet_metrics_address)')
    .action(async (o: AgentFlags) => {
      const flagMetrics = o.metrics === undefined ? undefined : parseMetricsAddress(o.metrics);
      if (typeof flagMetrics === 'string') throw new CommandExit(ExitCode.usage, `hafleet agent: --metrics: ${flagMetrics}`);
      const parsed = loadConfig(o.useFile);
      if (o.configTest) {
        if (!report(o.useFile, parsed)) throw new CommandExit(ExitCode.failed, `${o.useFile}: the agent would not run this configuration`);
        return;
      }
      if (!parsed.config) {
        report(o.useFile, parsed);
        throw new CommandExit(ExitCode.failed, `${o.useFile}: not started`);
      }
      const missing = missingCaps(parsed.config);
      if (missing.length > 0) {
        throw new CommandExit(ExitCode.failed, `hafleet agent lacks ${missing.join(', ')} (raw VRRP sockets and ARP need CAP_NET_RAW, addresses and multicast CAP_NET_ADMIN, scripts run as their user CAP_SETUID/CAP_SETGID/CAP_KILL); run it from its systemd unit, or as root`);
      }
      const log = makeLogger(Boolean(o.logJson));
      for (const d of [...parsed.diagnostics, ...lintConfig(parsed.config, nodeFiles)]) log.log('warn', d.message, { code: d.code, where: formatWhere(d.where), hint: d.hint });
      // The flag wins over global_defs hafleet_metrics_address (which the reader has validated).
      const metricsAt = o.metrics ?? parsed.config.global.metricsAddress;
      const metrics = metricsAt === undefined ? undefined : parseMetricsAddress(metricsAt);
      if (typeof metrics === 'string') throw new CommandExit(ExitCode.failed, `hafleet agent: hafleet_metrics_address: ${metrics}`);
      let agent;
      try {
        agent = await startAgent(parsed.config, { configFile: o.useFile, statusFile: o.statusFile, log, metrics });
      } catch (e) {
        throw new CommandExit(ExitCode.failed, `hafleet agent: cannot start: ${(e as Error).message}`);
      }
      log.log('info', 'agent started', { pid: process.pid, config: o.useFile, instances: parsed.config.instances.map((i) => i.name) });
      await new Promise<void>((resolve) => {
        const stop = (why: string) => {
          log.log('info', `stopping (${why})`);
          process.off('SIGHUP', hup);
          void agent.stop().then(resolve, (e: Error) => {
            log.log('error', 'error while stopping', { error: e.message });
            resolve();
          });
        };
        const hup = () => {
          const next = loadConfig(o.useFile);
          if (!next.config) {
            log.log('error', 'reload refused: the configuration has errors; still running the previous one');
            for (const d of next.diagnostics) log.log('error', d.message, { code: d.code, where: formatWhere(d.where) });
            return;
          }
          // keepalived's config errors it runs through are logged on reload too, as at start.
          for (const d of next.diagnostics) log.log('warn', d.message, { code: d.code, where: formatWhere(d.where), hint: d.hint });
          if (o.metrics === undefined && next.config.global.metricsAddress !== metricsAt) {
            log.log('warn', `hafleet_metrics_address changed to ${next.config.global.metricsAddress ?? '(none)'}: the metrics listener stays at ${metricsAt ?? '(none)'} until the agent restarts`);
          }
          agent.reload(next.config);
        };
        process.on('SIGHUP', hup);
        process.once('SIGTERM', () => stop('SIGTERM'));
        if (ctx.signal.aborted) stop('SIGINT');
        else ctx.signal.addEventListener('abort', () => stop('SIGINT'), { once: true });
      });
      log.log('info', 'agent stopped');
    });
}
