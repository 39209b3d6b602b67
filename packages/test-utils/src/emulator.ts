import { GoogleGenAI } from "@google/genai";
import { startEmulator, type Emulator, type EmulatorOptions } from "@gembatch/emulator";
import { onTestFinished } from "vitest";

/** An emulator on 127.0.0.1:0 for the current test, closed when the test ends. */
export async function useEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const emu = await startEmulator(options);
  onTestFinished(() => emu.close());
  return emu;
}

/** The real SDK client pointed at the emulator. */
export function sdkClient(emu: Emulator, apiKey: string): GoogleGenAI {
  return new GoogleGenAI({ apiKey, httpOptions: { baseUrl: emu.url } });
}

/** An emulator for the current test that accepts `apiKey`, and the real SDK client that holds that key. */
export async function useEmulatorClient(
  apiKey: string,
  options: EmulatorOptions = {},
): Promise<{ emu: Emulator; client: GoogleGenAI }> {
  const emu = await useEmulator({ apiKey, ...options });
  return { emu, client: sdkClient(emu, apiKey) };
}
