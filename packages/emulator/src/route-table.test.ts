import { describe, expect, it } from "vitest";

import { matchRoute, normalizeRouteName } from "./route-table.js";

describe("route table", () => {
  it("maps the SDK's paths to routes", () => {
    expect(matchRoute("POST", "/v1beta/models/gemini-2.5-flash:generateContent")).toEqual({
      route: "generateContent",
      resource: "models/gemini-2.5-flash",
    });
    expect(matchRoute("POST", "/v1alpha/tunedModels/my-tuned:streamGenerateContent")?.resource).toBe(
      "tunedModels/my-tuned",
    );
    expect(matchRoute("POST", "/upload/v1beta/files")?.route).toBe("files.upload");
    expect(matchRoute("GET", "/v1beta/files/abc:download")).toEqual({ route: "files.download", resource: "abc" });
    expect(matchRoute("GET", "/download/v1beta/files/abc:download")?.route).toBe("files.download");
    expect(matchRoute("POST", "/v1beta/batches/abc:cancel")?.route).toBe("batches.cancel");
    expect(matchRoute("PATCH", "/v1beta/cachedContents/c1")?.route).toBe("caches.update");
    expect(matchRoute("POST", "/v1beta/cachedContents")?.route).toBe("caches.create");
    expect(matchRoute("GET", "/v1beta/models/gemini-2.5-flash:generateContent")).toBeUndefined();
    expect(matchRoute("POST", "/v1beta/files")).toBeUndefined();
  });

  it("normalizes route spellings used in fault rules", () => {
    expect(normalizeRouteName("upload")).toBe("files.upload");
    expect(normalizeRouteName("batch.get")).toBe("batches.get");
    expect(normalizeRouteName("cachedContents.list")).toBe("caches.list");
    expect(normalizeRouteName("nope")).toBeUndefined();
  });
});
