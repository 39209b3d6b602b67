import { Command, CommanderError, Option } from "commander";
import { CliError, ExitCode, type ExitCodeValue } from "../errors.js";
import type { CommandDefinition } from "./define-command.js";
import { flagName } from "./define-command.js";
import type { Io } from "./execute.js";

/** What a command written directly on commander (a long-running server) gets instead of the harness. */
export interface NativeCommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Resolves on SIGINT/SIGTERM. */
  waitForStop(): Promise<void>;
  setExitCode(code: number): void;
}

export interface LazyCommand {
  name: string;
  summary: string;
  load?(): Promise<CommandDefinition>;
  /** For commands that are not request/result shaped: configure the commander subcommand directly. */
  configure?(command: Command, io: NativeCommandIo): Promise<void>;
}

export interface ProgramSpec {
  name: string;
  version: string;
  description: string;
  examples: string[];
  commands: LazyCommand[];
}

function examplesText(examples: string[]): string {
  return examples.length === 0 ? "" : `\nExamples:\n${examples.map((e) => `  $ ${e}`).join("\n")}\n`;
}

const JSON_ARG_HELP = "the whole input as one JSON object (snake_case keys), @file.json, or - for stdin";

/** Build a commander command from a definition; the action feeds the shared executor. */
function buildCommand(
  definition: CommandDefinition,
  io: Io,
  onOutcome: (code: ExitCodeValue) => void,
  prefix = "",
): Command {
  const command = new Command(definition.name).description(definition.description ?? definition.summary);
  const positionals = definition.positionals ?? [];
  if (positionals.length === 0) command.argument("[json]", JSON_ARG_HELP);
  positionals.forEach((p, i) => {
    const label = p.variadic ? `[${p.key}...]` : `[${p.key}]`;
    command.argument(label, i === 0 ? `${p.description} (or ${JSON_ARG_HELP})` : p.description);
  });
  for (const spec of definition.options) {
    const value =
      spec.type === "boolean"
        ? ""
        : spec.type === "string[]"
          ? ` <${spec.valueName ?? "values"}...>`
          : ` <${spec.valueName ?? (spec.type === "number" ? "n" : "value")}>`;
    const flags = `${spec.short ? `${spec.short}, ` : ""}${flagName(spec)}${value}`;
    command.addOption(new Option(flags, spec.description));
    for (const alias of spec.aliases ?? [])
      command.addOption(new Option(`${flagName({ key: alias })}${value}`).hideHelp());
  }
  command.option("--json", "print exactly one JSON document on stdout");
  command.option("--config <file>", "config file (default: gembatch.config.json found upwards from the cwd)");
  command.option("-q, --quiet", "print no progress or info lines on stderr");
  command.allowExcessArguments(true);
  command.addHelpText("after", examplesText(definition.examples));
  // Shared flags such as --json must belong to the subcommand they follow, not its parent.
  if (definition.subcommands?.length) command.enablePositionalOptions();
  for (const sub of definition.subcommands ?? [])
    command.addCommand(buildCommand(sub, io, onOutcome, `${prefix}${definition.name} `));
  command.action(async (...args: unknown[]) => {
    const cmd = args[args.length - 1] as Command;
    const opts = cmd.opts();
    const flags: Record<string, unknown> = {};
    for (const spec of definition.options) {
      // The current name wins over a former one given alongside it.
      for (const name of [...(spec.aliases ?? []).map((key) => flagName({ key })), flagName(spec)]) {
        const attribute = cmd.options.find((o) => o.long === name)?.attributeName();
        if (attribute && cmd.getOptionValueSource(attribute) === "cli") flags[spec.key] = opts[attribute];
      }
    }
    // Loaded on use: validation and config pull in zod, which `--help` never needs.
    const { executeCommand } = await import("./execute.js");
    const outcome = await executeCommand(
      { ...definition, name: `${prefix}${definition.name}` },
      {
        positionals: cmd.args,
        flags,
        json: opts.json as boolean | undefined,
        quiet: opts.quiet as boolean | undefined,
        configFile: opts.config as string | undefined,
      },
      io,
    );
    onOutcome(outcome.exitCode);
  });
  return command;
}

function firstCommandToken(argv: string[]): string | undefined {
  return argv.find((token) => !token.startsWith("-"));
}

function wantsJson(argv: string[]): boolean {
  return argv.includes("--json") || argv.some((t) => t.trimStart().startsWith("{"));
}

/** Run a program of lazily loaded commands; resolves to the exit code and never calls process.exit. */
export async function runProgram(spec: ProgramSpec, argv: string[], io: Io): Promise<ExitCodeValue> {
  let exitCode: ExitCodeValue = ExitCode.OK;
  const program = new Command(spec.name)
    .description(spec.description)
    .version(spec.version, "-V, --version")
    .addHelpText("after", examplesText(spec.examples))
    .exitOverride()
    .enablePositionalOptions()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => void (s.startsWith("error:") ? undefined : io.stderr.write(s)),
    })
    .showSuggestionAfterError(true);
  const first = firstCommandToken(argv);
  // `help <command>` shows that command's full help, so it must be loaded like the command itself.
  const target = first === "help" ? argv[argv.indexOf("help") + 1] : first;
  for (const lazy of spec.commands) {
    if (lazy.name === target && lazy.configure) {
      const signal = io.signal;
      await lazy.configure(program.command(lazy.name), {
        stdout: (text) => void io.stdout.write(text),
        stderr: (text) => void io.stderr.write(text),
        waitForStop: () =>
          new Promise<void>((resolve) =>
            signal?.aborted ? resolve() : signal?.addEventListener("abort", () => resolve(), { once: true }),
          ),
        setExitCode: (code) => (exitCode = code as ExitCodeValue),
      });
    } else if (lazy.name === target && lazy.load) {
      const definition = await lazy.load();
      program.addCommand(
        buildCommand(definition, { ...io, programName: `${spec.name} ${lazy.name}` }, (code) => (exitCode = code)),
      );
    } else {
      program.command(lazy.name).description(lazy.summary);
    }
  }
  const applyOverride = (command: Command) => {
    command.exitOverride().configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: () => {} });
    command.commands.forEach(applyOverride);
  };
  program.commands.forEach(applyOverride);
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (["commander.helpDisplayed", "commander.version", "commander.help"].includes(error.code)) return ExitCode.OK;
      const message = error.message.replace(/^error:\s*/, "");
      // A mistyped command name must not reappear in the hint as if it were a command.
      const known = spec.commands.some((c) => c.name === target);
      const cliError = new CliError(
        "BAD_INPUT",
        message.replace(/\n\(Did you mean (\S+?)\?\)/, ' (did you mean "$1"?)'),
        { hint: `see ${spec.name}${known ? ` ${target}` : ""} --help` },
      );
      if (wantsJson(argv))
        io.stdout.write(`${JSON.stringify({ success: false, error: cliError.toJSON() }, null, 2)}\n`);
      io.stderr.write(`${spec.name}: error: ${cliError.message}\nhint: ${cliError.hint}\n`);
      return ExitCode.BAD_INPUT;
    }
    throw error;
  }
  return exitCode;
}
