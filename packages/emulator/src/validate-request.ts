import { invalidArgument, unknownField, type GoogleApiError } from "./google-errors.js";

/** The fields of a GenerateContentRequest the emulator acts on, after validation. */
export interface GenerateRequest {
  contents: unknown[];
  systemInstruction: unknown;
  cachedContent: string | undefined;
  maxOutputTokens: number | undefined;
  includeThoughts: boolean;
  /** The generation settings as sent, for the record (tests check what reached the server). */
  settings: GenerationSettingsSeen;
  hasTools: boolean;
}

export interface GenerationSettingsSeen {
  maxOutputTokens?: number;
  temperature?: number;
  thinkingLevel?: string;
  thinkingBudget?: number;
}

const REQUEST_FIELDS = new Set([
  "contents",
  "systemInstruction",
  "tools",
  "toolConfig",
  "safetySettings",
  "generationConfig",
  "cachedContent",
  "labels",
  "serviceTier",
  "model",
  "store",
]);

const GENERATION_CONFIG_FIELDS = new Set([
  "stopSequences",
  "responseMimeType",
  "responseSchema",
  "responseJsonSchema",
  "responseModalities",
  "candidateCount",
  "maxOutputTokens",
  "temperature",
  "topP",
  "topK",
  "seed",
  "presencePenalty",
  "frequencyPenalty",
  "responseLogprobs",
  "logprobs",
  "enableEnhancedCivicAnswers",
  "speechConfig",
  "thinkingConfig",
  "mediaResolution",
  "imageConfig",
  "audioTranscriptionConfig",
  "routingConfig",
  "modelSelectionConfig",
]);

type Json = Record<string, unknown>;

/** Proto JSON accepts both `lowerCamel` and `snake_case` field names. */
function camel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function field(object: Json, name: string): unknown {
  if (object[name] !== undefined) return object[name];
  const snake = name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return object[snake];
}

function asObject(value: unknown): Json | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Json) : undefined;
}

function checkFields(object: Json, known: Set<string>, at?: string): void {
  for (const name of Object.keys(object)) {
    if (!known.has(camel(name))) throw unknownField(name, at);
  }
}

function notSpecified(path: string, what: string): GoogleApiError {
  return invalidArgument(`* GenerateContentRequest.${path}: ${what}\n`);
}

/** Validates a GenerateContentRequest body as the API does; throws a 400 GoogleApiError when it would. */
export function validateGenerateRequest(body: Json): GenerateRequest {
  checkFields(body, REQUEST_FIELDS);
  const contents = field(body, "contents");
  if (contents === undefined || (Array.isArray(contents) && contents.length === 0)) {
    throw notSpecified("contents", "contents is not specified");
  }
  if (!Array.isArray(contents))
    throw invalidArgument("Invalid JSON payload received. Proto field is not repeating, cannot start list.");
  contents.forEach((content, i) => {
    const parts = asObject(content)?.parts;
    if (!Array.isArray(parts) || parts.length === 0) {
      throw notSpecified(`contents[${i}].parts`, "contents.parts must not be empty.");
    }
  });
  const generationConfig = asObject(field(body, "generationConfig")) ?? {};
  checkFields(generationConfig, GENERATION_CONFIG_FIELDS, "generation_config");
  const maxOutputTokens = field(generationConfig, "maxOutputTokens");
  const thinkingConfig = asObject(field(generationConfig, "thinkingConfig")) ?? {};
  const cachedContent = field(body, "cachedContent");
  const tools = field(body, "tools");
  return {
    contents,
    systemInstruction: field(body, "systemInstruction"),
    cachedContent: typeof cachedContent === "string" && cachedContent !== "" ? cachedContent : undefined,
    maxOutputTokens: typeof maxOutputTokens === "number" && maxOutputTokens > 0 ? maxOutputTokens : undefined,
    includeThoughts: field(thinkingConfig, "includeThoughts") === true,
    settings: seenSettings(generationConfig, thinkingConfig),
    hasTools: (Array.isArray(tools) && tools.length > 0) || field(body, "toolConfig") !== undefined,
  };
}

function seenSettings(generationConfig: Json, thinkingConfig: Json): GenerationSettingsSeen {
  const maxOutputTokens = field(generationConfig, "maxOutputTokens");
  const temperature = field(generationConfig, "temperature");
  const level = field(thinkingConfig, "thinkingLevel");
  const budget = field(thinkingConfig, "thinkingBudget");
  return {
    ...(typeof maxOutputTokens === "number" ? { maxOutputTokens } : {}),
    ...(typeof temperature === "number" ? { temperature } : {}),
    ...(typeof level === "string" ? { thinkingLevel: level } : {}),
    ...(typeof budget === "number" ? { thinkingBudget: budget } : {}),
  };
}

/** Validates a countTokens body: `contents`, or a whole `generateContentRequest`. */
export function validateCountTokensRequest(body: Json): { contents: unknown[]; systemInstruction: unknown } {
  checkFields(body, new Set(["contents", "generateContentRequest"]));
  const nested = asObject(field(body, "generateContentRequest"));
  if (nested) {
    const request = validateGenerateRequest(nested);
    return { contents: request.contents, systemInstruction: request.systemInstruction };
  }
  const contents = field(body, "contents");
  if (!Array.isArray(contents) || contents.length === 0) {
    throw invalidArgument("* CountTokensRequest.contents: contents is not specified\n");
  }
  return { contents, systemInstruction: undefined };
}
