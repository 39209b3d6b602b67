/**
 * How a verify command gets the file's path. The path never becomes shell text: a command that needs no
 * shell runs as an argv with the path as one argument; a command that needs the shell gets
 * `{file}` replaced by a reference to the environment variable GEMBATCH_FILE, written for the quoting
 * context the placeholder sits in, so no quoting of the user's (none, '…', "…", $(…)) can turn the
 * path's characters into shell syntax.
 */
const FILE_PLACEHOLDER = "{file}";
const FILE_ENV = "GEMBATCH_FILE";

interface PreparedCommand {
  /** The program (or the whole command line for the shell). */
  file: string;
  args: string[];
  shell: boolean;
  /** Environment the command runs with: GEMBATCH_FILE is always the path. */
  env: Record<string, string>;
  /** The command as it runs, for logs and results, with the path shown quoted in its place. */
  display: string;
}

/** POSIX single quotes: nothing inside is special except the quote itself. For display only. */
export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A path that starts with `-` would be read as an option. */
function safePathArgument(file: string): string {
  return file.startsWith("-") ? `./${file}` : file;
}

type Context = "plain" | "single" | "double";

const PLAIN_SPECIAL = /[|&;<>()$`\\*?[\]#~!{}\n]/;
const ENV_ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/**
 * Split a command into argv words the way sh would, or return null when it holds anything beyond
 * words and quotes (then it must run through the shell). The placeholder is kept as text.
 */
function splitWords(command: string): string[] | null {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let context: Context = "plain";
  for (let i = 0; i < command.length; i++) {
    if (context === "plain" && command.startsWith(FILE_PLACEHOLDER, i)) {
      word += FILE_PLACEHOLDER;
      inWord = true;
      i += FILE_PLACEHOLDER.length - 1;
      continue;
    }
    const char = command[i]!;
    if (context === "single") {
      if (char === "'") context = "plain";
      else word += char;
    } else if (context === "double") {
      if (char === '"') context = "plain";
      else if (char === "$" || char === "`" || char === "\\") return null;
      else word += char;
    } else if (char === "'" || char === '"') {
      context = char === "'" ? "single" : "double";
      inWord = true;
    } else if (char === " " || char === "\t") {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else if (PLAIN_SPECIAL.test(char)) {
      return null;
    } else {
      word += char;
      inWord = true;
    }
  }
  if (context !== "plain") return null;
  if (inWord) words.push(word);
  return words;
}

/** The text that stands for the path in each quoting context; none of it contains the path itself. */
const REFERENCE: Record<Context, string> = {
  plain: `"\${${FILE_ENV}}"`,
  double: `\${${FILE_ENV}}`,
  single: `'"\${${FILE_ENV}}"'`,
};

/**
 * Replace each placeholder by a reference to GEMBATCH_FILE fit for where it stands. The scan follows sh
 * quoting: single and double quotes, backslash escapes, and `$(…)` / backticks, which open a fresh
 * unquoted context even inside double quotes.
 */
export function substituteForShell(command: string): string {
  const stack: Array<{ context: Context; closer: string | null }> = [{ context: "plain", closer: null }];
  let out = "";
  for (let i = 0; i < command.length; i++) {
    const top = stack[stack.length - 1]!;
    if (command.startsWith(FILE_PLACEHOLDER, i)) {
      out += REFERENCE[top.context];
      i += FILE_PLACEHOLDER.length - 1;
      continue;
    }
    const char = command[i]!;
    out += char;
    if (top.context === "single") {
      if (char === "'") stack.pop();
      continue;
    }
    if (char === "\\" && i + 1 < command.length) {
      out += command[++i];
      continue;
    }
    if (top.context === "double" && char === '"') {
      stack.pop();
    } else if (char === "$" && command[i + 1] === "(") {
      out += "(";
      i += 1;
      stack.push({ context: "plain", closer: ")" });
    } else if (char === "`") {
      if (top.closer === "`") stack.pop();
      else stack.push({ context: "plain", closer: "`" });
    } else if (top.context === "plain" && (char === "'" || char === '"')) {
      stack.push({ context: char === "'" ? "single" : "double", closer: char });
    } else if (top.context === "plain" && char === ")" && top.closer === ")") {
      stack.pop();
    }
  }
  return out;
}

/**
 * Turn a verify command into what execa runs. A command of plain words (quotes allowed) runs without
 * a shell, `{file}` filled into its word; anything else runs through `sh -c` with `{file}` read from
 * GEMBATCH_FILE. Either way the path also sits in GEMBATCH_FILE for the command's own use.
 */
export function prepareCommand(command: string, file: string): PreparedCommand {
  const target = safePathArgument(file);
  const env = { [FILE_ENV]: target };
  const display = command.split(FILE_PLACEHOLDER).join(shellQuote(target));
  const words = splitWords(command.trim());
  if (words && words.length > 0 && !ENV_ASSIGNMENT.test(words[0]!)) {
    const argv = words.map((word) => word.split(FILE_PLACEHOLDER).join(target));
    return { file: argv[0]!, args: argv.slice(1), shell: false, env, display };
  }
  return { file: substituteForShell(command), args: [], shell: true, env, display };
}
