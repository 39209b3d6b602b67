import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Emulator } from "@gembatch/emulator";
import { describe, expect, it } from "vitest";
import { answer, answerRetry, exampleProject, goodFix, MODEL, read, replyWith, write } from "./helpers/example.js";
import { useEmulator } from "./helpers/harness.js";
import { gembatch, parse } from "./bin.js";
import type { ScanAndFixResult } from "../src/index.js";

const SERVICE = "orders/service.py";
/** Not Google-shaped, so only the env key (and the key the client was built with) can catch it. */
const SECRET = "e2e-Secret/key+with=odd&chars_0042";
const REDACTED = "[REDACTED]";

/** The key as is, percent-encoded, and the part of its base64 that depends on it alone at each alignment. */
function leakedForms(secret: string): Array<[string, Buffer]> {
  const forms: Array<[string, string]> = [
    ["raw", secret],
    ["url-encoded", encodeURIComponent(secret)],
  ];
  for (const prefix of ["", "x", "xy"]) {
    const encoded = Buffer.from(`${prefix}${secret}`).toString("base64").replace(/=+$/, "");
    const middle = encoded.slice(4, -4);
    forms.push(
      [`base64 (+${prefix.length})`, middle],
      [`base64url (+${prefix.length})`, middle.replace(/\+/g, "-").replace(/\//g, "_")],
    );
  }
  return forms.map(([name, text]) => [name, Buffer.from(text)]);
}
const FORMS = leakedForms(SECRET);

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? walk(full) : entry.isFile() ? [full] : [];
  });
}

/** Every place the key was found: files under the project (byte-wise), prompts the emulator saw, the output. */
function leaks(root: string, emu: Emulator, run: { stdout: string; stderr: string }): string[] {
  const found: string[] = [];
  const check = (where: string, bytes: Buffer) => {
    for (const [name, form] of FORMS) if (bytes.includes(form)) found.push(`${where} (${name})`);
  };
  for (const file of walk(root)) check(path.relative(root, file), readFileSync(file));
  emu.record.generate.forEach((g, i) => check(`prompt ${i + 1}`, Buffer.from(g.prompt)));
  check("stdout", Buffer.from(run.stdout));
  check("stderr", Buffer.from(run.stderr));
  return found;
}

/** The example, with retries that do not wait (the bin runs on the real clock). */
function project(): string {
  const root = exampleProject();
  const config = JSON.parse(read(root, "gembatch.config.json")) as Record<string, unknown>;
  write(
    root,
    "gembatch.config.json",
    `${JSON.stringify({ ...config, retry: { base_delay_ms: 0, max_delay_ms: 0 } }, null, 2)}\n`,
  );
  return root;
}

/** The key as a reply or a log may quote it: as is, percent-encoded, base64 of a header holding it. */
function quoted(secret: string): string {
  return `${secret} (${encodeURIComponent(secret)}, ${Buffer.from(`x-goog-api-key: ${secret}`).toString("base64")})`;
}

function filesNamed(root: string, name: RegExp): string[] {
  return walk(root).filter((file) => name.test(path.basename(file)));
}

