import type { BatchJob, InlinedRequest } from "@google/genai";
import {
  appendLedger,
  estimateRequestCost,
  estimateTokens,
  redactDeep,
  responseText,
  toCliError,
  type CliError,
  type RetryPolicy,
  type UsageMetadata,
} from "@gembatch/core";
import {
  createOrAdopt,
  inlinedRequests,
  jobResults,
  jsonlInput,
  JOBS_FILE,
  readJobs,
  saveJobs,
  SUCCEEDED_STATES,
  waitForJob,
  type JobDeps,
  type JobEntry,
  type RowResult,
} from "./batch-job.js";
import type { Reservation } from "./budget.js";
import type { PlannedFile } from "./inputs.js";
import { requestText } from "./prompt.js";
import { runPath, writeRunFile, type RunContext } from "./run-context.js";
import { finishFile, requestFor, writeOutcome, writeRequest } from "./send-file.js";
import type { LoopOutcome } from "./send-sync.js";
import type { FileResult, NotSent } from "./types.js";
import { priceReply, usageSummary, type ReplyPart } from "./usage.js";

interface BatchOptions {
  pollIntervalMs: number;
  retryPolicy?: Partial<RetryPolicy>;
  ledgerFile?: string;
  /** Above this many bytes of requests the job goes through an uploaded JSONL file (Google's inline cap is 20 MB). */
  inlineLimitBytes: number;
  onDone(result: FileResult): void;
}

type BatchOutcome = LoopOutcome & { job: { name: string; display_name: string; state: string } | null };

const keyOf = (file: PlannedFile) => file.names.request.replace(/\.md$/, "");

function replyPart(run: RunContext, row: Required<Pick<RowResult, "response">>, startedAt: number): ReplyPart {
  const { response } = row;
  const usage = (response.usageMetadata ?? {}) as UsageMetadata;
  const modelVersion = response.modelVersion ?? null;
  const block = response.promptFeedback?.blockReason;
  const priced = priceReply({
    model: modelVersion ?? run.model,
    usage,
    at: run.clock.now(),
    batch: true,
    pricing: run.pricing,
  });
  return {
    text: responseText(response),
    finishReason: (response.candidates?.[0]?.finishReason as string | undefined) ?? (block ? `BLOCKED_${block}` : null),
    usage,
    modelVersion,
    cost: priced.cost,
    costWithoutCache: priced.costWithoutCache,
    attempts: 1,
    retries: [],
    durationMs: run.clock.now() - startedAt,
  };
}

