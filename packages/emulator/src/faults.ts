import { z } from "zod";

import { parseWith } from "./config-error.js";
import { normalizeRouteName, type RouteName } from "./route-table.js";

const FAULT_KINDS = [
  "ok",
  "rate_limit_429",
  "batch_create_429",
  "daily_quota_429",
  "500",
  "503",
  "504",
  "latency",
  "reset",
  "stream_cut",
  "stream_error",
] as const;

type FaultKind = (typeof FAULT_KINDS)[number];

const KIND_ALIASES: Record<string, FaultKind> = {
  "429": "rate_limit_429",
  rate_limit: "rate_limit_429",
  daily_quota: "daily_quota_429",
};

const KindSchema = z.preprocess(
  (value) =>
    typeof value === "number" ? String(value) : typeof value === "string" ? (KIND_ALIASES[value] ?? value) : value,
  z.enum(FAULT_KINDS),
);

const StepObjectSchema = z
  .object({
    kind: KindSchema,
    /** latency: emulated milliseconds to wait before answering. */
    ms: z.number().nonnegative().optional(),
    /** rate_limit_429 / daily_quota_429: the RetryInfo delay, in seconds ("26s" or 26). */
    retryDelay: z.union([z.number().nonnegative(), z.string().regex(/^\d+(\.\d+)?s$/)]).optional(),
    /** stream_cut / stream_error: how many complete chunks go out first (default 1). */
    afterChunks: z.number().int().nonnegative().optional(),
    /**
     * stream_cut: `mid_event` ends inside an event (SDK: "Incomplete JSON segment"), `drop_final` omits the last event.
     */
    mode: z.enum(["mid_event", "drop_final"]).optional(),
    /**
     * 500/503/504: act on the request first (a create creates), then answer the error, as a server that fails after
     * committing.
     */
    after: z.boolean().optional(),
  })
  .strict();

const StepSchema = z.preprocess(
  (value) => (typeof value === "string" || typeof value === "number" ? { kind: value } : value),
  StepObjectSchema,
);

const RouteSchema = z.string().refine((name) => name === "*" || normalizeRouteName(name) !== undefined, {
  error: (issue) => `unknown route "${String(issue.input)}"`,
});

const RuleSchema = z
  .object({
    route: z.preprocess((value) => (typeof value === "string" ? [value] : value), z.array(RouteSchema).min(1)),
    model: z.string().min(1).optional(),
    sequence: z.array(StepSchema).min(1).optional(),
    repeat: z.boolean().optional(),
    probability: z.number().min(0).max(1).optional(),
    kind: StepSchema.optional(),
    ms: z.number().nonnegative().optional(),
    retryDelay: z.union([z.number().nonnegative(), z.string().regex(/^\d+(\.\d+)?s$/)]).optional(),
    times: z.number().int().positive().optional(),
  })
  .strict()
  .refine((rule) => (rule.sequence === undefined) !== (rule.kind === undefined), {
    message: "give either sequence or kind (with probability)",
  });

const FaultsSchema = z.object({ seed: z.number().int().optional(), rules: z.array(RuleSchema) }).strict();

type FaultStep = z.output<typeof StepObjectSchema>;
export type FaultRule = z.output<typeof RuleSchema>;

type FaultStepInput =
  | FaultKind
  | "429"
  | 500
  | 503
  | 504
  | 429
  | {
      kind: FaultKind | "429";
      ms?: number;
      retryDelay?: number | string;
      afterChunks?: number;
      mode?: "mid_event" | "drop_final";
      after?: boolean;
    };

/** A fault rule as written in options or a faults file (see the README for the semantics). */
interface FaultRuleInput {
  route: string | string[];
  model?: string;
  sequence?: FaultStepInput[];
  repeat?: boolean;
  probability?: number;
  kind?: FaultStepInput;
  ms?: number;
  retryDelay?: number | string;
  times?: number;
}

