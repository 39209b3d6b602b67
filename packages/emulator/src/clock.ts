/** Emulated time. Every duration the emulator deals in (quota windows, batch phases, file and
 * cache expiry, reply delays, latency faults) is read and waited on through one of these. */
export interface EmulatorClock {
  /** Emulated epoch milliseconds. */
  now(): number;
  /** Runs `fn` after `ms` emulated milliseconds. */
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** What callers may inject: at least `now()`. Timers fall back to real timers divided by the time scale. */
export type ClockInput = Pick<EmulatorClock, "now"> & Partial<EmulatorClock>;

interface ScaledClockOptions {
  /** Emulated milliseconds per real millisecond: 60 makes one emulated minute pass in one real second. */
  timeScale?: number;
  /** Emulated time at start (epoch ms, ISO string or Date); defaults to the real time. */
  startTime?: number | string | Date | undefined;
}

interface ManualClock extends EmulatorClock {
  /** Moves time forward and runs every timer that falls due, in order. */
  advance(ms: number): void;
  /** Jumps to an absolute emulated time (never backwards). */
  set(time: number | string | Date): void;
}

interface PendingTimer {
  id: number;
  due: number;
  fn: () => void;
}

function toEpoch(time: number | string | Date | undefined, fallback: number): number {
  if (time === undefined) return fallback;
  const ms = time instanceof Date ? time.getTime() : typeof time === "string" ? Date.parse(time) : time;
  if (!Number.isFinite(ms)) throw new RangeError(`startTime: not a valid time: ${String(time)}`);
  return ms;
}

export function createScaledClock(options: ScaledClockOptions = {}): EmulatorClock {
  const scale = options.timeScale ?? 1;
  if (!(scale > 0) || !Number.isFinite(scale))
    throw new RangeError(`timeScale: must be a positive number, got ${scale}`);
  const realStart = Date.now();
  const emulatedStart = toEpoch(options.startTime, realStart);
  return {
    now: () => emulatedStart + (Date.now() - realStart) * scale,
    setTimeout: (fn, ms) => setTimeout(fn, Math.max(0, ms / scale)),
    clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  };
}

/** A clock that only moves when told to: for tests that step through windows and batch phases. */
export function createManualClock(options: { startTime?: number | string | Date } = {}): ManualClock {
  let current = toEpoch(options.startTime, Date.now());
  let nextId = 1;
  let timers: PendingTimer[] = [];

  const runDue = (): void => {
    for (;;) {
      const due = timers.filter((t) => t.due <= current).sort((a, b) => a.due - b.due || a.id - b.id)[0];
      if (!due) return;
      timers = timers.filter((t) => t !== due);
      due.fn();
    }
  };

  return {
    now: () => current,
    setTimeout(fn, ms) {
      const timer = { id: nextId++, due: current + Math.max(0, ms), fn };
      timers.push(timer);
      if (ms <= 0) queueMicrotask(runDue);
      return timer.id;
    },
    clearTimeout(handle) {
      timers = timers.filter((t) => t.id !== handle);
    },
    advance(ms) {
      current += Math.max(0, ms);
      runDue();
    },
    set(time) {
      current = Math.max(current, toEpoch(time, current));
      runDue();
    },
  };
}

export function resolveClock(input: ClockInput | undefined, options: ScaledClockOptions): EmulatorClock {
  if (!input) return createScaledClock(options);
  const scale = options.timeScale ?? 1;
  const fallback = createScaledClock({ timeScale: scale });
  return {
    now: () => input.now(),
    setTimeout: (fn, ms) => (input.setTimeout ? input.setTimeout(fn, ms) : fallback.setTimeout(fn, ms)),
    clearTimeout: (handle) => (input.clearTimeout ? input.clearTimeout(handle) : fallback.clearTimeout(handle)),
  };
}

export function sleep(clock: EmulatorClock, ms: number): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => clock.setTimeout(resolve, ms));
}

/** Google's timestamp form: RFC 3339 with microseconds. */
export function toTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}
