const registered = new Set<string>();

/** Remember a secret so it is scrubbed from every log line, result and error. */
export function registerSecret(secret: string | undefined): void {
  if (secret && secret.length >= 6) registered.add(secret);
}

const GOOGLE_KEY = /AIza[0-9A-Za-z_-]{35}/g;
const NAMED_KEY = /((?:x-goog-api-key|api[_-]?key)["']?\s*[:=]\s*["']?)([^"'\s&,}]{6,})/gi;
const QUERY_KEY = /([?&]key=)([^&\s"']+)/g;

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Replace API keys wherever they appear: registered values, env keys, Google key shapes, key=… pairs. */
export function redactSecrets(text: string, env: NodeJS.ProcessEnv = process.env): string {
  let out = text;
  const secrets = new Set(registered);
  for (const name of ["GEMINI_API_KEY", "GOOGLE_API_KEY"]) {
    const value = env[name];
    if (value && value.length >= 6) secrets.add(value);
  }
  for (const secret of secrets) out = out.replace(new RegExp(escape(secret), "g"), "[REDACTED]");
  out = out.replace(GOOGLE_KEY, "[REDACTED]");
  out = out.replace(QUERY_KEY, "$1[REDACTED]");
  return out.replace(NAMED_KEY, (_m, prefix: string) => `${prefix}[REDACTED]`);
}
