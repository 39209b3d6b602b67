import { z } from "zod";

import type { EmulatorClock } from "./clock.js";
import { toTimestamp } from "./clock.js";
import { parseWith } from "./config-error.js";
import type { GoogleApiError } from "./google-errors.js";
import { batchCreateExhausted, quotaExceeded, violation, type QuotaKind, type QuotaViolation } from "./quota-bodies.js";

/** A limit for every model (`1000`) or per model id (`{"gemini-2.5-flash": 10, "*": 1000}`). */
const LimitSchema = z.preprocess(
  (value) => (typeof value === "number" ? { "*": value } : value),
  z.record(z.string(), z.number().int().nonnegative()),
);

const QuotaSchema = z
  .object({
    tier: z.enum(["paid", "free"]).default("paid"),
    rpm: LimitSchema.optional(),
    tpm: LimitSchema.optional(),
    rpd: LimitSchema.optional(),
    concurrentBatches: z.number().int().positive().default(100),
    enqueuedTokens: LimitSchema.optional(),
  })
  .strict();

export type QuotaConfig = z.output<typeof QuotaSchema>;

/** As written in options or a quota file. */
export interface QuotaInput {
  tier?: "paid" | "free";
  rpm?: number | Record<string, number>;
  tpm?: number | Record<string, number>;
  rpd?: number | Record<string, number>;
  concurrentBatches?: number;
  enqueuedTokens?: number | Record<string, number>;
}

export function parseQuotas(input: unknown, root = "quotas"): QuotaConfig {
  return parseWith(QuotaSchema, root, input ?? {});
}

export interface ModelQuotaUsage {
  minute: { start: string; requests: number; inputTokens: number };
  day: { date: string; requests: number };
  limits: { rpm?: number; tpm?: number; rpd?: number; enqueuedTokens?: number };
}

interface QuotaRefusal {
  error: GoogleApiError;
  quotaIds: string[];
}

export interface QuotaEngine {
  /** Admits a generate request and counts it, or refuses it with Google's 429 (uncounted). */
  admitGenerate(model: string, inputTokens: number): QuotaRefusal | undefined;
  admitBatch(options: {
    model: string;
    inputTokens: number;
    activeJobs: number;
    enqueuedTokens: number;
  }): QuotaRefusal | undefined;
  /** The 429 a fault injects: same shape as a real one, for the given quota kind. */
  faultError(kind: "rpm" | "rpd", model: string, retryDelaySeconds: number | undefined): QuotaRefusal;
  batchFaultError(): QuotaRefusal;
  usage(): Record<string, ModelQuotaUsage>;
  set(config: QuotaConfig): void;
  reset(): void;
}

interface Counter {
  minute: number;
  minuteRequests: number;
  minuteTokens: number;
  day: string;
  dayRequests: number;
}

