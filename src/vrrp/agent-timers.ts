/**
 * Every instance's protocol timers on one Node timer. At 0.1 s adverts an idle agent's CPU is
 * mostly wake-ups (≈ 100 µs each on a busy 2-core host, whatever the JS does), so the wheel wakes
 * once for all the deadlines that are due together: two instances that became master in the same
 * step send their adverts in one wake-up, and the backup across the wire reads both in one too.
 *
 * A slot may run `earlyMs()` before its deadline. Node rounds delays to whole ms on a loop clock
 * cached per tick, so any Node timer can fire up to ~1 ms early; a take-over timer (masterDown,
 * preemptDelay) never runs early: the wheel waits out the rest. An advert may go up to half its
 * interval early (agent-instance.ts): so a second instance's advert rides the first one's
 * wake-up whatever their phases (instances become master at different times). It re-arms from its
 * own deadline, so only the interval it first rides is shorter and every later one on the wire is
 * exact; no receiver times arrivals closer than Master_Down_Interval (three intervals).
 */

export interface TimerSlot {
  /** Run at `deadline` (ms on the wheel's clock), replacing what was armed. */
  arm(deadline: number): void;
  cancel(): void;
  readonly armed: boolean;
}

interface Slot extends TimerSlot {
  deadline: number;
  readonly earlyMs: () => number;
  readonly run: (deadline: number) => void;
}

export class TimerWheel {
  private readonly armedSlots = new Set<Slot>();
  private timer?: NodeJS.Timeout;
  /** The deadline the Node timer was set for (Infinity: none). */
  private timerFor = Infinity;
  private firing = false;
  /** Slots run in this wake-up (kept: no Set built per wake-up). */
  private readonly ran = new Set<Slot>();

  constructor(private readonly now: () => number) {}

  /** A timer of its own that shares the wheel's wake-ups; `run` gets the deadline it was armed for. */
  slot(earlyMs: () => number, run: (deadline: number) => void): TimerSlot {
    const wheel = this;
    const s: Slot = {
      deadline: NaN,
      earlyMs,
      run,
      get armed() {
        return wheel.armedSlots.has(s);
      },
      arm(deadline) {
        s.deadline = deadline;
        wheel.armedSlots.add(s);
        wheel.schedule();
      },
      cancel() {
        if (wheel.armedSlots.delete(s)) wheel.schedule();
      },
    };
    return s;
  }

  /** Node's timer for the earliest deadline; left alone when it is already set for it. */
  private schedule(): void {
    if (this.firing) return;
    let earliest = Infinity;
    for (const s of this.armedSlots) if (s.deadline < earliest) earliest = s.deadline;
    if (earliest === this.timerFor) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerFor = earliest;
    if (earliest === Infinity) return;
    // Whole ms up: a fractional delay rounds down and fires early, costing a second wake-up.
    this.timer = setTimeout(this.fire, Math.max(0, Math.ceil(earliest - this.now())));
  }

  /**
   * A wake-up for another reason (a packet came): run what is due now, so a slot with room to run
   * early (the interface poll) rides it instead of waking the process on its own.
   */
  poke(): void {
    if (this.firing) return;
    const t = this.now();
    for (const s of this.armedSlots) {
      if (s.deadline - t <= s.earlyMs()) {
        this.runDue();
        return;
      }
    }
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    this.timerFor = Infinity;
    this.runDue();
  };

  private runDue(): void {
    this.firing = true;
    try {
      // Due now, earliest first; a run may cancel or re-arm a later one, so each is checked again.
      // A slot runs once per wake-up: one re-armed as already due waits for the next.
      const ran = this.ran;
      ran.clear();
      for (;;) {
        const t = this.now();
        let next: Slot | undefined;
        for (const s of this.armedSlots) if (!ran.has(s) && s.deadline - t <= s.earlyMs() && (!next || s.deadline < next.deadline)) next = s;
        if (!next) break;
        this.armedSlots.delete(next);
        ran.add(next);
        next.run(next.deadline);
      }
    } finally {
      this.ran.clear();
      this.firing = false;
      this.schedule();
    }
  }

  /** Nothing armed any more (shutdown). */
  clear(): void {
    this.armedSlots.clear();
    this.schedule();
  }
}
