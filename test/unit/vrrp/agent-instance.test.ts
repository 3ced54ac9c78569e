/** The runtime of one instance with fake kernel calls and mocked timers: actions carried out, deadlines kept. */
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { InstanceRunner, type InstanceIo } from '../../../src/vrrp/agent-instance.js';
import { parseConfig } from '../../../src/keepalived-conf/config.js';
import { decodeVrrp, encodeAdvert, encodeIpv4Packet, encodeIpv6Packet } from '../../../src/vrrp/packet.js';
import { TimerWheel } from '../../../src/vrrp/agent-timers.js';

const CONF = `vrrp_instance VI_1 {
  interface eth0
  virtual_router_id 51
  priority 100
  advert_int 1
  authentication {
    auth_type PASS
    auth_pass pw
  }
  virtual_ipaddress {
    198.18.0.100/24 dev eth0 label eth0:vip
    198.18.0.101
  }
  garp_master_delay 5
  garp_master_repeat 2
  garp_master_refresh 30
}`;

function setup(text = CONF, primary = '198.18.250.1', authPass: string | undefined = 'pw') {
  mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  let now = 1_000_000;
  const sent: { at: number; priority: number; dst: string }[] = [];
  const addr: string[] = [];
  const garps: number[] = [];
  const routes: string[] = [];
  const transitions: string[] = [];
  const logs: string[] = [];
  const conf = parseConfig('/k.conf', { read: () => text, list: () => [] }).config!.instances[0]!;
  const io: InstanceIo = {
    sock: {
      ready: Promise.resolve(),
      send(payload, dst) {
        const r = decodeVrrp(payload, { src: primary, dst, ttl: 255 }, { authPass });
        assert.ok(r.ok, 'the runtime sends valid adverts');
        sent.push({ at: now, priority: r.advert.priority, dst });
      },
      close: async () => {},
    },
    addr: { via: 'fake', add: (a) => addr.push(`add ${a.address}/${a.prefix} ${a.dev} ${a.label ?? ''}`.trim()), del: (a) => addr.push(`del ${a.address}`), forget() {}, close() {} },
    garp: { prepare() {}, send: () => garps.push(now), forget() {}, close() {} },
    routes: { apply: (op, line, done) => { routes.push(`${op} ${line.kind} ${line.words.join(' ')}`); done(); } },
    log: { log: (level, msg, fields) => logs.push(`${level} ${msg}${fields?.src ? ` src=${String(fields.src)}` : ''}`) },
    now: () => now,
    onTransition: (_r, t) => transitions.push(`${t.from}→${t.to}`),
    onChange() {},
    groupReady: () => true,
  };
  const r = new InstanceRunner(conf, primary, io);
  const advance = (ms: number) => {
    // Step in small slices so each timer sees the clock at (about) its deadline.
    for (let left = ms; left > 0; left -= 1) {
      now += Math.min(1, left);
      mock.timers.tick(Math.min(1, left));
    }
  };
  /** Move only the high-resolution clock (the runtime's now()), not the timers' clock. */
  const clock = (ms: number) => (now += ms);
  return { r, sent, addr, garps, routes, transitions, logs, advance, clock, get now() { return now; } };
}

test('backup → master: VIPs with label, advert, GARP burst; adverts on deadlines; delayed and refresh bursts', () => {
  const t = setup();
  try {
    t.r.feed({ kind: 'startup' });
    t.advance(3609);
    assert.deepEqual(t.transitions, ['INIT→BACKUP']);
    t.advance(1);
    assert.deepEqual(t.transitions, ['INIT→BACKUP', 'BACKUP→MASTER']);
    assert.deepEqual(t.addr, ['add 198.18.0.100/24 eth0 eth0:vip', 'add 198.18.0.101/32 eth0']);
    assert.equal(t.sent.length, 1);
    assert.equal(t.garps.length, 2 * 2, 'garp_master_repeat × VIPs at once');
    const first = t.sent[0]!.at;
    t.advance(10_000);
    assert.equal(t.sent.length, 11);
    t.sent.forEach((s, i) => assert.equal(s.at - first, i * 1000, `advert ${i} on its deadline`));
    assert.equal(t.garps.length, 8, 'a second burst after garp_master_delay');
    t.advance(30_000);
    assert.equal(t.garps.length, 8 + 2, 'refresh: garp_master_refresh_repeat × VIPs');
  } finally {
    mock.timers.reset();
  }
});

