import type { JobStatus, StatusSummary } from "./status.js";

export function jobLine(j: JobStatus): string {
  const flags = j.flags.length ? `  [${j.flags.join(", ")}]` : "";
  return `batch ${String(j.batch).padStart(4)}  ${j.state.padEnd(10)} ${j.succeeded + j.failed}/${j.requests} done${j.failed ? ` (${j.failed} failed)` : ""}  ${j.job_name}${flags}`;
}

/** One line per job whose state, progress or flags changed since the previous poll (all of them the first time). */
export function changes(previous: Map<number, string>, summary: StatusSummary): string[] {
  const lines: string[] = [];
  for (const job of summary.jobs) {
    const now = `${job.state} ${job.succeeded + job.failed}/${job.requests} ${job.flags.join(",")}`;
    const before = previous.get(job.batch);
    if (before === now) continue;
    const was = before?.split(" ")[0];
    lines.push(was && was !== job.state ? `${jobLine(job)}  (was ${was})` : jobLine(job));
    previous.set(job.batch, now);
  }
  return lines;
}
