import os from "node:os";
import path from "node:path";

/** gembatch's user-level directory: GEMBATCH_STATE_DIR, else $XDG_STATE_HOME/gembatch, else ~/.local/state/gembatch. */
export function userStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return (
    env.GEMBATCH_STATE_DIR || path.join(env.XDG_STATE_HOME || path.join(os.homedir(), ".local", "state"), "gembatch")
  );
}
