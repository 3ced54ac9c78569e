import type { Command } from 'commander';

/** `hafleet drill`: not registered yet (its issue is in progress). */
export function register(_program: Command): void {}
