export { checkFixedBytes } from "./reply-text.js";
export { CONTEXT_JSON, readExtractionContext, type ExtractionContext } from "./context-file.js";
export { runExtract, type ExtractResult } from "./run-extract.js";
