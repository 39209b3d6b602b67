import { defineCommand, type LazyCommand } from "@gembatch/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createCatalog, inputJsonSchema } from "./catalog.js";
import type { ToolSpec } from "./tools.js";

const command = (name: string, schema: z.ZodType, subcommands: ReturnType<typeof defineCommand>[] = []) =>
  defineCommand({
    name,
    summary: `${name} summary`,
    options: [],
    examples: [],
    schema,
    subcommands,
    run: () => Promise.resolve({ success: true }),
    renderText: () => "",
  });

const tool = (name: string, cmd: ToolSpec["command"]): ToolSpec => ({
  name,
  command: cmd,
  title: name,
  effects: `${name} effects.`,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  paths: [],
});

describe("createCatalog", () => {
  it("loads a command only when a client first needs it, and finds subcommands", async () => {
    const loads: string[] = [];
    const status = command("status", z.object({ watch: z.boolean().default(false) }).strict());
    const commands: LazyCommand[] = [
      {
        name: "submit",
        summary: "",
        load: () => {
          loads.push("submit");
          return Promise.resolve(command("submit", z.object({}).strict(), [status]));
        },
      },
      {
        name: "send",
        summary: "",
        load: () => {
          loads.push("send");
          return Promise.resolve(command("send", z.object({ max_cost: z.number().optional() }).strict()));
        },
      },
    ];
    const catalog = createCatalog(commands, [tool("send", ["send"]), tool("submit-status", ["submit", "status"])]);
    expect(loads).toEqual([]);
    expect(await catalog.definition(catalog.find("submit-status")!)).toBe(status);
    expect(loads).toEqual(["submit"]);
    const listed = await catalog.list();
    expect(loads).toEqual(["submit", "send"]);
    expect(listed[1]).toEqual({
      name: "submit-status",
      title: "submit-status",
      description: "submit-status effects.\n\nstatus summary",
      inputSchema: z.toJSONSchema(status.schema, { io: "input" }),
      annotations: {
        title: "submit-status",
        readOnlyHint: false,
        destructiveHint: true,
        idempotentHint: false,
        openWorldHint: true,
      },
    });
  });

  it("publishes what a caller sends: a field with a default is optional", () => {
    const schema = inputJsonSchema(z.object({ watch: z.boolean().default(false), dir: z.string() }).strict());
    expect(schema).toMatchObject({ type: "object", required: ["dir"], additionalProperties: false });
  });
});
