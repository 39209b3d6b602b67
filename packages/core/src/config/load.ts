import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { CliError } from "../errors.js";
import { registerSecret } from "../log/redact.js";
import { formatZodError } from "../cli/validation.js";
import { createPricing, type Pricing } from "../pricing/cost.js";
import { defaultRetryPolicy, type RetryPolicy } from "../retry/retry.js";
import { userStateDir } from "../safety/state-dir.js";
import { DEFAULT_ESCALATION_MODEL, DEFAULT_MODEL } from "../pricing/prices.js";
import { ConfigFileSchema, type ConfigFile, type RateLimits } from "./schema.js";

const CONFIG_FILE_NAME = "gembatch.config.json";

type Source = "flag" | "env" | "config" | "default";

export interface ResolvedConfig {
  projectRoot: string;
  configFile: string | null;
  file: ConfigFile;
  model: string;
  modelSource: Source;
  escalationModel: string;
  apiKey: string | undefined;
  apiKeySource: "GEMINI_API_KEY" | "GOOGLE_API_KEY" | undefined;
  baseUrl: string | undefined;
  baseUrlSource: Source;
  timeoutMs: number;
  rateLimits: RateLimits;
  retry: RetryPolicy;
  pricing: Pricing;
  verify: string[];
  tmpDir: string;
  issuesDir: string;
  ledgerFile: string;
}

/** Walk up from cwd to the directory holding the config file, else the git root, else cwd (`marked` false). */
export function findProjectRoot(cwd: string): { root: string; configFile: string | null; marked: boolean } {
  let dir = path.resolve(cwd);
  for (;;) {
    const candidate = path.join(dir, CONFIG_FILE_NAME);
    if (existsSync(candidate)) return { root: dir, configFile: candidate, marked: true };
    if (existsSync(path.join(dir, ".git"))) return { root: dir, configFile: null, marked: true };
    const parent = path.dirname(dir);
    if (parent === dir) return { root: path.resolve(cwd), configFile: null, marked: false };
    dir = parent;
  }
}

const KEY_NAMES = /^(api_?key|apikey|gemini_api_key|google_api_key|key|x-goog-api-key)$/i;

/**
 * Pure: validate a parsed config object, naming the file and key on failure. An API key in the file is
 * refused before anything else, without its value in the message, and is registered for scrubbing.
 */
function validateConfig(raw: unknown, fileLabel: string): ConfigFile {
  if (raw !== null && typeof raw === "object" && !Array.isArray(raw)) {
    const keyName = Object.keys(raw).find((name) => KEY_NAMES.test(name));
    if (keyName) {
      const value = (raw as Record<string, unknown>)[keyName];
      if (typeof value === "string") registerSecret(value);
      throw new CliError(
        "CONFIG_INVALID",
        `${fileLabel}: ${keyName}: an API key does not belong in the config file (it is committed with the code); its value was not read`,
        {
          hint: "remove it from the file (and rotate the key if it was ever committed); set GEMINI_API_KEY in the environment instead",
        },
      );
    }
  }
  const parsed = ConfigFileSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const { message, problems } = formatZodError(parsed.error, Object.keys(ConfigFileSchema.shape));
  throw new CliError("CONFIG_INVALID", `${fileLabel}: ${message}`, {
    hint: `fix ${fileLabel} or remove the key; see docs/configuration.md`,
    details: { problems },
  });
}

/** The JSON of a file the user writes (config, rules), or CONFIG_INVALID naming it and the syntax error. */
export function parseConfigJson(text: string, label: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError("CONFIG_INVALID", `${label}: not valid JSON (${(error as Error).message})`, {
      hint: `fix the JSON syntax in ${label}`,
    });
  }
}

function readConfigFile(file: string, label = path.basename(file)): ConfigFile {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new CliError("CONFIG_INVALID", `${label}: cannot be read`, { hint: "check the file's permissions" });
  }
  return validateConfig(parseConfigJson(text, label), label);
}

interface LoadConfigOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Explicit config file (`--config`), instead of searching upwards. */
  configFile?: string | undefined;
  /** Values given as flags or in the JSON argument; they win over everything. */
  overrides?: { model?: string; base_url?: string };
  /** Use defaults and env only (after the file was found invalid). */
  ignoreFile?: boolean;
}