test('master hears a higher priority: VIPs removed, GARP refresh stops; shutdown from backup sends nothing', () => {
  const t = setup();
  try {
    t.r.feed({ kind: 'startup' });
    t.advance(3700);
    const higher = encodeIpv4Packet(
      encodeAdvert({ version: 2, vrid: 51, priority: 200, advertIntervalCs: 100, addresses: ['198.18.0.100', '198.18.0.101'] }, { authPass: 'pw', src: '198.18.250.2', dst: '224.0.0.18' }),
      { src: '198.18.250.2', dst: '224.0.0.18', ttl: 255 },
    );
    t.r.receive(higher);
    assert.equal(t.r.m.state, 'BACKUP');
    assert.deepEqual(t.addr.slice(2), ['del 198.18.0.100', 'del 198.18.0.101']);
    const garps = t.garps.length;
    const sent = t.sent.length;
    t.advance(3000);
    assert.equal(t.garps.length, garps, 'no more GARP once backup');
    assert.equal(t.sent.length, sent, 'no adverts from a backup');
    t.r.feed({ kind: 'shutdown' });
    assert.equal(t.sent.length, sent);
    t.r.dispose();
  } finally {
    mock.timers.reset();
  }
});

test('master shutdown: a priority-0 advert, then the VIPs go', () => {
  const t = setup();
  try {
    t.r.feed({ kind: 'startup' });
    t.advance(3700);
    t.r.feed({ kind: 'shutdown' });
    assert.equal(t.sent.at(-1)!.priority, 0);
    assert.deepEqual(t.addr.slice(-2), ['del 198.18.0.100', 'del 198.18.0.101']);
    t.r.dispose();
  } finally {
    mock.timers.reset();
  }
});

test('unicast over IPv6: adverts to the peer; a peer\'s advert counts whatever its hop limit (keepalived sends 64); a stranger\'s is dropped', () => {
  const conf = `vrrp_instance VI_6 {
  interface eth0
  virtual_router_id 52
  priority 100
  advert_int 1
  unicast_src_ip 2001:2:0:250::1
  unicast_peer {
    2001:2:0:250::2
  }
  virtual_ipaddress {
    2001:2:0:250::100/64
  }
}`;
  const t = setup(conf, '2001:2:0:250::1', undefined);
  try {
    const advert = (src: string, hop: number) => encodeIpv6Packet(
      encodeAdvert({ version: 3, vrid: 52, priority: 150, advertIntervalCs: 100, addresses: ['2001:2:0:250::100'] }, { src, dst: '2001:2:0:250::1' }),
      { src, dst: '2001:2:0:250::1', ttl: hop },
    );
    t.r.feed({ kind: 'startup' });
    t.r.receive(advert('2001:2:0:250::3', 255));
    assert.equal(t.r.m.counters.drops['unknown-unicast-src'], 1, 'not a listed peer');
    assert.equal(t.r.m.masterIp, undefined);
    t.r.receive(advert('2001:2:0:250::2', 64));
    assert.equal(t.r.m.masterIp, '2001:2:0:250::2', 'the peer is heard at hop limit 64');
    assert.equal(t.r.m.counters.advertsReceived, 1);
    t.advance(5000);
    assert.equal(t.r.m.state, 'MASTER', 'the peer went quiet');
    assert.ok(t.sent.length > 0 && t.sent.every((s) => s.dst === '2001:2:0:250::2'), 'adverts go to the peer, and decode as IPv6 v3');
    assert.deepEqual(t.addr, ['add 2001:2:0:250::100/64 eth0']);
    t.r.feed({ kind: 'shutdown' });
    t.r.dispose();
  } finally {
    mock.timers.reset();
  }
});

test('a timer that fires before its deadline (Node rounds to whole ms) waits out the rest', () => {
  const t = setup();
  try {
    t.r.feed({ kind: 'startup' });
    // Master_Down_Interval 3609.375 ms. The timer runs while the high-resolution clock still
    // says 3608.9 ms: no takeover yet.
    t.clock(3608.9);
    mock.timers.tick(3610);
    assert.deepEqual(t.transitions, ['INIT→BACKUP'], 'not before the bound');
    t.clock(0.5);
    mock.timers.tick(1);
    assert.deepEqual(t.transitions, ['INIT→BACKUP', 'BACKUP→MASTER'], 'at the bound');
  } finally {
    mock.timers.reset();
  }
});

