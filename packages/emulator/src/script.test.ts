import { describe, expect, it } from "vitest";

import { EmulatorConfigError } from "./config-error.js";
import { parseScript } from "./script-schema.js";
import { createScriptEngine, DEFAULT_REPLY, type ScriptRequest } from "./script.js";

const request = (text: string, extra: Partial<ScriptRequest> = {}): ScriptRequest => ({
  route: "generateContent",
  model: "gemini-2.5-flash",
  text,
  ...extra,
});

describe("script validation", () => {
  it("names the offending field in one line", () => {
    const bad = (input: unknown) => {
      try {
        parseScript(input);
      } catch (error) {
        expect(error).toBeInstanceOf(EmulatorConfigError);
        return (error as Error).message;
      }
      throw new Error("expected a config error");
    };
    expect(bad({ replies: [{ reply: { finishReason: "DONE" } }] })).toMatch(
      /^script\.replies\[0\]\.reply\.finishReason: Invalid option/,
    );
    expect(bad([{ match: { regex: "(" }, reply: {} }])).toBe(
      "script.replies[0].match.regex: invalid regular expression",
    );
    expect(bad({ replys: [] })).toBe('script: unknown key "replys"');
    expect(bad({ batches: [{ outcome: "DONE" }] })).toMatch(/^script\.batches\[0\]\.outcome: /);
    expect(bad({ replies: [{ reply: { text: "x" }, times: 0 }] })).toMatch(/^script\.replies\[0\]\.times: /);
    expect(bad({ replies: [{ reply: { error: { code: 200 } } }] })).toMatch(
      /^script\.replies\[0\]\.reply\.error\.code: /,
    );
  });

  it("accepts a bare list of entries", () => {
    expect(parseScript([{ reply: { text: "x" } }]).replies).toHaveLength(1);
  });
});

describe("script matching", () => {
  it("matches text, key and route, and falls back to the default reply", () => {
    const engine = createScriptEngine(
      parseScript([
        { match: { key: "row-1" }, reply: { text: "by key" } },
        { match: { route: "sync", text: "hello" }, reply: { text: "sync hello" } },
      ]),
    );
    expect(engine.reply(request("hello", { route: "batch", key: "row-1" })).reply.text).toBe("by key");
    expect(engine.reply(request("hello", { route: "batch", key: "row-2" })).reply).toBe(DEFAULT_REPLY);
    expect(engine.reply(request("say hello", { route: "streamGenerateContent" })).reply.text).toBe("sync hello");
  });

  it("nth counts every request matching the entry's criteria, even ones an earlier entry answered", () => {
    const engine = createScriptEngine(
      parseScript([
        { match: { text: "a" }, times: 1, reply: { text: "first" } },
        { match: { text: "a", nth: 2 }, reply: { text: "second" } },
      ]),
    );
    const texts = [1, 2, 3].map(() => engine.reply(request("a")).reply.text);
    expect(texts).toEqual(["first", "second", DEFAULT_REPLY.text]);
    engine.rewind();
    expect(engine.reply(request("a")).reply.text).toBe("first");
  });

  it("ignores g and y flags so a regex matches every time", () => {
    const engine = createScriptEngine(parseScript([{ match: { regex: "/abc/gi" }, reply: { text: "hit" } }]));
    expect(engine.reply(request("xABCx")).reply.text).toBe("hit");
    expect(engine.reply(request("xABCx")).reply.text).toBe("hit");
  });

  it("picks batch plans by display name, regex, model, source and nth", () => {
    const engine = createScriptEngine(
      parseScript({
        batches: [
          { match: { displayName: "part-", nth: 2 }, outcome: "FAILED" },
          { match: { displayNameRegex: "^part-\\d+$", source: "file" }, outcome: "EXPIRED" },
        ],
      }),
    );
    const plan = (displayName: string, source: "inline" | "file" = "file") =>
      engine.plan({ displayName, model: "gemini-2.5-flash", source })?.outcome;
    expect(plan("part-1")).toBe("EXPIRED");
    expect(plan("part-2")).toBe("FAILED");
    expect(plan("part-3", "inline")).toBeUndefined();
  });
});