/** Precedence: flag/JSON argument > environment > config file > default. */
export function loadConfig(options: LoadConfigOptions): ResolvedConfig {
  const env = options.env ?? process.env;
  const found = options.configFile
    ? {
        root: path.dirname(path.resolve(options.cwd, options.configFile)),
        configFile: path.resolve(options.cwd, options.configFile),
        marked: true,
      }
    : findProjectRoot(options.cwd);
  if (options.configFile && !options.ignoreFile && !existsSync(found.configFile!)) {
    throw new CliError("FILE_NOT_FOUND", `${options.configFile}: config file not found`, {
      hint: "check the --config path",
    });
  }
  const label = found.configFile ? path.relative(options.cwd, found.configFile) || CONFIG_FILE_NAME : CONFIG_FILE_NAME;
  const file = found.configFile && !options.ignoreFile ? readConfigFile(found.configFile, label) : {};
  const root = found.root;

  const pick = <T>(flag: T | undefined, fromEnv: T | undefined, fromFile: T | undefined, fallback: T): [T, Source] =>
    flag !== undefined
      ? [flag, "flag"]
      : fromEnv !== undefined
        ? [fromEnv, "env"]
        : fromFile !== undefined
          ? [fromFile, "config"]
          : [fallback, "default"];

  const nonEmpty = (value: string | undefined) => (value && value.trim() !== "" ? value.trim() : undefined);
  const [model, modelSource] = pick(options.overrides?.model, nonEmpty(env.GEMBATCH_MODEL), file.model, DEFAULT_MODEL);
  const [baseUrl, baseUrlSource] = pick<string | undefined>(
    options.overrides?.base_url,
    nonEmpty(env.GEMBATCH_BASE_URL),
    file.base_url,
    undefined,
  );
  if (baseUrl !== undefined && !(URL.canParse(baseUrl) && /^https?:$/.test(new URL(baseUrl).protocol))) {
    const where =
      baseUrlSource === "env" ? "GEMBATCH_BASE_URL" : baseUrlSource === "flag" ? "base_url" : `${label}: base_url`;
    throw new CliError("CONFIG_INVALID", `${where}: not a valid URL: ${baseUrl}`, {
      hint: "use a full URL such as http://127.0.0.1:8080",
    });
  }
  const geminiKey = nonEmpty(env.GEMINI_API_KEY);
  const googleKey = nonEmpty(env.GOOGLE_API_KEY);
  const tmpDir = path.resolve(root, file.output?.tmp_dir ?? "tmp");
  return {
    projectRoot: root,
    configFile: found.configFile,
    file,
    model,
    modelSource,
    escalationModel: file.escalation_model ?? DEFAULT_ESCALATION_MODEL,
    apiKey: geminiKey ?? googleKey,
    apiKeySource: geminiKey ? "GEMINI_API_KEY" : googleKey ? "GOOGLE_API_KEY" : undefined,
    baseUrl,
    baseUrlSource,
    timeoutMs: file.timeout_ms ?? 600_000,
    rateLimits: file.rate_limits ?? {},
    retry: {
      maxRetries: file.retry?.max_retries ?? defaultRetryPolicy.maxRetries,
      baseDelayMs: file.retry?.base_delay_ms ?? defaultRetryPolicy.baseDelayMs,
      maxDelayMs: file.retry?.max_delay_ms ?? defaultRetryPolicy.maxDelayMs,
      rateLimitWaitMs: file.retry?.rate_limit_wait_ms ?? defaultRetryPolicy.rateLimitWaitMs,
    },
    pricing: createPricing({ prices: file.pricing, aliases: file.model_aliases }),
    verify: file.verify === undefined ? [] : Array.isArray(file.verify) ? file.verify : [file.verify],
    tmpDir,
    issuesDir: path.resolve(root, file.output?.issues_dir ?? path.join(path.relative(root, tmpDir), "issues")),
    // Outside any project (no config, no git) every directory would be its own root with its own ledger,
    // and `costs` one folder away would find nothing: such calls go to one user-level ledger instead.
    ledgerFile: file.ledger_file
      ? path.resolve(root, file.ledger_file)
      : found.marked
        ? path.join(tmpDir, "gembatch_cost_ledger.jsonl")
        : path.join(userStateDir(env), "cost_ledger.jsonl"),
  };
}
