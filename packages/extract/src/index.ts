export {
  extractFromText,
  hasCompleteMarkers,
  stoppedEarly,
  countLines,
  sha256,
  NO_MARKERS_HINT,
} from "./extract-text.js";
export { detectElision, isPlaceholderComment, type ElisionHit } from "./elision.js";
export { languageOf } from "./language.js";
export { checkRelativePath, type PathCheck } from "./paths.js";
export { applyFileFormat, detectFileFormat, DEFAULT_FORMAT } from "./file-format.js";
export { checkFixedBytes, checkFixedText, checkShebang, type FixedTextProblem } from "./reply-text.js";
export { parseMarkerLine, lastStartMarkerPath, type MarkerLine } from "./markers.js";
export { scanReply, type RawBlock, type ScanResult } from "./scan-reply.js";
export { describeReply, listResponses, ResponseMetaSchema, type ReplySource, type ResponseMeta } from "./run-dir.js";
export { CONTEXT_JSON, CONTEXT_MARKDOWN, type ExtractionContext, type ContextSource } from "./context-file.js";
export {
  runExtract,
  type RunExtractOptions,
  type RunExtractDeps,
  type ExtractResult,
  type ExtractedFile,
  type FileRefusal,
} from "./run-extract.js";
export {
  RefusalCodes,
  type RefusalCode,
  type Refusal,
  type ExtractedBlock,
  type ExtractTextOptions,
  type ExtractTextResult,
  type FileFormat,
} from "./types.js";
