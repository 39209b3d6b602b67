import { createManualClock, createPricing } from "@gembatch/core";
import { startEmulator } from "@gembatch/emulator";
import { describe, expect, it, onTestFinished } from "vitest";
import { runDoctor, type RunDoctorOptions } from "./run-doctor.js";

async function emulatorUrl(): Promise<string> {
  const emu = await startEmulator({ apiKey: "doctor-key" });
  onTestFinished(() => emu.close());
  return emu.url;
}

function options(config: Partial<RunDoctorOptions["config"]>): RunDoctorOptions {
  return {
    config: {
      model: "gemini-3.8-flash",
      apiKey: "doctor-key",
      apiKeySource: "GEMINI_API_KEY",
      baseUrl: undefined,
      configFile: null,
      pricing: createPricing(),
      ...config,
    },
    skipApiCall: false,
    nodeVersion: "22.11.0",
  };
}

const deps = () => ({
  clock: createManualClock(Date.parse("2026-11-29T12:00:00Z")),
  signal: new AbortController().signal,
});

describe("runDoctor's one-token call", () => {
  it("reports the model that answered and what the call cost", async () => {
    const baseUrl = await emulatorUrl();
    const result = await runDoctor(options({ baseUrl }), deps());
    const call = result.checks.find((c) => c.name === "api_call");
    expect(call?.status).toBe("ok");
    expect(call?.detail).toMatch(/^generateContent answered by \S+ \(cost /);
    expect(result).toMatchObject({ success: true, model: "gemini-3.8-flash", base_url: baseUrl });
  });

  it("fails the check, not the command, when the key is refused", async () => {
    const baseUrl = await emulatorUrl();
    const result = await runDoctor(options({ baseUrl, apiKey: "wrong-key" }), deps());
    expect(result.success).toBe(false);
    expect(result.checks.find((c) => c.name === "api_call")).toMatchObject({ status: "fail" });
  });
});
