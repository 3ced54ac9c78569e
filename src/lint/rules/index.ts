import type { Rule } from '../rule.js';
import { unknownKey } from './unknown-key.js';
import { wrongType } from './wrong-type.js';
import { missingKey } from './missing-key.js';
import { valueRange } from './value-range.js';
import { clusterDiffers } from './cluster-differs.js';
import { emptyGroup } from './empty-group.js';
import { directorCount } from './director-count.js';
import { missingRealservers } from './missing-realservers.js';
import { vridRange } from './vrid-range.js';
import { vridUnique } from './vrid-unique.js';
import { priorityRange } from './priority-range.js';
import { priorityDistinct } from './priority-distinct.js';
import { peersAgree } from './peers-agree.js';
import { authPassLength } from './auth-pass-length.js';
import { authV3 } from './auth-v3.js';
import { advertInt } from './advert-int.js';
import { nopreemptState } from './nopreempt-state.js';
import { preemptDelayNeedsPreempt } from './preempt-delay-needs-preempt.js';
import { trackWeight } from './track-weight.js';
import { unicastPeers } from './unicast-peers.js';
import { vipInSubnet } from './vip-in-subnet.js';
import { vipNotHostAddress } from './vip-not-host-address.js';
import { vipUnique } from './vip-unique.js';
import { lvsDrRealserverVip } from './lvs-dr-realserver-vip.js';
import { lbAlgo } from './lb-algo.js';
import { healthCheck } from './health-check.js';
import { persistenceAlgo } from './persistence-algo.js';
import { nginxBackupLbAlgo } from './nginx-backup-lb-algo.js';
import { modeVsProtocol } from './mode-vs-protocol.js';
import { engineAgentFeatures } from './engine-agent-features.js';
import { vipFamily } from './vip-family.js';
import { hostName } from './host-name.js';
import { vipLabel } from './vip-label.js';
import { nginxProxyLoop } from './nginx-proxy-loop.js';
import { sshProxyCommand } from './ssh-proxy-command.js';
import { nopreemptOwner } from './nopreempt-owner.js';
import { trackOwner } from './track-owner.js';
import { trackWeightZero } from './track-weight-zero.js';
import { scriptSecurityOff } from './script-security-off.js';
import { userFile } from './user-file.js';
import { syncGroupTrackingWeight } from './sync-group-tracking-weight.js';

/** Every rule, in the order findings are printed: the inventory's shape first, then the HA model. */
export const rules: readonly Rule[] = [
  unknownKey, wrongType, missingKey, valueRange, clusterDiffers,
  hostName, sshProxyCommand, emptyGroup, directorCount, missingRealservers,
  vridRange, vridUnique, priorityRange, priorityDistinct, peersAgree,
  authPassLength, authV3, advertInt, nopreemptState, preemptDelayNeedsPreempt, trackWeight, unicastPeers,
  vipInSubnet, vipNotHostAddress, vipUnique, vipFamily, vipLabel, lvsDrRealserverVip, nginxProxyLoop,
  lbAlgo, healthCheck, persistenceAlgo, nginxBackupLbAlgo, modeVsProtocol, engineAgentFeatures,
  nopreemptOwner, trackOwner, trackWeightZero, scriptSecurityOff, userFile, syncGroupTrackingWeight,
];