export type FaultsInput = FaultRuleInput[] | { seed?: number; rules: FaultRuleInput[] };

export interface FaultAction {
  kind: Exclude<FaultKind, "ok" | "latency">;
  retryDelaySeconds: number | undefined;
  /** Complete stream chunks sent before the fault; the handler picks a default per kind. */
  afterChunks: number | undefined;
  mode: "mid_event" | "drop_final";
  /** The request is handled before the fault answers (its effect stays, its answer is lost). */
  after: boolean;
}

interface FaultDecision {
  latencyMs: number;
  action: FaultAction | undefined;
}

export interface FaultEngine {
  next(route: RouteName, model: string | undefined): FaultDecision;
  add(rules: FaultRule[]): void;
  set(rules: FaultRule[], seed?: number): void;
  rewind(): void;
}

export function parseFaults(input: unknown, root = "faults"): { seed: number | undefined; rules: FaultRule[] } {
  const normalized = Array.isArray(input) ? { rules: input } : (input ?? { rules: [] });
  const parsed = parseWith(FaultsSchema, root, normalized);
  return { seed: parsed.seed, rules: parsed.rules };
}

/** mulberry32: small, fast and good enough to make probabilistic faults repeatable. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface RuleState {
  rule: FaultRule;
  routes: Set<RouteName> | "*";
  cursor: number;
  fired: number;
}

function routesOf(rule: FaultRule): Set<RouteName> | "*" {
  const names = rule.route;
  if (names.includes("*")) return "*";
  return new Set(names.map((name) => normalizeRouteName(name) as RouteName));
}

function seconds(value: number | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  return typeof value === "number" ? value : Number.parseFloat(value);
}

function stepFor(state: RuleState, random: () => number): FaultStep | undefined {
  const { rule } = state;
  if (rule.times !== undefined && state.fired >= rule.times) return undefined;
  if (rule.sequence) {
    if (state.cursor >= rule.sequence.length) {
      if (!rule.repeat) return undefined;
      state.cursor = 0;
    }
    return rule.sequence[state.cursor++];
  }
  if (random() >= (rule.probability ?? 1)) return undefined;
  return rule.kind;
}

/**
 * Rules are consulted in order for each request to a matching route. Every matching sequence rule
 * consumes one step per request; latency from all rules adds up; the first error-like step wins.
 */
export function createFaultEngine(options: { rules: FaultRule[]; seed: number | undefined }): FaultEngine {
  let seed = options.seed ?? 1;
  let random = seededRandom(seed);
  let states: RuleState[] = [];
  const load = (rules: FaultRule[]): void => {
    states = rules.map((rule) => ({ rule, routes: routesOf(rule), cursor: 0, fired: 0 }));
  };
  load(options.rules);

  return {
    next(route, model) {
      let latencyMs = 0;
      let action: FaultAction | undefined;
      for (const state of states) {
        if (state.routes !== "*" && !state.routes.has(route)) continue;
        if (state.rule.model && state.rule.model.replace(/^models\//, "") !== model) continue;
        const step = stepFor(state, random);
        if (!step || step.kind === "ok") continue;
        state.fired += 1;
        if (step.kind === "latency") {
          latencyMs += step.ms ?? state.rule.ms ?? 1000;
          continue;
        }
        action ??= {
          kind: step.kind,
          retryDelaySeconds: seconds(step.retryDelay ?? state.rule.retryDelay),
          afterChunks: step.afterChunks,
          mode: step.mode ?? "mid_event",
          after: step.after ?? false,
        };
      }
      return { latencyMs, action };
    },
    add(rules) {
      states.push(...rules.map((rule) => ({ rule, routes: routesOf(rule), cursor: 0, fired: 0 })));
    },
    set(rules, nextSeed) {
      if (nextSeed !== undefined) seed = nextSeed;
      random = seededRandom(seed);
      load(rules);
    },
    rewind() {
      random = seededRandom(seed);
      load(states.map((s) => s.rule));
    },
  };
}
