import { writeFileSync } from "node:fs";
import path from "node:path";
import { createManualClock } from "@gembatch/core";
import { describe, expect, it } from "vitest";
import { runSend } from "./run-send.js";
import { fixedReply, isRetirementNotice, makeProject, replyFor, useEmulator } from "../test/helpers/project.js";

const FILES = { "src/a.py": "a = 1\n", "src/b.py": "b = 1\n" };
const script = Object.keys(FILES).map((f) => replyFor(f, { text: fixedReply(f, "x = 2\n") }));

describe("the issue report's own list and copies", () => {
  it("sends the report's Files to Fix when files_to_fix is not given, resolved against the project root", async () => {
    const project = makeProject(FILES);
    const { emu, client } = await useEmulator({ script });
    const warnings: string[] = [];
    const { filesToFix: _given, ...noFilesToFix } = project.options({
      cwd: path.join(project.root, "src"),
      issueReportFile: "../tmp/issues/fix_logger_bind.md",
    });
    const result = await runSend(noFilesToFix, {
      client,
      clock: createManualClock(),
      warn: (m) => void (isRetirementNotice(m) || warnings.push(m)),
    });
    expect(result.results.map((r) => [r.file_to_fix, r.success])).toEqual([
      ["src/a.py", true],
      ["src/b.py", true],
    ]);
    expect(warnings).toEqual([]);
    expect(emu.record.counts.generateContent).toBe(2);
  });

  it("warns about a file the report does not list and a context copy older than the file on disk", async () => {
    const project = makeProject(FILES);
    writeFileSync(path.join(project.root, "src/b.py"), "b = 10\n");
    writeFileSync(path.join(project.root, "src/c.py"), "c = 1\n");
    const { client } = await useEmulator({
      script: [...script, replyFor("src/c.py", { text: fixedReply("src/c.py", "c = 2\n") })],
    });
    const warnings: string[] = [];
    await runSend(project.options({ filesToFix: ["src/b.py", "src/c.py"] }), {
      client,
      clock: createManualClock(),
      warn: (m) => void (isRetirementNotice(m) || warnings.push(m)),
    });
    expect(warnings).toEqual([
      "the report's copy of src/b.py differs from the file on disk; the request asks for a fix of the file as it is now",
      'src/c.py is not in the report\'s "Files to Fix" list',
    ]);
  });

  it("sends a report in another layout as it is, with a warning; without files_to_fix it is bad input", async () => {
    const project = makeProject(FILES);
    writeFileSync(project.reportFile, "Please fix src/a.py: a should be 2.\n");
    const { emu, client } = await useEmulator({ script });
    const warnings: string[] = [];
    const result = await runSend(project.options({ filesToFix: ["src/a.py"] }), {
      client,
      clock: createManualClock(),
      warn: (m) => void (isRetirementNotice(m) || warnings.push(m)),
    });
    expect(result.success).toBe(true);
    expect(warnings[0]).toMatch(/^issue report: .*; it is sent as it is$/);
    expect(emu.record.generate[0]!.prompt).toContain("Please fix src/a.py: a should be 2.\n");
    const { filesToFix: _given, ...noFilesToFix } = project.options();
    await expect(runSend(noFilesToFix, { client, clock: createManualClock() })).rejects.toMatchObject({
      code: "BAD_INPUT",
      exitCode: 2,
    });
  });
});
