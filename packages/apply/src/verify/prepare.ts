/** Characters that only a shell understands; a command holding one runs through `sh -c`. */
const SHELL_SYNTAX = /[|&;<>()$`\\"'*?[\]#~!{}\n]/;
const ENV_ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
export const FILE_PLACEHOLDER = "{file}";

export interface PreparedCommand {
  /** The program (or the whole command line for the shell). */
  file: string;
  args: string[];
  shell: boolean;
  /** The command as it runs, for logs and results. */
  display: string;
}

/** POSIX single quotes: nothing inside is special except the quote itself. */
export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A path that starts with `-` would be read as an option. */
function safePathArgument(file: string): string {
  return file.startsWith("-") ? `./${file}` : file;
}

/**
 * Turn a verify command into what execa runs. A plain `prog arg {file}` runs without a shell, the path
 * one argument whatever it holds; a command that needs the shell (pipes, quotes, `&&`, variables,
 * globs, `VAR=x cmd`) runs through `sh -c` with the path single-quoted.
 */
export function prepareCommand(command: string, file: string): PreparedCommand {
  const target = safePathArgument(file);
  const tokens = command.trim().split(/\s+/);
  const needsShell = SHELL_SYNTAX.test(command.split(FILE_PLACEHOLDER).join("")) || ENV_ASSIGNMENT.test(tokens[0] ?? "");
  if (needsShell) {
    const line = command.split(FILE_PLACEHOLDER).join(shellQuote(target));
    return { file: line, args: [], shell: true, display: line };
  }
  const argv = tokens.map((token) => token.split(FILE_PLACEHOLDER).join(target));
  return { file: argv[0]!, args: argv.slice(1), shell: false, display: argv.map(shellQuote).join(" ") };
}

export function usesFile(command: string): boolean {
  return command.includes(FILE_PLACEHOLDER);
}
