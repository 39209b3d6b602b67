import type { z } from "zod";

/** A bad emulator option, script, fault or quota spec. The message is one line naming the field. */
export class EmulatorConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EmulatorConfigError";
  }
}

function formatPath(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** Turns the first zod issue into `root.path[2].field: message`. */
function configErrorFrom(root: string, error: z.ZodError): EmulatorConfigError {
  const issue = error.issues[0];
  if (!issue) return new EmulatorConfigError(`${root}: invalid`);
  let message = issue.message.replace(/\s+/g, " ");
  if (issue.code === "unrecognized_keys") message = `unknown key ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
  return new EmulatorConfigError(`${formatPath(root, issue.path) || "options"}: ${message}`);
}

export function parseWith<S extends z.ZodType>(schema: S, root: string, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw configErrorFrom(root, result.error);
  return result.data;
}
