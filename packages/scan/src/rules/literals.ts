/**
 * Required literals of a regular expression: a set of strings, one of which occurs in every match.
 * A file that contains none of them cannot match, so the engine skips the regex with a cheap
 * `includes`. The analysis is conservative: anything it does not fully understand yields null
 * (no prefilter), never a wrong set.
 */

interface Info {
  /** The node always matches exactly this string. */
  exact: string | null;
  /** One of these strings occurs in every match of the node; null when unknown. */
  need: string[] | null;
  /** Sets that are all required at once (each: one of its strings occurs in every match). */
  all: string[][];
}

class Unsupported extends Error {}

const NONE: Info = { exact: null, need: null, all: [] };
const EMPTY: Info = { exact: "", need: null, all: [] };
const MAX_SET = 16;

function score(set: string[]): number {
  return Math.min(...set.map((s) => s.length)) * 100 - set.length;
}

function best(candidates: string[][]): string[] | null {
  let chosen: string[] | null = null;
  for (const set of candidates) {
    if (set.length === 0 || set.length > MAX_SET || set.some((s) => s === "")) continue;
    if (!chosen || score(set) > score(chosen)) chosen = set;
  }
  return chosen;
}

function needOf(info: Info): string[] | null {
  return info.exact ? [info.exact] : info.need;
}

function allOf(info: Info): string[][] {
  return info.exact ? [[info.exact]] : info.all;
}

function literal(text: string): Info {
  return { exact: text, need: null, all: [] };
}

function simpleEscape(char: string): string | null {
  const table: Record<string, string> = { n: "\n", t: "\t", r: "\r", f: "\f", v: "\v" };
  return table[char] ?? null;
}

function parse(source: string): Info {
  let i = 0;

  function alternation(): Info {
    const branches = [sequence()];
    while (source[i] === "|") {
      i++;
      branches.push(sequence());
    }
    if (branches.length === 1) return branches[0]!;
    const sets = branches.map(needOf);
    if (sets.some((s) => s === null || s.includes(""))) return NONE;
    const union = [...new Set(sets.flatMap((s) => s!))];
    return union.length <= MAX_SET ? { exact: null, need: union, all: [union] } : NONE;
  }

  function sequence(): Info {
    const candidates: string[][] = [];
    const all: string[][] = [];
    let run = "";
    let allExact = true;
    let whole = "";
    while (i < source.length && source[i] !== "|" && source[i] !== ")") {
      const info = quantified(atom());
      if (info.exact !== null) {
        run += info.exact;
        whole += info.exact;
        continue;
      }
      allExact = false;
      if (run) candidates.push([run]);
      run = "";
      if (info.need) candidates.push(info.need);
      all.push(...info.all);
    }
    if (run) candidates.push([run]);
    if (allExact) return literal(whole);
    all.push(...candidates.filter((set) => set.length === 1));
    return { exact: null, need: best(candidates), all };
  }

  function quantifier(): { min: number; max: number } | null {
    const char = source[i];
    if (char === "*") return (i++, { min: 0, max: Infinity });
    if (char === "+") return (i++, { min: 1, max: Infinity });
    if (char === "?") return (i++, { min: 0, max: 1 });
    if (char === "{") {
      const match = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
      if (!match) return null;
      i += match[0].length;
      const min = Number(match[1]);
      return { min, max: match[2] === undefined ? min : match[3] ? Number(match[3]) : Infinity };
    }
    return null;
  }

  function quantified(info: Info): Info {
    const q = quantifier();
    if (!q) return info;
    if (source[i] === "?") i++;
    if (q.min === 0) return NONE;
    if (q.min === q.max && info.exact !== null) return literal(info.exact.repeat(q.min));
    return { exact: null, need: needOf(info), all: allOf(info) };
  }

  function group(): Info {
    let lookaround = false;
    if (source.startsWith("?:", i)) i += 2;
    else if (source.startsWith("?=", i) || source.startsWith("?!", i)) {
      i += 2;
      lookaround = true;
    } else if (source.startsWith("?<=", i) || source.startsWith("?<!", i)) {
      i += 3;
      lookaround = true;
    } else if (source.startsWith("?<", i)) {
      const end = source.indexOf(">", i);
      if (end === -1) throw new Unsupported();
      i = end + 1;
    } else if (source[i] === "?") throw new Unsupported();
    const inner = alternation();
    if (source[i] !== ")") throw new Unsupported();
    i++;
    return lookaround ? EMPTY : inner;
  }

  function escape(): Info {
    const char = source[i++];
    if (char === undefined) throw new Unsupported();
    if (char === "b" || char === "B") return EMPTY;
    if ("dDwWsS".includes(char) || /[1-9k]/.test(char)) return NONE;
    const simple = simpleEscape(char);
    if (simple) return literal(simple);
    if (char === "x" || char === "u") {
      const digits = char === "x" ? 2 : 4;
      const hex = source.slice(i, i + digits);
      if (!new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(hex)) throw new Unsupported();
      i += digits;
      return literal(String.fromCharCode(parseInt(hex, 16)));
    }
    if (/[A-Za-z0-9]/.test(char)) throw new Unsupported();
    return literal(char);
  }

  function skipClass(): void {
    if (source[i] === "^") i++;
    if (source[i] === "]") i++;
    while (i < source.length && source[i] !== "]") i += source[i] === "\\" ? 2 : 1;
    if (source[i] !== "]") throw new Unsupported();
    i++;
  }

  function atom(): Info {
    const char = source[i++]!;
    switch (char) {
      case "(":
        return group();
      case "[":
        skipClass();
        return NONE;
      case "\\":
        return escape();
      case ".":
        return NONE;
      case "^":
      case "$":
        return EMPTY;
      case "*":
      case "+":
      case "?":
        throw new Unsupported();
      case "{":
        if (/^\d+(,\d*)?\}/.test(source.slice(i))) throw new Unsupported();
        return literal(char);
      default:
        return literal(char);
    }
  }

  const info = alternation();
  if (i !== source.length) throw new Unsupported();
  return info;
}

function analyze(source: string): Info | null {
  try {
    return parse(source);
  } catch (error) {
    if (error instanceof Unsupported) return null;
    throw error;
  }
}

const usable = (set: string[] | null): set is string[] =>
  set !== null && set.length > 0 && set.every((s) => s.length >= 2);

/** The best single set of strings one of which occurs in every match (drives candidate lines), or null. */
export function requiredLiterals(source: string): string[] | null {
  const info = analyze(source);
  const set = info && needOf(info);
  return usable(set) ? set : null;
}

/** Every set the pattern requires at once, best first; a file must hit each of them to match. */
export function requiredLiteralSets(source: string, limit = 4): string[][] {
  const info = analyze(source);
  if (!info) return [];
  const seen = new Set<string>();
  const sets = allOf(info)
    .filter(usable)
    .filter((set) => !seen.has(set.join("\0")) && seen.add(set.join("\0")))
    .sort((a, b) => score(b) - score(a));
  return sets.slice(0, limit);
}

/** One regex for the literals: a single pass over the text is faster than one `includes` per literal. */
export function literalRegex(literals: string[], ignoreCase: boolean): RegExp {
  return new RegExp(
    literals.map((literal) => literal.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")).join("|"),
    ignoreCase ? "gi" : "g",
  );
}
