import { cacheIdFrom, cacheResource } from "../cache-store.js";
import { toTimestamp } from "../clock.js";
import { invalidArgument } from "../google-errors.js";
import { checkModel } from "../models.js";
import { paginate } from "../pager.js";
import type { RouteContext } from "./context.js";

export async function createCache(ctx: RouteContext): Promise<void> {
  const { state } = ctx;
  const body = await ctx.json();
  if (typeof body.model !== "string" || body.model === "") {
    throw invalidArgument("* CreateCachedContentRequest.cached_content.model: model is required\n");
  }
  const resource = body.model.includes("/") ? body.model : `models/${body.model}`;
  const model = checkModel(resource, "createCachedContent", state.settings.models);
  const cache = state.caches.create(body, model);
  state.recorder.cache({
    name: `cachedContents/${cache.id}`,
    model,
    displayName: cache.displayName ?? null,
    tokens: cache.tokens,
    createTime: toTimestamp(cache.createTime),
    deleted: false,
  });
  ctx.send(200, cacheResource(cache));
}

export function getCache(ctx: RouteContext): void {
  ctx.send(200, cacheResource(ctx.state.caches.get(cacheIdFrom(ctx.resource ?? ""))));
}

export function listCaches(ctx: RouteContext): void {
  const page = paginate(ctx.state.caches.list(), ctx.query, { defaultSize: 10, maxSize: 1000 });
  const cachedContents = page.items.map(cacheResource);
  ctx.send(200, {
    ...(cachedContents.length > 0 ? { cachedContents } : {}),
    ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
  });
}

export async function updateCache(ctx: RouteContext): Promise<void> {
  const cache = ctx.state.caches.update(cacheIdFrom(ctx.resource ?? ""), await ctx.json());
  ctx.send(200, cacheResource(cache));
}

export function deleteCache(ctx: RouteContext): void {
  const id = cacheIdFrom(ctx.resource ?? "");
  ctx.state.caches.remove(id);
  ctx.state.recorder.cacheDeleted(`cachedContents/${id}`);
  ctx.send(200, {});
}
