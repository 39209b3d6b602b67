export interface Progress {
  tick(amount?: number, payload?: Record<string, string | number>): void;
  update(value: number, payload?: Record<string, string | number>): void;
  stop(): void;
}

const noop: Progress = { tick: () => {}, update: () => {}, stop: () => {} };

/**
 * A progress bar on stderr, drawn only on an interactive terminal (never in CI or when piped), so
 * stdout stays clean for results. cli-progress is loaded only when a bar is actually drawn.
 */
export async function createProgress(options: {
  enabled: boolean;
  total: number;
  label: string;
  stream?: NodeJS.WritableStream;
  /** Extra fields shown after the counts, e.g. "{cost}". */
  format?: string;
}): Promise<Progress> {
  if (!options.enabled || options.total <= 0) return noop;
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
