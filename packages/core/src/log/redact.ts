/** What every scrubbed secret is replaced with. */
export const REDACTED = "[REDACTED]";

/** Shorter values are never scrubbed: they would hit ordinary words. */
const MIN_SECRET_LENGTH = 6;
/** The environment variables an API key is read from. */
export const API_KEY_ENV_NAMES = ["GEMINI_API_KEY", "GOOGLE_API_KEY"] as const;

const registered = new Set<string>();

/** Remember a secret so it is scrubbed from everything written or sent from now on. */
export function registerSecret(secret: string | undefined): void {
  const value = secret?.trim();
  if (value && value.length >= MIN_SECRET_LENGTH) registered.add(value);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}

const hex = (code: number, width: number) => code.toString(16).toUpperCase().padStart(width, "0");
const jsonEscaped = (text: string) => JSON.stringify(text).slice(1, -1);

/**
 * One character as any encoder may have left it: as is, percent-encoded (once or twice), JSON-escaped
 * (once or twice, `\/` and `\uXXXX` included), `+` for a space. Per character, so a mix (only the
 * reserved characters encoded, as encodeURIComponent does) matches too. Letters and digits are left
 * as they are by every encoder but a full percent- or `\u`-encoding, which are forms of their own.
 */
function charForms(char: string): string {
  if (/^[A-Za-z0-9]$/.test(char)) return char;
  const percent = [...Buffer.from(char, "utf8")].map((b) => hex(b, 2));
  const unicode = Array.from({ length: char.length }, (_, i) => `\\u${hex(char.charCodeAt(i), 4)}`).join("");
  const forms = new Set<string>([
    char,
    jsonEscaped(char),
    jsonEscaped(jsonEscaped(char)),
    unicode,
    jsonEscaped(unicode),
  ]);
  forms.add(percent.map((h) => `%${h}`).join("")).add(percent.map((h) => `%25${h}`).join(""));
  if (char === "/") forms.add("\\/").add("\\\\/");
  if (char === " ") forms.add("+");
  return `(?:${[...forms]
    .sort((a, b) => b.length - a.length)
    .map(escapeRegex)
    .join("|")})`;
}

/**
 * The stable middle of the base64 of `secret` at each of the three byte alignments it can have inside
 * a longer encoded text (`x-goog-api-key: KEY`, `user:KEY`, a whole request dump): the characters that
 * depend on the secret's bytes alone. Standard and URL-safe alphabets.
 */
export function base64Fragments(secret: string): string[] {
  const bytes = Buffer.from(secret, "utf8");
  const fragments = new Set<string>();
  for (let k = 0; k < 3; k++) {
    const encoded = Buffer.concat([Buffer.alloc(k), bytes]).toString("base64");
    const pure = encoded.slice(Math.ceil((8 * k) / 6), Math.floor((8 * (k + bytes.length)) / 6));
    fragments.add(pure).add(pure.replace(/\+/g, "-").replace(/\//g, "_"));
  }
  return [...fragments];
}

/** Every form of one secret: per-character encodings, full percent and `\u` encodings, base64. */
function secretPatterns(secret: string): string[] {
  const percentAll = [...Buffer.from(secret, "utf8")].map((b) => `%${hex(b, 2)}`).join("");
  const unicodeAll = Array.from({ length: secret.length }, (_, i) => `\\u${hex(secret.charCodeAt(i), 4)}`).join("");
  return [
    [...secret].map(charForms).join(""),
    ...[percentAll, unicodeAll, ...base64Fragments(secret)].map(escapeRegex),
  ];
}

/** Keys we know nothing about: Google's key shape, `key=` query parameters, `api_key: …`-style pairs. */
const SHAPES = [
  String.raw`AIza[0-9A-Z_\-]{35}`,
  // A key-like value only, so code such as `?key=${apiKey}` or `?key=" + k` is left alone.
  String.raw`((?:[?&]|%3F|%26)key(?:=|%3D))[A-Z0-9_\-.~%]{6,}`,
  // The value must look like a key (16+ characters with a digit, not a call or a member access), so
  // `api_key = os.environ[...]` or `apiKey: loadKey()` in a source file sent to the model survives.
  // (The optional `x-goog-` is redundant for matching, but without it V8's scan of 20 MB is ~3x slower.)
  String.raw`((?:x-goog-)?api[_-]?key["']?[ \t]*[:=][ \t]*["']?)(?=[A-Z0-9_\-~+/=]*[0-9])[A-Z0-9_\-~+/=]{16,}(?![A-Z0-9_\-~+/=.(\[])`,
];

const compiled = new Map<string, RegExp>();
const MAX_COMPILED = 16;

function combinedRegex(secrets: string[]): RegExp {
  const id = secrets.join("\u0000");
  let regex = compiled.get(id);
  if (!regex) {
    const forms = secrets.flatMap(secretPatterns).sort((a, b) => b.length - a.length);
    // Case-insensitive: hex digits come in either case, and one `i` flag keeps V8's fast scan where
    // `[Aa]`-style classes made it several times slower on large texts. A false hit would still need a
    // whole key's worth of characters to line up.
    regex = new RegExp([...forms, ...SHAPES].join("|"), "gi");
    if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value as string);
    compiled.set(id, regex);
  }
  return regex;
}

/** The secrets to scrub right now: every registered one and the API keys in the environment. */
function knownSecrets(env: NodeJS.ProcessEnv = process.env): string[] {
  const secrets = new Set(registered);
  for (const name of API_KEY_ENV_NAMES) {
    const value = env[name]?.trim();
    if (value && value.length >= MIN_SECRET_LENGTH) secrets.add(value);
  }
  return [...secrets].sort();
}

/**
 * Replace API keys wherever they appear, in whatever encoding: registered values and the env keys
 * (as is, percent-encoded, JSON-escaped, base64), Google key shapes, `key=` parameters and
 * `api_key: …` pairs. One cached regex per set of secrets, one pass over the text.
 */
export function redactSecrets(text: string, env: NodeJS.ProcessEnv = process.env): string {
  const regex = combinedRegex(knownSecrets(env));
  return text.replace(
    regex,
    (_match, queryPrefix: string | undefined, namePrefix: string | undefined) =>
      `${queryPrefix ?? namePrefix ?? ""}${REDACTED}`,
  );
}

/**
 * Scrub every string inside a JSON-like value (a request on its way to the API): plain objects and
 * arrays are copied, anything else (an AbortSignal, a Buffer) is passed through untouched.
 */
export function redactDeep<T>(value: T, env: NodeJS.ProcessEnv = process.env): T {
  if (typeof value === "string") return redactSecrets(value, env) as T;
  if (Array.isArray(value)) return (value as unknown[]).map((item) => redactDeep(item, env)) as T;
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, env)])) as T;
  }
  return value;
}
