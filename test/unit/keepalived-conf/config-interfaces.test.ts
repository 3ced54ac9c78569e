/** agent -t's interface check, with keepalived -t 2.2.7's words and lines (measured: it exits 5 on each). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatWhere } from '../../../src/diagnostics/index.js';
import { checkInterfaces, parseConfig } from '../../../src/keepalived-conf/index.js';

const text = `vrrp_instance VI_1 {
  interface eth9
  virtual_router_id 51
  priority 100
  track_interface {
    eth0
    bond7 weight -10
  }
  virtual_ipaddress {
    198.18.0.10/24 dev eth8
    198.18.0.11/24
  }
  virtual_ipaddress_excluded {
    198.18.0.12/24 dev eth0
  }
  virtual_routes {
    198.19.0.0/24 via 198.18.0.1 dev eth6
  }
  unicast_src_ip 198.18.77.1
  unicast_peer {
    198.18.0.2
  }
}
`;

test('every missing interface is an error at its line, in keepalived’s words; unicast_src_ip on no interface is accepted (keepalived -t exits 0)', () => {
  const p = parseConfig('/k.conf', { read: () => text, list: () => [] });
  assert.ok(p.config);
  const ds = checkInterfaces(p.config, new Set(['lo', 'eth0']));
  assert.deepEqual(ds.map((d) => `${formatWhere(d.where)} ${d.severity}: ${d.message}`), [
    "/k.conf:2:3 error: WARNING - interface eth9 for vrrp_instance VI_1 doesn't exist",
    "/k.conf:7:5 error: (VI_1) tracked interface bond7 doesn't exist",
    "/k.conf:10:5 error: WARNING - interface eth8 for ip address 198.18.0.10/24 doesn't exist",
    "/k.conf:17:5 error: WARNING - interface eth6 for VROUTE nexthop doesn't exist",
  ]);
  assert.deepEqual(checkInterfaces(p.config, new Set(['eth0', 'eth9', 'eth8', 'eth6', 'bond7'])), []);
});
