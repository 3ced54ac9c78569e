import { clusterDifferences } from '../../topology/index.js';
import type { Rule } from '../rule.js';

export const clusterDiffers: Rule = {
  code: 'cluster-differs',
  summary: 'a cluster defined differently for different hosts',
  check: ({ inv, topology }) => clusterDifferences(inv, topology),
};
