import type { CommandRun } from "../../src/verify/run-command.js";

export function commandRun(output: string, exit: number | null, extra?: Partial<CommandRun>): CommandRun;
export function tapOutput(tests: number, failing: ReadonlySet<number>, root: string): string;
export function pytestOutput(tests: number, failing: ReadonlySet<number>): string;
