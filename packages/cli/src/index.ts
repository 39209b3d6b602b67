export { costsCommand } from "./commands/costs.js";
export { doctorCommand } from "./commands/doctor.js";
