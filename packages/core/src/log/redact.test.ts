import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { GoogleGenAI } from "@google/genai";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createManualClock } from "../clock.js";
import { CliError, toCliError } from "../errors.js";
import { createGeminiClient } from "../gemini/client.js";
import { generateContent } from "../gemini/generate.js";
import { appendLedger } from "../ledger/ledger.js";
import { classifyError } from "../retry/classify.js";
import { appendTextFile, writeFileAtomically, writeFileAtomicallySync } from "../state/atomic-write.js";
import { tempDir } from "@gembatch/test-utils";
import { base64Fragments, REDACTED, redactDeep, redactSecrets, registerSecret } from "./redact.js";

/** A key with characters every encoder treats differently: `/`, `+`, `=`, `&`, `"`, `\`, a space. */
const KEY = 'Zq9-env/key+with=odd&chars"and\\slash 42';
const ENV = { GEMINI_API_KEY: KEY };

/** Every encoding the key may reach a file or a prompt in. */
function encodings(key: string): Record<string, string> {
  const bytes = [...Buffer.from(key, "utf8")];
  const escapeAll = [...key].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("");
  return {
    raw: key,
    encodeURIComponent: encodeURIComponent(key),
    "percent, lower-case hex": encodeURIComponent(key).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    "percent, twice": encodeURIComponent(encodeURIComponent(key)),
    "form-encoded": new URLSearchParams({ k: key }).toString().slice(2),
    "every byte percent-encoded": bytes.map((b) => `%${b.toString(16).padStart(2, "0")}`).join(""),
    "JSON string": JSON.stringify(key).slice(1, -1),
    "JSON string in a JSON string": JSON.stringify(JSON.stringify(key)).slice(1, -1),
    "JSON with escaped slashes": JSON.stringify(key).slice(1, -1).replace(/\//g, "\\/"),
    "every char \\u-escaped": escapeAll,
    "every char \\u-escaped, upper-case": escapeAll.replace(
      /u([0-9a-f]{4})/g,
      (_m, h: string) => `u${h.toUpperCase()}`,
    ),
    base64: Buffer.from(key).toString("base64"),
    base64url: Buffer.from(key).toString("base64url"),
    "base64 of x-goog-api-key: KEY": Buffer.from(`x-goog-api-key: ${key}`).toString("base64"),
    "base64 of user:KEY": Buffer.from(`user:${key}`).toString("base64"),
    "base64 of ?key=KEY": Buffer.from(`?key=${key}`).toString("base64url"),
  };
}

describe("redactSecrets: every source", () => {
  it("scrubs GEMINI_API_KEY and GOOGLE_API_KEY from the environment, trimmed", () => {
    const env = { GEMINI_API_KEY: " gemini-env-key-0001\n", GOOGLE_API_KEY: "google-env-key-0002" };
    const out = redactSecrets("a gemini-env-key-0001 b google-env-key-0002 c", env);
    expect(out).toBe(`a ${REDACTED} b ${REDACTED} c`);
  });

  it("reads process.env at call time by default", () => {
    const before = process.env.GOOGLE_API_KEY;
    process.env.GOOGLE_API_KEY = "process-env-key-0003";
    try {
      expect(redactSecrets("x process-env-key-0003 y")).toBe(`x ${REDACTED} y`);
    } finally {
      if (before === undefined) delete process.env.GOOGLE_API_KEY;
      else process.env.GOOGLE_API_KEY = before;
    }
  });

  it("scrubs a registered secret, and the key the client factory is given whatever its source", async () => {
    registerSecret("registered-secret-0004");
    expect(redactSecrets("[registered-secret-0004]", {})).toBe(`[${REDACTED}]`);
    await createGeminiClient({ apiKey: "factory-key-from-a-flag-0005", baseUrl: "http://127.0.0.1:9" });
    expect(redactSecrets("factory-key-from-a-flag-0005", {})).toBe(REDACTED);
  });

  it("scrubs keys it was never told about: Google's key shape, key= parameters, api_key pairs", () => {
    const google = `AIza${"Sy0_-x".repeat(5)}abcde`;
    expect(redactSecrets(`header ${google} end`, {})).toBe(`header ${REDACTED} end`);
    expect(redactSecrets("GET /v1beta/models?key=unknownkey123&alt=sse", {})).toBe(
      `GET /v1beta/models?key=${REDACTED}&alt=sse`,
    );
    expect(redactSecrets("url=https%3A%2F%2Fh%2Fm%3Fkey%3Dunknownkey123", {})).toBe(
      `url=https%3A%2F%2Fh%2Fm%3Fkey%3D${REDACTED}`,
    );
    expect(redactSecrets('{"api_key": "sk1234567890abcdefXYZ"}', {})).toBe(`{"api_key": "${REDACTED}"}`);
    expect(redactSecrets("x-goog-api-key: tok_0123456789abcdefgh", {})).toBe(`x-goog-api-key: ${REDACTED}`);
  });

  it("ignores values too short to be a key", () => {
    expect(redactSecrets("a k b", { GEMINI_API_KEY: "k" })).toBe("a k b");
    registerSecret("abc");
    expect(redactSecrets("abc", {})).toBe("abc");
  });
});

describe("redactSecrets: every encoding", () => {
  for (const [name, form] of Object.entries(encodings(KEY))) {
    it(`scrubs the key ${name}`, () => {
      const out = redactSecrets(`before ${form} after`, ENV);
      expect(out).toContain(REDACTED);
      for (const leaked of [...Object.values(encodings(KEY)), ...base64Fragments(KEY)])
        expect(out).not.toContain(leaked);
      expect(out).not.toContain("slash 42");
    });
  }

  it("scrubs the base64 of the key at each of the three byte alignments", () => {
    const fragments = base64Fragments(KEY);
    for (const prefix of ["", "a", "ab", "abc"]) {
      const encoded = Buffer.from(`${prefix}${KEY}tail`).toString("base64");
      expect(fragments.some((f) => encoded.includes(f))).toBe(true);
      expect(redactSecrets(encoded, ENV)).toContain(REDACTED);
    }
  });

  it("keeps JSON valid when it scrubs inside a JSON document", () => {
    const doc = JSON.stringify({ error: { message: `bad key ${KEY}`, nested: JSON.stringify({ key: KEY }) } });
    const parsed = JSON.parse(redactSecrets(doc, ENV)) as { error: { message: string; nested: string } };
    expect(parsed.error.message).toBe(`bad key ${REDACTED}`);
    expect(JSON.parse(parsed.error.nested)).toEqual({ key: REDACTED });
  });
});

describe("redactSecrets: what it leaves alone", () => {
  it("leaves source code that names keys but holds none", () => {
    const code = [
      'api_key = os.environ["GEMINI_API_KEY"]',
      "apiKey: loadKeyFromVault(),",
      "const API_KEY = process.env.GEMINI_API_KEY_PRODUCTION1;",
      'url = BASE + "?key=" + api_key',
      "fetch(`${base}?key=${apiKey}`)",
      'f"{base}?key={api_key}"',
      '{"key": "req-1", "monkey": "banana"}',
      "key = derive_key_material(salt, rounds=100000)",
    ].join("\n");
    expect(redactSecrets(code, ENV)).toBe(code);
  });

  it("is idempotent", () => {
    const text = `a ${KEY} b ${encodeURIComponent(KEY)} c ?key=abcdef123456`;
    const once = redactSecrets(text, ENV);
    expect(redactSecrets(once, ENV)).toBe(once);
  });
});

describe("redactDeep", () => {
  it("scrubs every string in a request and leaves other objects and the input alone", () => {
    const signal = new AbortController().signal;
    const request = {
      model: "m",
      contents: [{ role: "user", parts: [{ text: `fix ${KEY}` }] }],
      config: { systemInstruction: KEY, abortSignal: signal, maxOutputTokens: 5 },
    };
    const out = redactDeep(request, ENV);
    expect(out.contents[0]!.parts[0]!.text).toBe(`fix ${REDACTED}`);
    expect(out.config.systemInstruction).toBe(REDACTED);
    expect(out.config.abortSignal).toBe(signal);
    expect(out.config.maxOutputTokens).toBe(5);
    expect(request.contents[0]!.parts[0]!.text).toBe(`fix ${KEY}`);
  });
});

describe("scrubbed where messages and files are made", () => {
  const echoed = `API key not valid: ${KEY} (${encodeURIComponent(KEY)})`;
  beforeEach(() => void vi.stubEnv("GEMINI_API_KEY", KEY));
  afterEach(() => void vi.unstubAllEnvs());

  it("CliError and toCliError scrub message, hint and details", () => {
    const error = new CliError("API_ERROR", echoed, { hint: `check ${KEY}`, details: { body: echoed } });
    expect(JSON.stringify(error.toJSON())).not.toContain("slash 42");
    expect(toCliError(new Error(echoed)).message).not.toContain("slash 42");
  });

  it("the retry classifier scrubs the message of an ApiError body", () => {
    const apiError = Object.assign(
      new Error(JSON.stringify({ error: { code: 503, message: echoed, status: "UNAVAILABLE" } })),
      { name: "ApiError", status: 503 },
    );
    const classified = classifyError(apiError);
    expect(classified.kind).toBe("server");
    expect(classified.message).toContain(REDACTED);
    expect(classified.message).not.toContain("slash 42");
  });

  it("writeFileAtomically (and its sync twin) and appendTextFile scrub text; bytes are written exactly", async () => {
    const dir = tempDir();
    await writeFileAtomically(path.join(dir, "a.txt"), echoed);
    writeFileAtomicallySync(path.join(dir, "s.txt"), echoed);
    writeFileAtomicallySync(path.join(dir, "s.bin"), Buffer.from(KEY));
    writeFileSync(path.join(dir, "b.txt"), "start\n");
    await appendTextFile(path.join(dir, "b.txt"), echoed);
    await writeFileAtomically(path.join(dir, "c.bin"), Buffer.from(KEY));
    appendLedger(path.join(dir, "ledger.jsonl"), {
      time: "t",
      command: echoed,
      model: "m",
      prompt_tokens: 0,
      cached_tokens: 0,
      output_tokens: 0,
      thinking_tokens: 0,
      total_tokens: 0,
      cost: null,
    });
    for (const name of ["a.txt", "s.txt", "b.txt", "ledger.jsonl"])
      expect(readFileSync(path.join(dir, name), "utf8")).not.toContain("slash 42");
    expect(readFileSync(path.join(dir, "c.bin"), "utf8")).toBe(KEY);
    expect(readFileSync(path.join(dir, "s.bin"), "utf8")).toBe(KEY);
    expect(readdirSync(dir).sort()).toEqual(["a.txt", "b.txt", "c.bin", "ledger.jsonl", "s.bin", "s.txt"]);
  });

  it("generateContent sends a scrubbed prompt", async () => {
    let sent: unknown;
    const client = {
      models: {
        generateContent: (request: unknown) => {
          sent = request;
          return Promise.resolve({
            candidates: [{ content: { parts: [{ text: "ok" }] }, finishReason: "STOP" }],
            usageMetadata: {},
          });
        },
      },
    } as unknown as GoogleGenAI;
    await generateContent(
      { client, clock: createManualClock() },
      { model: "m", contents: [{ role: "user", parts: [{ text: echoed }] }], config: { systemInstruction: KEY } },
      { estimatedTokens: 1, context: "x" },
    );
    expect(JSON.stringify(sent)).toContain(REDACTED);
    expect(JSON.stringify(sent)).not.toContain("slash 42");
  });
});
