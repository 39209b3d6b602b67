export { checkFixedBytes } from "./reply-text.js";
export { CONTEXT_JSON, readExtractionContext } from "./context-file.js";
export { runExtract } from "./run-extract.js";
