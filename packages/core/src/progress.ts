export interface Progress {
  tick(amount?: number, payload?: Record<string, string | number>): void;
  update(value: number, payload?: Record<string, string | number>): void;
  stop(): void;
}

const noop: Progress = { tick: () => {}, update: () => {}, stop: () => {} };

/** `bar` on an interactive terminal; `lines` elsewhere (CI logs, agents reading stderr); `off` with --quiet. */
export type ProgressMode = "bar" | "lines" | "off";

export function progressMode(ctx: { interactive: boolean; quiet: boolean }): ProgressMode {
  if (ctx.quiet) return "off";
  return ctx.interactive ? "bar" : "lines";
}

/** One plain line each time the count moves, for logs that cannot redraw a bar. */
function lineProgress(
  label: string,
  total: number,
  stream: NodeJS.WritableStream,
  format: string | undefined,
): Progress {
  let value = 0;
  const payload: Record<string, string | number> = {};
  const write = () => {
    const extra = format ? ` | ${format.replace(/\{(\w+)\}/g, (_, key: string) => String(payload[key] ?? ""))}` : "";
    stream.write(`${label}: ${value}/${total} done${extra}\n`);
  };
  const set = (next: number, more?: Record<string, string | number>) => {
    Object.assign(payload, more);
    if (next === value) return;
    value = next;
    write();
  };
  return {
    tick: (amount = 1, more) => set(value + amount, more),
    update: (next, more) => set(next, more),
    stop: () => {},
  };
}

/** One step of long work, for a listener other than the terminal (an MCP client's progress notifications). */
export interface ProgressUpdate {
  progress: number;
  total: number;
  message: string;
}

export type ProgressListener = (update: ProgressUpdate) => void;

function describe(label: string, value: number, total: number, payload: Record<string, string | number>): string {
  const extra = Object.entries(payload)
    .map(([key, v]) => `${key} ${v}`)
    .join(", ");
  return `${label} ${value}/${total}${extra ? ` (${extra})` : ""}`;
}

/** Reports every step to `listener`, and on to `inner` (the terminal bar, or nothing). */
function withListener(inner: Progress, label: string, total: number, listener: ProgressListener): Progress {
  let value = 0;
  let payload: Record<string, string | number> = {};
  const report = () => listener({ progress: value, total, message: describe(label, value, total, payload) });
  return {
    tick(amount = 1, extra) {
      value += amount;
      payload = { ...payload, ...extra };
      inner.tick(amount, extra);
      report();
    },
    update(next, extra) {
      value = next;
      payload = { ...payload, ...extra };
      inner.update(next, extra);
      report();
    },
    stop: () => inner.stop(),
  };
}

/**
 * A progress bar on stderr, drawn only on an interactive terminal (never in CI or when piped), so
 * stdout stays clean for results. cli-progress is loaded only when a bar is actually drawn.
 */
export async function createProgress(options: {
  /** Shorthand for mode `bar` (true) or `off` (false). */
  enabled?: boolean;
  mode?: ProgressMode;
  total: number;
  label: string;
  stream?: NodeJS.WritableStream;
  /** Extra fields shown after the counts, e.g. "{cost}". */
  format?: string;
  /** Also told every step, whether or not a bar is drawn. */
  listener?: ProgressListener | undefined;
}): Promise<Progress> {
  if (options.total <= 0) return noop;
  if (options.listener)
    return withListener(
      await createProgress({ ...options, listener: undefined }),
      options.label,
      options.total,
      options.listener,
    );
  const mode = options.mode ?? (options.enabled ? "bar" : "off");
  if (mode === "off") return noop;
  if (mode === "lines")
    return lineProgress(options.label, options.total, options.stream ?? process.stderr, options.format);
  const { SingleBar, Presets } = await import("cli-progress");
  const bar = new SingleBar(
    {
      stream: options.stream ?? process.stderr,
      format: `${options.label} [{bar}] {value}/{total} {percentage}% | eta {eta_formatted}${options.format ? ` | ${options.format}` : ""}`,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 20,
    },
    Presets.shades_classic,
  );
  bar.start(options.total, 0);
  return {
    tick: (amount = 1, payload) => bar.increment(amount, payload),
    update: (value, payload) => bar.update(value, payload),
    stop: () => bar.stop(),
  };
}
