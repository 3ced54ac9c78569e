import type { VrrpInstance } from '../topology/types.js';
import { bidValue, RELEASE_VALUE, type MovePlan, type MoveWrite } from './types.js';

/**
 * The move values that make `target` the holder of `inst` and keep it there, from the base
 * priorities and the values the files hold now (pure).
 *
 * Why not only lower the holder: a backup with preempt ignores adverts of lower priority
 * (keepalived vrrp.c, "received lower priority advert - discarding") and takes over only when
 * its Master_Down timer runs out, 3 × advert_int + Skew_Time later. A master that goes to FAULT
 * sends priority 0 (RFC 5798 §6.4.3): the backups wait Skew_Time only, and the one with the
 * highest priority wins, so every other director that would outbid the target is lowered first.
 * Afterwards the old holder stays below the target when preempt would take the VIP back;
 * nopreempt keeps the new holder where it is by itself, so every value can go back to 0 there.
 */
export function planMove(inst: VrrpInstance, holder: string, target: string, current: ReadonlyMap<string, number>): MovePlan {
  const base = new Map(inst.members.map((m) => [m.host, m.priority]));
  const tp = base.get(target)!;
  const now = (h: string) => current.get(h) ?? 0;
  // Strictly below the target, never below 1 (a priority keepalived accepts); 0 when already below.
  const below = (h: string) => (base.get(h)! >= tp ? Math.max(1, tp - 1) - base.get(h)! : 0);
  // During the election the target bids BID_PRIORITY: Skew_Time is (256 − priority)/256 × advert_int,
  // so it takes over ~100 ms after the holder's priority 0 instead of ~600 ms at priority 100 — the
  // window in which nobody holds the VIP — and not before the holder has deleted it (types.ts).
  const prepare: MoveWrite[] = [{ host: target, instance: inst.name, value: bidValue(tp) }];
  for (const m of inst.members) {
    if (m.host === target || m.host === holder) continue;
    prepare.push({ host: m.host, instance: inst.name, value: inst.preempt ? below(m.host) : Math.min(0, below(m.host)) });
  }
  const settleValue = inst.preempt ? below(holder) : 0;
  const after: Record<string, number> = {};
  for (const m of inst.members) {
    const v = m.host === holder ? settleValue : inst.preempt && m.host !== target ? (prepare.find((w) => w.host === m.host)?.value ?? 0) : 0;
    after[m.host] = m.priority + v;
  }
  return {
    instance: inst.name, holder, target,
    prepare: prepare.filter((w) => w.value !== now(w.host)),
    release: { host: holder, instance: inst.name, value: RELEASE_VALUE },
    // nopreempt: the others' lowering was for the election only; the holder keeps the VIP anyway.
    // The target's bid goes back to its own priority; the holder is already below it.
    settle: [{ host: holder, instance: inst.name, value: settleValue }, { host: target, instance: inst.name, value: 0 }, ...(inst.preempt ? [] : prepare.filter((w) => w.value !== 0 && w.host !== target).map((w) => ({ ...w, value: 0 })))],
    undo: inst.members.map((m) => ({ host: m.host, instance: inst.name, value: now(m.host) })),
    after,
  };
}

/** Who holds `inst` when nothing is in FAULT: the highest effective priority (ties: the higher address). */
export function expectedHolder(inst: VrrpInstance, values: ReadonlyMap<string, number>): string {
  const eff = (h: string, p: number) => Math.min(254, Math.max(1, p + (values.get(h) ?? 0)));
  return [...inst.members].sort((a, b) => eff(b.host, b.priority) - eff(a.host, a.priority) || b.address.localeCompare(a.address, 'en', { numeric: true }))[0]!.host;
}
