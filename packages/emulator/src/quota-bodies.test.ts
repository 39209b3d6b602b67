import { describe, expect, it } from "vitest";

import { pacificDay } from "./quotas.js";
import { formatRetryIn } from "./quota-bodies.js";

describe("quota helpers", () => {
  it("formats retry delays as Go durations", () => {
    expect(formatRetryIn(26_000)).toBe("26s");
    expect(formatRetryIn(53_016)).toBe("53.016s");
    expect(formatRetryIn(60_000)).toBe("1m0s");
    expect(formatRetryIn(6_776_409)).toBe("1h52m56.409s");
  });

  it("finds the Pacific day and the time to its midnight", () => {
    expect(pacificDay(Date.parse("2026-01-15T07:59:00Z"))).toEqual({ date: "2026-01-14", msToMidnight: 60_000 });
    expect(pacificDay(Date.parse("2026-07-15T06:00:00Z"))).toEqual({ date: "2026-07-14", msToMidnight: 3_600_000 });
  });
});
