import { ExitCode } from "../errors.js";
import { redactSecrets } from "../log/redact.js";
import { runProgram, type ProgramSpec } from "./program.js";

/**
 * The top-level entry of every bin: wires signals to an AbortSignal so a command can save its state,
 * runs the program and exits with its code. The only place that calls process.exit.
 */
export async function runMain(spec: ProgramSpec, argv: string[] = process.argv.slice(2)): Promise<never> {
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (name: NodeJS.Signals) => {
    signals += 1;
    if (signals === 1) {
      process.stderr.write(
        `\n${spec.name}: ${name} received, saving state and stopping (press Ctrl-C again to force)\n`,
      );
      controller.abort(new DOMException(`${name} received`, "AbortError"));
    } else {
      process.exit(ExitCode.INTERRUPTED);
    }
  };
  // A reader that went away (`gembatch --help | head`) is not an error worth a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    });
  }
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  let code: number;
  try {
    code = await runProgram(spec, argv, {
      cwd: process.cwd(),
      env: process.env,
      stdin: process.stdin,
      stdout: process.stdout,
      stderr: process.stderr,
      signal: controller.signal,
    });
    if (controller.signal.aborted && code === ExitCode.OK) code = ExitCode.INTERRUPTED;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${spec.name}: error: ${redactSecrets(message.split("\n")[0] ?? "")}\n`);
    if (process.env.GEMBATCH_DEBUG && error instanceof Error)
      process.stderr.write(`${redactSecrets(error.stack ?? "")}\n`);
    code = ExitCode.ITEMS_FAILED;
  }
  await new Promise<void>((resolve) => process.stdout.write("", () => resolve()));
  process.exit(code);
}

export type { LazyCommand, NativeCommandIo, ProgramSpec } from "./program.js";