test('virtual_routes and virtual_rules: added in order after becoming master (off the failover step), removed in reverse before the VIPs go', async () => {
  const conf = CONF.replace('  garp_master_delay 5', [
    '  virtual_routes {',
    '    198.19.99.0/24 via 198.18.0.1 dev eth0',
    '    src 198.18.0.100 to 198.19.98.0/24 dev eth0',
    '  }',
    '  virtual_rules {',
    '    from 198.18.0.100 table 100',
    '  }',
    '  garp_master_delay 5',
  ].join('\n'));
  const t = setup(conf);
  try {
    t.r.feed({ kind: 'startup' });
    t.advance(3610);
    assert.equal(t.r.m.state, 'MASTER');
    assert.deepEqual(t.routes, [], 'not in the failover step itself');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(t.routes, ['add route 198.19.99.0/24 via 198.18.0.1 dev eth0', 'add route src 198.18.0.100 to 198.19.98.0/24 dev eth0', 'add rule from 198.18.0.100 table 100']);
    t.r.feed({ kind: 'shutdown' });
    assert.deepEqual(t.routes.slice(3), ['del rule from 198.18.0.100 table 100', 'del route src 198.18.0.100 to 198.19.98.0/24 dev eth0', 'del route 198.19.99.0/24 via 198.18.0.1 dev eth0']);
    t.r.dispose();
  } finally {
    mock.timers.reset();
  }
});

test('a flood of wrong-password adverts: keepalived’s line with the sender, a handful of times, the count held back said', () => {
  const t = setup();
  try {
    t.r.feed({ kind: 'startup' });
    const bad = encodeIpv4Packet(encodeAdvert({ version: 2, vrid: 51, priority: 200, advertIntervalCs: 100, addresses: ['198.18.0.100', '198.18.0.101'] }, { authPass: 'nope', src: '198.18.250.2', dst: '224.0.0.18' }), { src: '198.18.250.2', dst: '224.0.0.18', ttl: 255 });
    // 5,000 packets over 50 s of the runtime's clock.
    for (let i = 0; i < 5000; i++) {
      t.clock(10);
      t.r.receive(bad);
    }
    const lines = t.logs.filter((l) => l.includes('invalid passwd'));
    assert.ok(lines.length >= 5 && lines.length <= 11, `${lines.length} lines`);
    assert.equal(lines[0], 'info (VI_1) received an invalid passwd! src=198.18.250.2');
    assert.match(lines.at(-1)!, /\(\d+ similar messages suppressed\) src=198\.18\.250\.2$/);
    assert.equal(t.r.m.counters.drops['auth-mismatch'], 5000, 'every one is still counted');
    assert.deepEqual(t.transitions, ['INIT→BACKUP'], 'none of them moves anything');
  } finally {
    mock.timers.reset();
  }
});

test('two instances on one wheel: the later one rides the earlier one\'s wake-ups, one short interval, then exact ones', () => {
  mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  try {
    let now = 1_000_000;
    const wheel = new TimerWheel(() => now);
    const sends: Record<string, number[]> = { VI_1: [], VI_2: [] };
    const make = (name: string, vrid: number) => {
      const conf = parseConfig('/k.conf', { read: () => CONF.replace('VI_1', name).replace('51', String(vrid)), list: () => [] }).config!.instances[0]!;
      const io: InstanceIo = {
        sock: { ready: Promise.resolve(), send: () => sends[name]!.push(now), close: async () => {} },
        addr: { via: 'fake', add() {}, del() {}, forget() {}, close() {} },
        garp: { prepare() {}, send() {}, forget() {}, close() {} },
        routes: { apply: (_op, _line, done) => done() },
        log: { log() {} },
        now: () => now,
        onTransition() {},
        onChange() {},
        groupReady: () => true,
        timers: wheel,
      };
      return new InstanceRunner(conf, '198.18.250.1', io);
    };
    const a = make('VI_1', 51);
    const b = make('VI_2', 52);
    const advance = (ms: number) => {
      for (let i = 0; i < ms; i++) {
        now += 1;
        mock.timers.tick(1);
      }
    };
    a.feed({ kind: 'startup' });
    advance(300);
    b.feed({ kind: 'startup' });
    advance(8000);
    const wakes = new Set([...sends.VI_1!, ...sends.VI_2!].filter((t) => t > now - 4000));
    assert.equal(wakes.size, 4, `the last 4 s: 4 wake-ups for 8 adverts (VI_1 ${sends.VI_1!.slice(-4)}, VI_2 ${sends.VI_2!.slice(-4)})`);
    const gaps = (l: number[]) => l.slice(1).map((t, i) => t - l[i]!);
    assert.deepEqual(gaps(sends.VI_1!), gaps(sends.VI_1!).map(() => 1000), 'VI_1 (first master) keeps its own schedule');
    const g2 = gaps(sends.VI_2!);
    assert.equal(g2.filter((g) => g !== 1000).length, 1, `VI_2: one short interval when it starts riding, then exact: ${g2}`);
    assert.ok(g2.every((g) => g >= 500), 'never closer than half an interval');
    a.dispose();
    b.dispose();
  } finally {
    mock.timers.reset();
  }
});
