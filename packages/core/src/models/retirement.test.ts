import { describe, expect, it } from "vitest";
import { createManualClock } from "../clock.js";
import { CliError } from "../errors.js";
import { checkRetirement, retirementOf } from "./retirement.js";

const day = (iso: string) => Date.parse(`${iso}T12:00:00Z`);

describe("model retirement", () => {
  it("warns within 30 days of the shutdown, naming the model Google routes to, and refuses after it", () => {
    const clock = createManualClock(day("2026-10-31"));
    expect(retirementOf("gemini-2.5-pro", clock.now()).state).toBe("active");
    const warnings: string[] = [];
    clock.advance(86_400_000); // 2026-11-01: 30 days before 2026-12-01
    checkRetirement("gemini-2.5-pro", { now: clock.now(), warn: (m) => warnings.push(m) });
    expect(warnings).toEqual([
      "gemini-2.5-pro shuts down on 2026-12-01 (in 30 days); then Google routes its requests to gemini-3.8-flash, billed at that model's rates",
    ]);
    clock.advance(29 * 86_400_000); // 2026-11-30
    expect(retirementOf("gemini-2.5-flash", clock.now())).toMatchObject({
      state: "retiring",
      days_left: 1,
      replacement: "gemini-3.5-flash-lite",
      routed: true,
    });
    clock.advance(86_400_000); // 2026-12-01
    let thrown: unknown;
    try {
      checkRetirement("gemini-2.5-pro", { now: clock.now() });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CliError);
    expect((thrown as CliError).code).toBe("MODEL_RETIRED");
    expect((thrown as CliError).exitCode).toBe(2);
    expect((thrown as CliError).message).toBe(
      "model: gemini-2.5-pro was shut down on 2026-12-01; Google routes its requests to gemini-3.8-flash, billed at that model's rates",
    );
    expect((thrown as CliError).hint).toContain("--allow-retired");
  });

  it("lets --allow-retired through with a warning, and says when calls fail rather than route", () => {
    const warnings: string[] = [];
    const found = checkRetirement("gemini-2.0-flash", {
      now: day("2026-11-29"),
      allowRetired: true,
      warn: (m) => warnings.push(m),
    });
    expect(found).toMatchObject({ state: "retired", routed: false, replacement: "gemini-3.5-flash" });
    expect(warnings).toEqual([
      "gemini-2.0-flash was shut down on 2026-06-01; calls fail, move to gemini-3.5-flash (sent anyway: --allow-retired)",
    ]);
  });

  it("follows aliases and version suffixes to the retiring model, and leaves current models alone", () => {
    expect(retirementOf("models/gemini-2.5-flash-001", day("2026-11-29")).state).toBe("retiring");
    expect(retirementOf("gemini-3.1-flash-lite-preview", day("2026-11-29"))).toMatchObject({
      state: "retired",
      replacement: "gemini-3.1-flash-lite",
    });
    expect(retirementOf("gemini-3.8-flash", day("2026-11-29")).state).toBe("active");
    expect(retirementOf("gemini-3.1-flash-lite", day("2027-04-10"))).toMatchObject({
      state: "retiring",
      days_left: 27,
    });
  });
});
