export { applyCommand } from "./apply-command.js";
export { scanAndFixCommand } from "./scan-and-fix-command.js";
