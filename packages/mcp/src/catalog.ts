import { CliError, type CommandDefinition, type LazyCommand } from "@gembatch/core";
import { z } from "zod";
import { TOOLS, type ToolSpec } from "./tools.js";

/** A tool as `tools/list` shows it. */
interface ListedTool {
  name: string;
  title: string;
  description: string;
  inputSchema: { type: "object"; [key: string]: unknown };
  annotations: ToolSpec["annotations"] & { title: string };
}

/**
 * The tool's input schema is the command's own zod schema, as JSON Schema of what a caller sends
 * (`io: "input"`: a field with a default is optional to the caller).
 */
export function inputJsonSchema(schema: z.ZodType): ListedTool["inputSchema"] {
  const json = z.toJSONSchema(schema, { io: "input" }) as Record<string, unknown>;
  if (json.type !== "object") throw new CliError("INTERNAL", "a tool's schema must be an object schema");
  return json as ListedTool["inputSchema"];
}

export interface Catalog {
  tools: readonly ToolSpec[];
  find(name: string): ToolSpec | undefined;
  /** The command definition a tool runs; packages are imported on first use, never at start-up. */
  definition(spec: ToolSpec): Promise<CommandDefinition>;
  list(): Promise<ListedTool[]>;
}

export function createCatalog(commands: readonly LazyCommand[], tools: readonly ToolSpec[] = TOOLS): Catalog {
  const loaded = new Map<string, Promise<CommandDefinition>>();
  const load = (name: string) => {
    let pending = loaded.get(name);
    if (!pending) {
      const lazy = commands.find((c) => c.name === name);
      if (!lazy?.load) throw new CliError("INTERNAL", `no command ${name} to serve as a tool`);
      pending = lazy.load();
      loaded.set(name, pending);
    }
    return pending;
  };
  async function definition(spec: ToolSpec): Promise<CommandDefinition> {
    const [name, sub] = spec.command;
    const parent = await load(name);
    if (sub === undefined) return parent;
    const child = parent.subcommands?.find((c) => c.name === sub);
    if (!child) throw new CliError("INTERNAL", `no command ${name} ${sub} to serve as a tool`);
    return child;
  }
  return {
    tools,
    find: (name) => tools.find((t) => t.name === name),
    definition,
    async list() {
      return Promise.all(
        tools.map(async (spec) => {
          const command = await definition(spec);
          return {
            name: spec.name,
            title: spec.title,
            description: `${spec.effects}\n\n${command.description ?? command.summary}`,
            inputSchema: inputJsonSchema(command.schema),
            annotations: { title: spec.title, ...spec.annotations },
          };
        }),
      );
    },
  };
}
