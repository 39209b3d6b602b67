import { Writable } from "node:stream";

/**
 * Take stdout for protocol messages alone: the returned stream writes to it, and every other write to
 * process.stdout (a dependency's stray log line) is sent to stderr instead, where it cannot corrupt the
 * JSON-RPC stream the client reads.
 */
export function claimStdout(
  stdout: NodeJS.WriteStream = process.stdout,
  stderr: NodeJS.WriteStream = process.stderr,
): Writable {
  const write: (chunk: Buffer | string) => boolean = stdout.write.bind(stdout);
  const protocol = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      if (write(chunk)) done();
      else stdout.once("drain", () => done());
    },
  });
  stdout.write = ((...args: Parameters<NodeJS.WriteStream["write"]>) =>
    stderr.write(...(args as [string]))) as NodeJS.WriteStream["write"];
  return protocol;
}