const PACIFIC = new Intl.DateTimeFormat("en-CA", {
  timeZone: "America/Los_Angeles",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

let lastDay: { date: string; start: number; end: number } | undefined;

/** The Pacific calendar day and the time left until its midnight (a day with a DST change is off by an hour). */
export function pacificDay(now: number): { date: string; msToMidnight: number } {
  // Formatting a date in a time zone costs tens of microseconds; requests in the same day reuse it.
  if (lastDay && now >= lastDay.start && now < lastDay.end)
    return { date: lastDay.date, msToMidnight: lastDay.end - now };
  const parts = Object.fromEntries(PACIFIC.formatToParts(new Date(now)).map((p) => [p.type, p.value]));
  const elapsed = (Number(parts.hour) * 3600 + Number(parts.minute) * 60 + Number(parts.second)) * 1000 + (now % 1000);
  const end = now + 86_400_000 - elapsed;
  lastDay = { date: `${parts.year}-${parts.month}-${parts.day}`, start: end - 86_400_000, end };
  return { date: lastDay.date, msToMidnight: end - now };
}

function limitFor(limits: Record<string, number> | undefined, model: string): number | undefined {
  if (!limits) return undefined;
  return limits[model] ?? limits[`models/${model}`] ?? limits["*"];
}

/** Fallback `quotaValue` for an injected 429 when no limit is configured (Tier 1 figures for Flash). */
const FAULT_LIMITS: Record<"rpm" | "rpd", number> = { rpm: 1000, rpd: 10000 };

export function createQuotaEngine(options: { clock: EmulatorClock; config: QuotaConfig }): QuotaEngine {
  const { clock } = options;
  let config = options.config;
  let counters = new Map<string, Counter>();

  const counterFor = (model: string, now: number): Counter => {
    const minute = Math.floor(now / 60_000);
    const day = pacificDay(now).date;
    let counter = counters.get(model);
    if (!counter) {
      counter = { minute, minuteRequests: 0, minuteTokens: 0, day, dayRequests: 0 };
      counters.set(model, counter);
    }
    if (counter.minute !== minute) Object.assign(counter, { minute, minuteRequests: 0, minuteTokens: 0 });
    if (counter.day !== day) Object.assign(counter, { day, dayRequests: 0 });
    return counter;
  };

  const refuse = (violations: QuotaViolation[], retryMs: number): QuotaRefusal => ({
    error: quotaExceeded(violations, retryMs),
    quotaIds: violations.map((v) => v.quotaId),
  });

  return {
    admitGenerate(model, inputTokens) {
      const now = clock.now();
      const counter = counterFor(model, now);
      const found: { kind: QuotaKind; limit: number }[] = [];
      const rpd = limitFor(config.rpd, model);
      const rpm = limitFor(config.rpm, model);
      const tpm = limitFor(config.tpm, model);
      if (rpd !== undefined && counter.dayRequests + 1 > rpd) found.push({ kind: "rpd", limit: rpd });
      if (rpm !== undefined && counter.minuteRequests + 1 > rpm) found.push({ kind: "rpm", limit: rpm });
      if (tpm !== undefined && counter.minuteTokens + inputTokens > tpm) found.push({ kind: "tpm", limit: tpm });
      if (found.length > 0) {
        const toMinute = (counter.minute + 1) * 60_000 - now;
        const retryMs = found.some((f) => f.kind === "rpd") ? pacificDay(now).msToMidnight : toMinute;
        return refuse(
          found.map((f) => violation({ ...f, tier: config.tier, model })),
          retryMs,
        );
      }
      counter.minuteRequests += 1;
      counter.minuteTokens += inputTokens;
      counter.dayRequests += 1;
      return undefined;
    },
    admitBatch({ model, inputTokens, activeJobs, enqueuedTokens }) {
      const tokenLimit = limitFor(config.enqueuedTokens, model);
      const overTokens = tokenLimit !== undefined && enqueuedTokens + inputTokens > tokenLimit;
      if (activeJobs >= config.concurrentBatches) {
        return { error: batchCreateExhausted(), quotaIds: ["ConcurrentBatchJobs"] };
      }
      if (overTokens) return { error: batchCreateExhausted(), quotaIds: ["BatchEnqueuedTokensPerModel"] };
      return undefined;
    },
    faultError(kind, model, retryDelaySeconds) {
      const now = clock.now();
      const limit = limitFor(config[kind], model) ?? FAULT_LIMITS[kind];
      const fallbackMs = kind === "rpd" ? pacificDay(now).msToMidnight : 1000;
      const retryMs = retryDelaySeconds === undefined ? fallbackMs : retryDelaySeconds * 1000;
      return refuse([violation({ kind, tier: config.tier, model, limit })], retryMs);
    },
    batchFaultError: () => ({ error: batchCreateExhausted(), quotaIds: [] }),
    usage() {
      const now = clock.now();
      const out: Record<string, ModelQuotaUsage> = {};
      for (const model of counters.keys()) {
        const c = counterFor(model, now);
        const limits = {
          rpm: limitFor(config.rpm, model),
          tpm: limitFor(config.tpm, model),
          rpd: limitFor(config.rpd, model),
          enqueuedTokens: limitFor(config.enqueuedTokens, model),
        };
        out[model] = {
          minute: { start: toTimestamp(c.minute * 60_000), requests: c.minuteRequests, inputTokens: c.minuteTokens },
          day: { date: c.day, requests: c.dayRequests },
          limits: Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined)),
        };
      }
      return out;
    },
    set(next) {
      config = next;
    },
    reset() {
      counters = new Map();
    },
  };
}
