import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { claimStdout } from "./stdout.js";

function stream() {
  const s = new PassThrough() as PassThrough & NodeJS.WriteStream;
  let text = "";
  s.on("data", (chunk: Buffer) => (text += chunk.toString()));
  return { s, text: () => text };
}

describe("claimStdout", () => {
  it("keeps stdout for protocol messages and sends every other write to stderr", async () => {
    const out = stream();
    const err = stream();
    const protocol = claimStdout(out.s, err.s);
    out.s.write("a stray log line\n");
    await new Promise<void>((resolve) => protocol.write('{"jsonrpc":"2.0"}\n', () => resolve()));
    expect(out.text()).toBe('{"jsonrpc":"2.0"}\n');
    expect(err.text()).toBe("a stray log line\n");
  });
});
