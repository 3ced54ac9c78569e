import { error } from '../../diagnostics/index.js';
import { whereUnder, hostVarAt } from '../../topology/index.js';
import type { Rule } from '../rule.js';

/** nginx refuses `backup` servers in an upstream with ip_hash, hash or random ("nginx -t" fails). */
export const nginxBackupLbAlgo: Rule = {
  code: 'nginx-backup-lb-algo',
  summary: 'nginx backup realservers with lb_algo sh (ip_hash), which nginx forbids',
  check: ({ inv, topology }) => topology.clusters.flatMap((c) => {
    if (c.mode !== 'nginx') return [];
    const seen = new Set<string>();
    return c.services.flatMap((s) => {
      const key = JSON.stringify(s.source?.path);
      if (s.lbAlgo !== 'sh' || seen.has(key)) return [];
      seen.add(key);
      const backups = s.realServers.filter((r) => r.backup);
      if (backups.length === 0) return [];
      return [error('nginx-backup-lb-algo', `lb_algo sh (ip_hash) with backup realserver${backups.length > 1 ? 's' : ''} ${backups.map((b) => b.host).join(', ')}: nginx -t refuses it`,
        s.source ? whereUnder(inv, s.source, ['lb_algo']) : hostVarAt(inv, backups[0]!.host, 'realserver_backup'),
        'drop realserver_backup from those hosts, or use rr/wrr/lc')];
    });
  }),
};
