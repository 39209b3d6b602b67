export { tempTree, writeTree, git, gitInit, commitAll, invoke, type Tree } from "./fixture.js";
export { waitFor, alive } from "./processes.js";
