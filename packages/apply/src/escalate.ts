import path from "node:path";
import {
  checkRetirement,
  CliError,
  estimateRequestCost,
  estimateTokens,
  generateContent,
  settingsForModel,
  sizeMaxTokens,
  thinkingConfigFor,
  toCliError,
  writeFileAtomically,
  type GenerationSettings,
} from "@gembatch/core";
import type { CostTracker } from "./costs.js";
import type { SendingDeps } from "./types.js";

const ANALYSIS_FILE = "FAILURE_ANALYSIS.md";

const ESCALATION_INSTRUCTION = [
  "You are a senior software engineer reviewing automated fixes that failed.",
  "The user's message is a failure report: for each file, the issue it was meant to fix, the error of each",
  "attempt, the error output, the code of the last attempt and what context may have been missing.",
  "For each file, explain the most likely root cause of the failures, say what information or change is",
  "needed, and give a concrete plan (with code where it helps) that a person or a later attempt can follow.",
  "Be specific to the code shown. Answer in markdown, one section per file.",
].join("\n");

interface EscalationOutcome {
  file: string | null;
  cost: number | null;
  model: string | null;
  skipped?: string;
}

/** Send the failure report to a stronger model and save its analysis beside the report. */
export async function escalate(options: {
  reportFile: string;
  reportText: string;
  model: string;
  /** The run's settings; carried over to the escalation model within its own limits. */
  settings: GenerationSettings;
  warn?: (message: string) => void;
  deps: SendingDeps;
  costs: CostTracker;
  signal?: AbortSignal;
  runName: string;
}): Promise<EscalationOutcome> {
  const { deps } = options;
  const at = deps.clock?.now() ?? Date.now();
  const promptTokens = estimateTokens(`${ESCALATION_INSTRUCTION}\n${options.reportText}`);
  try {
    checkRetirement(options.model, {
      now: at,
      ...(deps.pricing ? { pricing: deps.pricing } : {}),
      allowRetired: options.settings.allowRetired,
      ...(options.warn ? { warn: options.warn } : {}),
    });
  } catch (error) {
    return { file: null, cost: null, model: null, skipped: toCliError(error).message };
  }
  // The same settings checked against the escalation model: another model has its own output limit and thinking
  // control.
  const settings = settingsForModel(options.settings, options.model, {
    ...(deps.pricing ? { pricing: deps.pricing } : {}),
    ...(options.warn ? { warn: options.warn } : {}),
  });
  const maxTokens = sizeMaxTokens(settings, 0, deps.pricing);
  const remaining = options.costs.remaining();
  if (remaining !== undefined) {
    const estimate = deps.pricing
      ? estimateRequestCost({ model: options.model, promptTokens, maxTokens, at }, deps.pricing)
      : null;
    if (estimate === null)
      return {
        file: null,
        cost: null,
        model: null,
        skipped: `no price is known for ${options.model}, so max_cost cannot cover the escalation`,
      };
    if (estimate > remaining)
      return {
        file: null,
        cost: null,
        model: null,
        skipped: `max_cost: the escalation could cost up to $${estimate.toFixed(4)}, $${remaining.toFixed(4)} is left`,
      };
  }
  const client = deps.client ?? (await deps.createClient?.());
  if (!client) throw new CliError("INTERNAL", "escalate: neither client nor createClient was given");
  try {
    const outcome = await generateContent(
      {
        client,
        ...(deps.clock ? { clock: deps.clock } : {}),
        ...(deps.pricing ? { pricing: deps.pricing } : {}),
        ...(deps.retryPolicy ? { retryPolicy: deps.retryPolicy } : {}),
        ...(deps.ledgerFile
          ? { ledger: { file: deps.ledgerFile, command: deps.ledgerCommand ?? "apply", run: options.runName } }
          : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      },
      {
        model: options.model,
        contents: [{ role: "user", parts: [{ text: options.reportText }] }],
        config: {
          systemInstruction: ESCALATION_INSTRUCTION,
          maxOutputTokens: maxTokens,
          ...(settings.temperature === null ? {} : { temperature: settings.temperature }),
          ...(settings.thinking ? { thinkingConfig: thinkingConfigFor(settings.thinking) as never } : {}),
        },
      },
      { estimatedTokens: promptTokens, context: "escalation" },
    );
    const answeredBy = outcome.modelVersion ?? options.model;
    const file = path.join(path.dirname(options.reportFile), ANALYSIS_FILE);
    const cut =
      outcome.finishReason && outcome.finishReason !== "STOP"
        ? `\n\n> The analysis stopped early (finish reason ${outcome.finishReason}).\n`
        : "\n";
    await writeFileAtomically(
      file,
      `# Failure Analysis (${answeredBy})\n\nAn analysis of [${path.basename(options.reportFile)}](${path.basename(options.reportFile)}).\n\n${outcome.text.trim()}${cut}`,
    );
    return { file, cost: outcome.cost.cost, model: answeredBy };
  } catch (error) {
    const cliError = toCliError(error);
    if (options.signal?.aborted || cliError.code === "INTERRUPTED") throw cliError;
    return { file: null, cost: null, model: null, skipped: `the escalation request failed: ${cliError.message}` };
  }
}
