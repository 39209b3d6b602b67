import type { Content, GenerateContentConfig } from "@google/genai";
import { thinkingConfigFor, type ThinkingSetting } from "@gembatch/core";

export const startMarker = (file: string) => `<!-- CODE_FILE_START: ${file} -->`;
export const endMarker = (file: string) => `<!-- CODE_FILE_END: ${file} -->`;

/** The same for every file and every run, so it belongs to the prefix Google's implicit cache can reuse. */
export const SYSTEM_INSTRUCTION = [
  "You are an expert software engineer fixing code in an existing project.",
  "",
  "The user's message starts with an issue report: what is wrong, which files need fixing, and the complete",
  "current content of the relevant project files, each between <!-- CODE_CONTEXT_START: path --> and",
  "<!-- CODE_CONTEXT_END: path --> markers. After the report comes a request that names exactly ONE file to fix.",
  "",
  "Reply with the complete fixed content of that one file, in exactly this shape:",
  "",
  "<!-- CODE_FILE_START: path/of/the/file -->",
  "<opening fence><language>",
  "<the complete file>",
  "<closing fence>",
  "<!-- CODE_FILE_END: path/of/the/file -->",
  "",
  "Rules:",
  "- Return the COMPLETE file, from its first line to its last. Never elide, abbreviate or summarise code:",
  '  no "...", no "rest of the file unchanged", no "existing code here" placeholders, not even for parts you',
  "  did not change.",
  "- Return only the one file the request names, never other files, even when they need changes too.",
  "- Use exactly the fence the request gives, for both the opening and the closing line. It is longer than",
  "  any run of backticks inside the file, so the file's own backticks cannot end the block.",
  "- Keep everything the fix does not need to change as it is: formatting, comments, names, behaviour.",
  "- A short note may come before the START marker. Nothing may come after the END marker.",
].join("\n");

interface FilePrompt {
  file: string;
  content: string;
  sha256: string;
  fence: string;
  language: string;
}

/** The per-file request that follows the report: the instructions, then the one file as it is now. */
export function fileInstructions(prompt: FilePrompt): string {
  const { file, content, sha256, fence, language } = prompt;
  const body = content.endsWith("\n") || content === "" ? content : `${content}\n`;
  return [
    `FILE TO FIX: ${file}`,
    "",
    `Fix ${file} as the issue report above describes. Its current content (sha256 ${sha256}) is below;`,
    "it is the file you must return, complete, with the fix applied.",
    "",
    `<!-- CURRENT_FILE_START: ${file} -->`,
    `${fence}${language}`,
    `${body}${fence}`,
    `<!-- CURRENT_FILE_END: ${file} -->`,
    "",
    "Reply in exactly this shape, with these exact marker and fence lines:",
    "",
    startMarker(file),
    `${fence}${language}`,
    `(the complete fixed ${file})`,
    fence,
    endMarker(file),
    "",
    `The fence is ${fence.length} backticks (${fence}) both to open and to close the block.`,
    `Return the whole of ${file}: do not elide, abbreviate or summarise any part of it. Return no other file.`,
  ].join("\n");
}

/** Asks for the rest of a reply that hit the output-token limit. */
export function continuationInstruction(prompt: Pick<FilePrompt, "file" | "fence">): string {
  return [
    "Your previous reply was cut off by the output token limit.",
    "Continue EXACTLY where it stopped: the first character you write must directly follow the last character",
    "of your previous reply, even in the middle of a line or a word. Do not repeat anything already written,",
    "do not restart the file or the block, and add no commentary.",
    `Finish ${prompt.file}, close the block with ${prompt.fence} and end with ${endMarker(prompt.file)}`,
  ].join("\n");
}

export interface BuiltRequest {
  contents: Content[];
  config: GenerateContentConfig;
}

interface RequestShape {
  report: string;
  instructions: string;
  maxTokens: number;
  temperature?: number;
  thinking?: ThinkingSetting;
  /** With an explicit cache the system instruction and the report live in the cache. */
  cachedContent?: string;
  /** The reply so far (every earlier part, stitched) when asking for the rest. */
  partial?: string;
  continuation?: string;
}

/**
 * The report first and unchanged, then the per-file instructions; a continuation appends the reply so
 * far as the model's turn, followed by the request to go on.
 */
export function buildRequest(shape: RequestShape): BuiltRequest {
  const first: Content = {
    role: "user",
    parts: shape.cachedContent
      ? [{ text: shape.instructions }]
      : [{ text: shape.report }, { text: shape.instructions }],
  };
  const contents: Content[] = [first];
  if (shape.partial !== undefined && shape.continuation !== undefined) {
    contents.push(
      { role: "model", parts: [{ text: shape.partial }] },
      { role: "user", parts: [{ text: shape.continuation }] },
    );
  }
  const config: GenerateContentConfig = {
    maxOutputTokens: shape.maxTokens,
    ...(shape.temperature === undefined ? {} : { temperature: shape.temperature }),
    ...(shape.thinking
      ? { thinkingConfig: thinkingConfigFor(shape.thinking) as NonNullable<GenerateContentConfig["thinkingConfig"]> }
      : {}),
    ...(shape.cachedContent ? { cachedContent: shape.cachedContent } : { systemInstruction: SYSTEM_INSTRUCTION }),
  };
  return { contents, config };
}

/** All prompt text of a request, cached parts included, for token estimates. */
export function requestText(request: BuiltRequest, cachedText = ""): string {
  const parts = request.contents.flatMap((c) => (c.parts ?? []).map((p) => p.text ?? ""));
  const system = typeof request.config.systemInstruction === "string" ? request.config.systemInstruction : "";
  return [cachedText, system, ...parts].join("\n");
}
