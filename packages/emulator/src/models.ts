import { modelNotFound } from "./google-errors.js";

/** Retired families answer 404 on the real API; everything else named gemini-*, gemma-* or learnlm-* is served. */
const RETIRED = /^gemini-(pro|pro-vision|ultra|1\.0-.*|1\.5-.*|2\.0-.*)$/;
const SERVED = /^(gemini|gemma|learnlm)-[a-z0-9][a-z0-9.-]*$/;

/** `models/x` → `x`; `tunedModels/x` is kept whole. */
export function modelId(resource: string): string {
  return resource.startsWith("models/") ? resource.slice("models/".length) : resource;
}

function isServedModel(id: string, allowList: readonly string[] | undefined): boolean {
  if (id.startsWith("tunedModels/")) return true;
  if (allowList) return allowList.some((m) => m.replace(/^models\//, "") === id);
  return SERVED.test(id) && !RETIRED.test(id);
}

/** Throws Google's 404 for a model the emulator does not serve. */
export function checkModel(resource: string, method: string, allowList: readonly string[] | undefined): string {
  const id = modelId(resource);
  if (!isServedModel(id, allowList)) throw modelNotFound(resource, method);
  return id;
}
