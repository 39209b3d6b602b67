import { describe, expect, it } from "vitest";
import { nodeCheck } from "./environment-checks.js";

describe("the node check", () => {
  it("passes a supported Node, warns past its end of life, fails one below the minimum", () => {
    expect(nodeCheck("20.20.2", Date.parse("2026-04-29T12:00:00Z")).status).toBe("ok");
    expect(nodeCheck("20.20.2", Date.parse("2026-04-30T00:00:00Z"))).toMatchObject({
      status: "warn",
      detail: "Node 20.20.2 reached end of life on 2026-04-30 (no more security fixes)",
    });
    expect(nodeCheck("22.12.0", Date.parse("2026-11-29T00:00:00Z")).status).toBe("ok");
    expect(nodeCheck("24.1.0", Date.parse("2026-11-29T00:00:00Z")).status).toBe("ok");
    expect(nodeCheck("26.0.0", Date.parse("2026-11-29T00:00:00Z")).status).toBe("ok");
    expect(nodeCheck("20.10.0", Date.parse("2025-01-01T00:00:00Z")).status).toBe("fail");
  });
});
