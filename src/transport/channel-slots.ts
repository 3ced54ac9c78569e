/**
 * sshd allows MaxSessions (default 10) channels per connection; more at once fail with
 * "open failed". Each pooled connection hands out at most this many at a time.
 */
export const CHANNELS_PER_CONNECTION = 8;

export class ChannelSlots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(limit = CHANNELS_PER_CONNECTION) {
    this.free = limit;
  }

  async acquire(): Promise<() => void> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((r) => this.waiting.push(r));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    };
  }
}
