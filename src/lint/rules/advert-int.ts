import { advertIntFindings } from '../../topology/index.js';
import type { Rule } from '../rule.js';

export const advertInt: Rule = {
  code: 'advert-int',
  summary: 'advert_int not representable in the VRRP version (v2: 1–255 s; v3: 0.01–40.95 s)',
  check: ({ inv, topology }) => advertIntFindings(inv, topology),
};
