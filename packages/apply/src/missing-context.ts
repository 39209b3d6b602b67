/** Names an error output says it could not find, and project files a traceback passes through. */
interface MissingContext {
  modules: string[];
  names: string[];
  files: string[];
}

const PATTERNS: Array<{ kind: keyof MissingContext; regex: RegExp; format?: (m: RegExpExecArray) => string }> = [
  { kind: "modules", regex: /No module named '([\w.]+)'/g },
  { kind: "names", regex: /cannot import name '(\w+)' from '([\w.]+)'/g, format: (m) => `${m[1]} (from ${m[2]})` },
  { kind: "names", regex: /name '(\w+)' is not defined/g },
  { kind: "names", regex: /has no attribute '(\w+)'/g },
  { kind: "modules", regex: /Cannot find module '([^']+)'/g },
  { kind: "names", regex: /Cannot find name '(\w+)'/g },
  { kind: "names", regex: /Property '(\w+)' does not exist on type '([^']+)'/g, format: (m) => `${m[1]} (on ${m[2]})` },
];

/** Read what may be missing from the report's context out of the error output of the attempts. */
export function findMissingContext(
  outputs: string[],
  options: { projectRoot: string; contextFiles: string[] },
): MissingContext {
  const found: MissingContext = { modules: [], names: [], files: [] };
  const known = new Set(options.contextFiles);
  const root = options.projectRoot.endsWith("/") ? options.projectRoot : `${options.projectRoot}/`;
  for (const output of outputs) {
    for (const { kind, regex, format } of PATTERNS) {
      for (const match of output.matchAll(regex)) {
        const value = format ? format(match) : match[1]!;
        if (!found[kind].includes(value)) found[kind].push(value);
      }
    }
    for (const match of output.matchAll(/File "([^"]+)", line \d+/g)) {
      const file = match[1]!;
      const relative = file.startsWith(root) ? file.slice(root.length) : file.startsWith("/") ? null : file;
      if (relative && !relative.includes("site-packages") && !known.has(relative) && !found.files.includes(relative))
        found.files.push(relative);
    }
  }
  return found;
}