describe("API keys reach no file, prompt or output (built bin, emulator)", () => {
  it("an error body that echoes the key (as is, URL-encoded, base64) stays out of metas, state, reports, the retry prompt and stdout", async () => {
    const root = project();
    const echo = (what: string) => ({
      error: {
        code: 400,
        status: "INVALID_ARGUMENT",
        message: `${what}: bad request for key {{api_key}} (forwarded as {{api_key_url}}, auth {{api_key_base64}})`,
      },
    });
    const emu = await useEmulator({
      apiKey: SECRET,
      script: [
        {
          match: { regex: "Previous attempt failed[\\s\\S]*FILE TO FIX: orders/service\\.py" },
          reply: echo("retry refused"),
        },
        {
          match: { text: `FILE TO FIX: ${SERVICE}` },
          times: 1,
          reply: { error: { code: 503, message: "gateway saw key {{api_key}}; try again" } },
        },
        { match: { text: `FILE TO FIX: ${SERVICE}` }, reply: echo("first refused") },
      ],
    });
    const run = await gembatch(root, ["scan-and-fix", SERVICE, "--rules", "logger-bind", "--json"], {
      emu,
      env: { GEMINI_API_KEY: SECRET },
    });
    expect(run.exitCode).toBe(1);
    const result = parse<ScanAndFixResult>(run.stdout);
    expect(result.files).toMatchObject([{ path: SERVICE, status: "failed", attempts: 2 }]);

    // The path was taken: the echo reached every place, scrubbed.
    expect(emu.record.statuses.generateContent).toMatchObject({ "503": 1, "400": 2 });
    const metas = filesNamed(root, /\.meta\.json$/).map((file) => readFileSync(file, "utf8"));
    expect(metas.some((m) => m.includes(`first refused: bad request for key ${REDACTED}`))).toBe(true);
    expect(
      filesNamed(root, /^send_log\.jsonl$/).some((f) =>
        readFileSync(f, "utf8").includes(`gateway saw key ${REDACTED}`),
      ),
    ).toBe(true);
    expect(filesNamed(root, /^BATCH_SUMMARY\.json$/).some((f) => readFileSync(f, "utf8").includes(REDACTED))).toBe(
      true,
    );
    expect(filesNamed(root, /^apply_state\.json$/).some((f) => readFileSync(f, "utf8").includes(REDACTED))).toBe(true);
    expect(readFileSync(path.join(root, result.failure_reports[0]!), "utf8")).toContain(
      `retry refused: bad request for key ${REDACTED}`,
    );
    const retryPrompt = emu.record.generate.map((g) => g.prompt).find((p) => p.includes("Previous attempt failed"));
    expect(retryPrompt).toContain(`first refused: bad request for key ${REDACTED}`);

    expect(leaks(root, emu, run)).toEqual([]);
  });

  it("a verify command that prints the key: the key reaches no verify log, error details, failure report, retry or escalation prompt", async () => {
    const root = project();
    write(
      root,
      "echo_key.py",
      [
        "import base64, os, pathlib, sys, urllib.parse",
        'if "logger.bind" not in pathlib.Path(sys.argv[1]).read_text():',
        // Verify runs without GEMINI_API_KEY in its environment; the key reaches it here by another name.
        '    key = os.environ["ECHO_SECRET"]',
        '    print("FAIL: the key is", key, "url", urllib.parse.quote(key, safe=""), "b64", base64.b64encode(("x-goog-api-key: " + key).encode()).decode())',
        "    sys.exit(1)",
        "",
      ].join("\n"),
    );
    const emu = await useEmulator({
      apiKey: SECRET,
      script: [
        // The escalation (the one prompt naming no file to fix) answers with an analysis quoting the key.
        {
          match: { regex: `^(?![\\s\\S]*FILE TO FIX)` },
          reply: { text: `The verify output shows the key ${quoted(SECRET)}.` },
        },
        answerRetry(SERVICE, goodFix(root, SERVICE)),
        answer(SERVICE, goodFix(root, SERVICE)),
      ],
    });
    // --escalate: the failure report, held in memory, goes to a second model as a prompt.
    const run = await gembatch(
      root,
      [
        "scan-and-fix",
        SERVICE,
        "--rules",
        "logger-bind",
        "--verify",
        "python3 echo_key.py {file}",
        "--escalate",
        "--json",
      ],
      { emu, env: { GEMINI_API_KEY: SECRET, ECHO_SECRET: SECRET } },
    );
    expect(run.exitCode).toBe(1);
    const result = parse<ScanAndFixResult>(run.stdout);
    expect(result.files).toMatchObject([{ path: SERVICE, status: "failed", attempts: 2 }]);

    const logs = filesNamed(root, /\.after\.\d+\.log$/);
    expect(logs).toHaveLength(2);
    for (const log of logs) expect(readFileSync(log, "utf8")).toContain(`FAIL: the key is ${REDACTED} url ${REDACTED}`);
    expect(
      filesNamed(root, /\.error\.txt$/).every((f) => readFileSync(f, "utf8").includes(`the key is ${REDACTED}`)),
    ).toBe(true);
    expect(readFileSync(path.join(root, result.failure_reports[0]!), "utf8")).toContain(`FAIL: the key is ${REDACTED}`);
    const retryPrompt = emu.record.generate.map((g) => g.prompt).find((p) => p.includes("Previous attempt failed"));
    expect(retryPrompt).toContain(`FAIL: the key is ${REDACTED}`);
    const escalation = emu.record.generate.find((g) => g.model !== MODEL);
    expect(escalation?.prompt).toContain(`FAIL: the key is ${REDACTED}`);
    expect(readFileSync(path.join(root, result.escalation_files[0]!), "utf8")).toContain(`shows the key ${REDACTED}`);

    expect(leaks(root, emu, run)).toEqual([]);
  });

  it("a reply that quotes the key (a hostile or confused model) is scrubbed from the response files; the fix is applied without it", async () => {
    const root = project();
    const fixed = goodFix(root, SERVICE);
    const emu = await useEmulator({
      apiKey: SECRET,
      script: [
        {
          match: { text: `FILE TO FIX: ${SERVICE}` },
          reply: { text: `Your key is ${quoted(SECRET)}.\n\n${replyWith(SERVICE, fixed)}` },
        },
      ],
    });
    const run = await gembatch(root, ["scan-and-fix", SERVICE, "--rules", "logger-bind", "--json"], {
      emu,
      env: { GEMINI_API_KEY: SECRET },
    });
    expect(run.exitCode).toBe(0);
    expect(read(root, SERVICE)).toBe(fixed);
    const responses = filesNamed(root, /^response_.*\.md$/);
    expect(responses).toHaveLength(1);
    expect(readFileSync(responses[0]!, "utf8")).toContain(`Your key is ${REDACTED}`);

    expect(leaks(root, emu, run)).toEqual([]);
  });
});
