import {
  compileRegex,
  type BatchPlanEntry,
  type Reply,
  type ReplyEntry,
  type ReplyMatch,
  type Script,
} from "./script-schema.js";

/** The documented fallback when no script entry matches. */
export const DEFAULT_REPLY: Reply = { text: "emulator: no scripted reply", finishReason: "STOP" };

export type ScriptRoute = "generateContent" | "streamGenerateContent" | "batch";

export interface ScriptRequest {
  route: ScriptRoute;
  /** Bare model id (`gemini-2.5-flash`). */
  model: string;
  /** Prompt text: cached content, system instruction and contents, one text part a line. */
  text: string;
  /** The batch row key, for batch rows. */
  key?: string;
}

interface BatchPlanRequest {
  displayName: string;
  model: string;
  source: "inline" | "file";
}

export interface ScriptEngine {
  reply(request: ScriptRequest): { reply: Reply; entry: number | undefined };
  plan(request: BatchPlanRequest): BatchPlanEntry | undefined;
  set(script: Script): void;
  /** Forgets how often each entry matched and was used. */
  rewind(): void;
}

interface EntryState<T> {
  spec: T;
  regex: RegExp | undefined;
  seen: number;
  used: number;
}

function bareModel(model: string): string {
  return model.replace(/^models\//, "");
}

function replyCriteria(match: ReplyMatch | undefined, regex: RegExp | undefined, request: ScriptRequest): boolean {
  if (!match) return true;
  if (match.model !== undefined && bareModel(match.model) !== request.model) return false;
  if (match.route !== undefined) {
    const sync = request.route !== "batch";
    if (match.route === "sync" ? !sync : match.route !== request.route) return false;
  }
  if (match.key !== undefined && match.key !== request.key) return false;
  if (match.text !== undefined && !request.text.includes(match.text)) return false;
  if (regex && !regex.test(request.text)) return false;
  return true;
}

function planCriteria(match: BatchPlanEntry["match"], regex: RegExp | undefined, request: BatchPlanRequest): boolean {
  if (!match) return true;
  if (match.model !== undefined && bareModel(match.model) !== bareModel(request.model)) return false;
  if (match.source !== undefined && match.source !== request.source) return false;
  if (match.displayName !== undefined && !request.displayName.includes(match.displayName)) return false;
  if (regex && !regex.test(request.displayName)) return false;
  return true;
}

/**
 * Picks the first entry whose criteria match, whose `nth` (if any) equals the number of requests
 * that matched its criteria so far, and whose `times` budget is not spent. Every entry counts the
 * requests matching its criteria, whether or not an earlier entry answered them.
 */
function pick<T extends { match?: { nth?: number | undefined } | undefined; times?: number | undefined }>(
  states: EntryState<T>[],
  matches: (state: EntryState<T>) => boolean,
): EntryState<T> | undefined {
  let chosen: EntryState<T> | undefined;
  for (const state of states) {
    if (!matches(state)) continue;
    state.seen += 1;
    if (chosen) continue;
    const nth = state.spec.match?.nth;
    if (nth !== undefined && nth !== state.seen) continue;
    if (state.spec.times !== undefined && state.used >= state.spec.times) continue;
    chosen = state;
  }
  if (chosen) chosen.used += 1;
  return chosen;
}

function stateFor<T>(spec: T, regexSource: string | undefined): EntryState<T> {
  return { spec, regex: regexSource === undefined ? undefined : compileRegex(regexSource), seen: 0, used: 0 };
}

export function createScriptEngine(initial: Script): ScriptEngine {
  let script = initial;
  let replies: EntryState<ReplyEntry>[] = [];
  let plans: EntryState<BatchPlanEntry>[] = [];

  const load = (): void => {
    replies = script.replies.map((entry) => stateFor(entry, entry.match?.regex));
    plans = script.batches.map((entry) => stateFor(entry, entry.match?.displayNameRegex));
  };
  load();

  return {
    reply(request) {
      const chosen = pick(replies, (s) => replyCriteria(s.spec.match, s.regex, request));
      if (!chosen) return { reply: script.default ?? DEFAULT_REPLY, entry: undefined };
      return { reply: chosen.spec.reply, entry: replies.indexOf(chosen) };
    },
    plan(request) {
      return pick(plans, (s) => planCriteria(s.spec.match, s.regex, request))?.spec;
    },
    set(next) {
      script = next;
      load();
    },
    rewind: load,
  };
}
