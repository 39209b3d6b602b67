import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import type { EmulatorClock } from "./clock.js";
import { loadJsonSource, parseSettings, type EmulatorOptions } from "./config.js";
import { dispatch } from "./dispatch.js";
import { parseFaults, type FaultsInput } from "./faults.js";
import { parseQuotas, type QuotaInput } from "./quotas.js";
import type { EmulatorRecord } from "./record.js";
import { parseScript, type ScriptInput } from "./script-schema.js";
import { createEmulatorState } from "./state.js";

export interface Emulator {
  /** `http://host:port`, to pass as `httpOptions.baseUrl`. */
  readonly url: string;
  readonly port: number;
  /** A fresh JSON-serializable snapshot of what reached the server, on every read. */
  readonly record: EmulatorRecord;
  /** The emulated clock every quota window, batch phase, expiry and delay runs on. */
  readonly clock: EmulatorClock;
  /** Replaces the script (and forgets which entries were used). */
  setScript(script: ScriptInput | string): void;
  /** Appends fault rules after the current ones. */
  addFaults(faults: FaultsInput | string): void;
  /** Replaces all fault rules. */
  setFaults(faults: FaultsInput | string): void;
  /** Replaces the quota limits (usage counted so far is kept). */
  setQuotas(quotas: QuotaInput | string): void;
  /** Forgets files, batches, caches, quota usage, script and fault progress, and the record. */
  reset(): void;
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

function urlHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

/** Starts a local Gemini API server. Throws EmulatorConfigError (one line naming the field) on bad options. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const settings = parseSettings(options);
  const state = createEmulatorState({
    settings,
    script: parseScript(loadJsonSource(options.script, "script")),
    faults: parseFaults(loadJsonSource(options.faults, "faults")),
    quotas: parseQuotas(loadJsonSource(options.quotas, "quotas")),
    clock: options.clock,
    startTime: options.startTime,
  });

  const server = createServer((req, res) => {
    dispatch(state, req, res).catch(() => res.destroy());
  });
  // Clients keep connections alive between calls; a longer server timeout avoids racing their reuse.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 0;
  const address = await listen(server, settings.port, settings.host);
  const url = `http://${urlHost(settings.host)}:${address.port}`;
  state.baseUrl = url;

  let closing: Promise<void> | undefined;
  return {
    url,
    port: address.port,
    get record() {
      return state.snapshot();
    },
    clock: state.clock,
    setScript(script) {
      state.script.set(parseScript(loadJsonSource(script, "script")));
    },
    addFaults(faults) {
      state.faults.add(parseFaults(loadJsonSource(faults, "faults")).rules);
    },
    setFaults(faults) {
      const parsed = parseFaults(loadJsonSource(faults, "faults"));
      state.faults.set(parsed.rules, parsed.seed);
    },
    setQuotas(quotas) {
      state.quotas.set(parseQuotas(loadJsonSource(quotas, "quotas")));
    },
    reset: () => state.reset(),
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