/** Send the files as one Batch API job (or adopt the job an interrupted run left), wait, and write the same outputs. */
export async function sendBatch(run: RunContext, files: PlannedFile[], options: BatchOptions): Promise<BatchOutcome> {
  const jobsFile = runPath(run, JOBS_FILE);
  const jobs = readJobs(jobsFile);
  const byFile = new Map(files.map((f) => [f.file, f]));
  const results: FileResult[] = [];
  const notSent: NotSent[] = [];
  const handled = new Set<string>();
  const reservations = new Map<string, Reservation>();
  let stop: LoopOutcome["stop"] = null;
  let last: BatchOutcome["job"] = null;
  const deps: JobDeps = {
    client: run.client,
    clock: run.clock,
    signal: run.signal,
    ...(options.retryPolicy ? { retryPolicy: options.retryPolicy } : {}),
  };

  const source = async (entry: JobEntry, members: PlannedFile[]): Promise<InlinedRequest[] | string> => {
    // Where a batch's prompts leave for the API, inline or as an uploaded file: scrubbed once here.
    const rows = members.map((file) => ({ key: keyOf(file), request: redactDeep(requestFor(run, file)) }));
    members.forEach((file, i) => writeRequest(run, file, rows[i]!.request));
    const jsonl = jsonlInput(rows);
    if (Buffer.byteLength(jsonl) <= options.inlineLimitBytes) return inlinedRequests(rows);
    const inputName = `batch_input_${jobs.indexOf(entry) + 1}.jsonl`;
    writeRunFile(run, inputName, jsonl);
    const uploaded = await run.client.files.upload({
      file: runPath(run, inputName),
      config: { mimeType: "application/jsonl", displayName: entry.display_name },
    });
    if (!uploaded.name) throw new Error("files.upload returned no name");
    entry.input_file = uploaded.name;
    return uploaded.name;
  };

  const settle = (file: PlannedFile, cost: number | null, failed: boolean) => {
    const reservation = reservations.get(file.file);
    if (!reservation) run.budget.add(failed ? 0 : cost);
    else if (failed) run.budget.release(reservation);
    else run.budget.settle(reservation, cost);
  };

  const consume = async (entry: JobEntry, job: BatchJob, members: PlannedFile[]) => {
    const startedAt = Date.parse(entry.created_at);
    const state = job.state ?? "JOB_STATE_UNSPECIFIED";
    const rows = SUCCEEDED_STATES.has(state)
      ? await jobResults(deps, job, runPath(run, `batch_output_${jobs.indexOf(entry) + 1}.jsonl`))
      : new Map<string, RowResult>();
    for (const file of members) {
      const row = rows.get(keyOf(file));
      let result: FileResult | undefined;
      if (row?.response) {
        const part = replyPart(run, { response: row.response }, startedAt);
        settle(file, part.cost, false);
        if (options.ledgerFile)
          appendLedger(options.ledgerFile, ledgerRow(run, run.generate.ledger?.command ?? "send", part));
        const outcome = await finishFile(run, file, {
          first: part,
          startedAt,
          batchJob: job.name ?? entry.display_name,
        });
        result = outcome.result;
        if (outcome.stop) stop ??= outcome.stop;
      } else {
        settle(file, null, true);
        const error = !SUCCEEDED_STATES.has(state)
          ? `batch job ${job.name} ended ${state}`
          : row?.error
            ? `batch row failed: ${row.error.code ?? ""} ${row.error.message ?? ""}`.trim()
            : `batch job ${job.name} returned no result for key ${keyOf(file)}`;
        result = writeOutcome(run, file, { parts: [], startedAt, error, batchJob: job.name ?? entry.display_name });
      }
      if (result) {
        results.push(result);
        options.onDone(result);
      }
    }
    entry.consumed = true;
    saveJobs(jobsFile, jobs);
  };

  const runJob = async (entry: JobEntry, members: PlannedFile[], adopting: boolean) => {
    members.forEach((f) => handled.add(f.file));
    try {
      if (!entry.name) {
        const src = await source(entry, members);
        const job = await createOrAdopt(deps, {
          model: run.model,
          displayName: entry.display_name,
          src,
          lookFirst: adopting,
          onRetry: (e) => run.events.event("retry", { context: "batch create", ...(e as object) }),
        });
        entry.name = job.name ?? null;
        entry.state = job.state ?? "JOB_STATE_PENDING";
        saveJobs(jobsFile, jobs);
        run.events.event("batch_created", {
          name: entry.name,
          display_name: entry.display_name,
          requests: members.length,
        });
      } else {
        run.events.event("batch_adopted", { name: entry.name, display_name: entry.display_name });
      }
      const job = await waitForJob(deps, entry.name!, {
        pollIntervalMs: options.pollIntervalMs,
        onState: (j) => {
          const state: string | undefined = j.state;
          if (state !== entry.state) run.events.event("batch_state", { name: entry.name, state });
          entry.state = state ?? entry.state;
        },
      });
      saveJobs(jobsFile, jobs);
      last = { name: entry.name!, display_name: entry.display_name, state: entry.state };
      await consume(entry, job, members);
    } catch (thrown) {
      const error: CliError = toCliError(thrown);
      saveJobs(jobsFile, jobs);
      last = { name: entry.name ?? "", display_name: entry.display_name, state: entry.state };
      const answered = new Set(results.map((r) => r.file_to_fix));
      const open = members.filter((f) => !answered.has(f.file));
      open.forEach((f) => reservations.has(f.file) && run.budget.release(reservations.get(f.file)!));
      const reason = run.signal.aborted || error.code === "INTERRUPTED" ? "interrupted" : "api_error";
      stop ??= reason === "interrupted" ? { reason } : { reason, error };
      open.forEach((f) => notSent.push({ file_to_fix: f.file, reason }));
      run.events.event(reason === "interrupted" ? "interrupted" : "batch_failed", {
        name: entry.name,
        message: error.message,
      });
    }
  };

  for (const entry of jobs.filter((j) => !j.consumed)) {
    if (stop) break;
    const members = Object.values(entry.keys).flatMap((f) =>
      byFile.has(f) && !handled.has(f) ? [byFile.get(f)!] : [],
    );
    if (members.length === 0) continue;
    await runJob(entry, members, true);
  }

  const pending = files.filter((f) => !handled.has(f.file));
  const chosen: PlannedFile[] = [];
  for (const file of pending) {
    if (stop) break;
    const promptTokens = estimateTokens(requestText(requestFor(run, file)));
    const estimate =
      estimateRequestCost(
        { model: run.model, promptTokens, maxTokens: run.maxTokens, batch: true, at: run.clock.now() },
        run.pricing,
      ) ?? 0;
    const reservation = run.budget.reserve(estimate);
    if (!reservation) {
      stop = { reason: "budget" };
      run.events.event("budget_stop", {
        file: file.file,
        spent: run.budget.spent(),
        estimate,
        max_cost: run.budget.maxCost,
      });
      break;
    }
    reservations.set(file.file, reservation);
    chosen.push(file);
  }
  if (chosen.length > 0 && !run.signal.aborted) {
    const entry: JobEntry = {
      display_name: `gembatch-send-${run.runName}-${jobs.length + 1}`,
      name: null,
      keys: Object.fromEntries(chosen.map((f) => [keyOf(f), f.file])),
      created_at: new Date(run.clock.now()).toISOString(),
      state: "CREATING",
      consumed: false,
    };
    jobs.push(entry);
    // The intent is on disk before `create`, so a crash in between is adopted by display name, not duplicated.
    saveJobs(jobsFile, jobs);
    await runJob(entry, chosen, false);
  }
  for (const file of files) {
    if (!handled.has(file.file)) notSent.push({ file_to_fix: file.file, reason: stop?.reason ?? "interrupted" });
  }
  return { results, notSent, stop, job: last };
}

export function ledgerRow(run: Pick<RunContext, "clock" | "model" | "runName">, command: string, part: ReplyPart) {
  const usage = usageSummary(part.usage);
  return {
    time: new Date(run.clock.now()).toISOString(),
    command,
    model: run.model,
    model_version: part.modelVersion,
    operation: "batchGenerateContent",
    batch: true,
    prompt_tokens: usage.prompt_tokens,
    cached_tokens: usage.cached_tokens,
    output_tokens: usage.completion_tokens + usage.thinking_tokens,
    thinking_tokens: usage.thinking_tokens,
    total_tokens: usage.total_tokens,
    cost: part.cost,
    run: run.runName,
  };
}
