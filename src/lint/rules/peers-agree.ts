import { peerDisagreements } from '../../topology/index.js';
import type { Rule } from '../rule.js';

export const peersAgree: Rule = {
  code: 'peers-agree',
  summary: 'directors of one instance disagree on VRID, VIPs, version, advert_int or auth_pass',
  check: ({ inv, topology }) => peerDisagreements(inv, topology),
};
