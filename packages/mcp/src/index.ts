export { serveMcp, type McpServerOptions } from "./server.js";
export { createCatalog, inputJsonSchema, type Catalog, type ListedTool } from "./catalog.js";
export { callTool, errorResult, type ToolCallIo, type ToolResult } from "./call-tool.js";
export { guardToolPaths } from "./path-guard.js";
export { risingProgress, type ProgressNotice } from "./progress.js";
export { claimStdout } from "./stdout.js";
export { TOOLS, type ToolSpec, type ToolAnnotations, type PathField } from "./tools.js";
export { capCost } from "./cost-cap.js";
