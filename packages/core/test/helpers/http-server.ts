import http from "node:http";
import type { AddressInfo } from "node:net";
import { onTestFinished } from "vitest";

export interface Reply {
  status: number;
  body: unknown;
}

/** A local HTTP server answering each request with the next scripted reply (the last one repeats). */
export async function scriptedServer(
  replies: Reply[] | ((n: number) => Reply),
): Promise<{ url: string; requests: () => number }> {
  let count = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const reply = typeof replies === "function" ? replies(count) : replies[Math.min(count, replies.length - 1)]!;
      count += 1;
      res.writeHead(reply.status, { "content-type": "application/json" });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  server.unref();
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => count };
}

export const okReply: Reply = {
  status: 200,
  body: {
    candidates: [{ content: { role: "model", parts: [{ text: "ok" }] }, finishReason: "STOP", index: 0 }],
    usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 1, totalTokenCount: 11 },
    modelVersion: "gemini-2.5-flash",
  },
};

export function quota429(options: { quotaId: string; retryDelay?: string }): Reply {
  const details: unknown[] = [
    {
      "@type": "type.googleapis.com/google.rpc.QuotaFailure",
      violations: [
        {
          quotaMetric: "generativelanguage.googleapis.com/generate_content_requests",
          quotaId: options.quotaId,
          quotaDimensions: { location: "global", model: "gemini-2.5-flash" },
          quotaValue: "10",
        },
      ],
    },
    {
      "@type": "type.googleapis.com/google.rpc.Help",
      links: [
        { description: "Learn more about Gemini API quotas", url: "https://ai.google.dev/gemini-api/docs/rate-limits" },
      ],
    },
  ];
  if (options.retryDelay)
    details.push({ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: options.retryDelay });
  return {
    status: 429,
    body: {
      error: {
        code: 429,
        message: "You exceeded your current quota, please check your plan and billing details.",
        status: "RESOURCE_EXHAUSTED",
        details,
      },
    },
  };
}

export function errorReply(status: number, statusText: string, message: string): Reply {
  return { status, body: { error: { code: status, message, status: statusText } } };
}
