import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FAULT_KINDS, faultKindOf, faultNamesHelp, parseFaultList } from '../../../src/drill/index.js';

test('the VRRP-speaker faults answer to their engine-neutral aliases too', () => {
  assert.equal(faultKindOf('stop-vrrp'), 'stop-keepalived');
  assert.equal(faultKindOf('kill-vrrp'), 'kill-keepalived');
  assert.equal(faultKindOf(' kill-keepalived '), 'kill-keepalived');
  assert.equal(faultKindOf('stop-agent'), undefined);
  assert.equal(faultKindOf('constructor'), undefined, 'no inherited property reads as an alias');
});

test('--fault lists: all, aliases folded into one fault each, unknown names collected', () => {
  assert.deepEqual(parseFaultList('all'), { faults: [...FAULT_KINDS], unknown: [] });
  assert.deepEqual(parseFaultList('stop-vrrp,kill-vrrp'), { faults: ['stop-keepalived', 'kill-keepalived'], unknown: [] });
  assert.deepEqual(parseFaultList('kill-vrrp, kill-keepalived,link-down'), { faults: ['kill-keepalived', 'link-down'], unknown: [] });
  assert.deepEqual(parseFaultList('stop-vrrp,pull-plug,nap'), { faults: ['stop-keepalived'], unknown: ['pull-plug', 'nap'] });
  assert.match(faultNamesHelp(), /stop-vrrp \(= stop-keepalived\), kill-vrrp \(= kill-keepalived\)/);
});
