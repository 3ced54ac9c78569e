import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyExample } from './example.js';

/** What an import keeps for lb1: a second global_defs with a key the model has no name for, and a process check no instance tracks yet. */
export const PASSTHROUGH_KEEPALIVED = `global_defs {
    # hand-made: mail on every transition "{ quoted braces }"
    vrrp_garp_master_refresh_repeat 2
}

vrrp_track_process chk_sshd {
    process sshd
    weight 0
}
`;

/** nginx http-level text: a map with variables (nginx's own, not hafleet's). */
export const PASSTHROUGH_NGINX = `map $http_upgrade $connection_upgrade {
    default upgrade;
    '' close;
}
`;

/** The nginx-ha example with lb1's passthrough keys set (a private copy). */
export function passthroughExample(): string {
  const dir = copyExample('nginx-ha');
  mkdirSync(join(dir, 'host_vars'), { recursive: true });
  writeFileSync(join(dir, 'host_vars', 'lb1.yml'), `extra_keepalived: ${JSON.stringify(PASSTHROUGH_KEEPALIVED)}\nextra_nginx: ${JSON.stringify(PASSTHROUGH_NGINX)}\n`);
  return dir;
}
