export { checkFixedBytes } from "./reply-text.js";
export { CONTEXT_JSON } from "./context-file.js";
export { runExtract } from "./run-extract.js";
