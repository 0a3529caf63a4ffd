/**
 * JSON writers generated once per event shape: an event's JSON is one string expression over its
 * fields, byte-identical to JSON.stringify of the same object (tested).
 *
 * Fewer strings an event is what makes them fast (each `+` of two strings allocates one):
 * - neighbouring fields with few values each (choices, booleans, small int ranges, with their
 *   nulls) are written as one: their texts, the keys between them and the literal text around
 *   them are joined once per combination of values (at most RUN_MAX), and an event picks its
 *   string by index. A value outside the set (an event changed after the fact) takes the
 *   field-by-field way, so the bytes stay JSON.stringify's;
 * - epoch-ms times keep the literal before them joined with their second's digits (an event's
 *   second rarely differs from the last one's), numbers of k ≤ 3 decimals with their whole part
 *   (below 1000), so such a value costs one `+`.
 *
 * Why generated code (new Function): see json.ts; the source holds only property names, value
 * literals of the spec (JSON-quoted) and indices, never a user's code.
 */
import { fixedWriter, type JsonField, jsonAny, jsonNum, jsonStr } from './json.ts';
import { PAD3 } from '../digits.ts';

/** combinations of values a run of few-valued fields is written from, at most */
const RUN_MAX = 256;
/** a few-valued field is matched by === up to this many values, through a Map beyond */
const CHAIN_MAX = 6;

/**
 * Epoch ms (any number) as JSON writes them, after the literal text `lead`. Integers of 4 to 15
 * digits are the digits of their second, cached with the lead, and three more.
 */
export function millisWriter(lead: string): (t: number) => string {
  let sec = Number.NaN;
  let head = '';
  return (t) => {
    if (!(t >= 1000 && t < 1e15) || Math.floor(t) !== t) return lead + jsonAny(t);
    const s = Math.floor(t / 1000);
    if (s !== sec) {
      sec = s;
      head = lead + s;
    }
    return head + PAD3[t - s * 1000];
  };
}

interface Helpers {
  s: typeof jsonStr;
  n: typeof jsonNum;
  a: typeof jsonAny;
  /** writers of values (nested objects, arrays, times) */
  w: ((v: unknown) => string)[];
  /** joined texts of few-valued runs */
  t: (readonly string[])[];
  /** value → index maps of few-valued fields with many values */
  m: Map<unknown, number>[];
  /** statements before the expression (reads of a run's values, its index) */
  decls: string[];
}

const helpers = (): Helpers => ({ s: jsonStr, n: jsonNum, a: jsonAny, w: [], t: [], m: [], decls: [] });

/**
 * An expression yielding JSON text. `lead`/`tail`: the same text with literal text joined before
 * or after it, when that is cheaper than a `+` an event.
 */
interface Code {
  render(): string;
  lead?(lit: string): Code;
  tail?(lit: string): Code;
}
/** a piece of a generated writer: literal JSON text, or an expression */
type Part = { lit: string } | Code;

const code = (text: string): Code => ({ render: () => text });

/** a value written by a writer made for the literal text before it (`lead`) */
function leadCode(
  x: string,
  nullable: boolean,
  h: Helpers,
  writer: (lead: string) => (v: never) => string,
  lead = '',
): Code {
  return {
    render: () => {
      h.w.push(writer(lead) as (v: unknown) => string);
      const w = `h.w[${h.w.length - 1}](${x})`;
      return nullable ? `(${x} === null ? ${JSON.stringify(`${lead}null`)} : ${w})` : w;
    },
    lead: (lit) => leadCode(x, nullable, h, writer, lit + lead),
  };
}

/** the pieces writing value x of a known kind (literals apart, so neighbours can merge) */
function parts(j: JsonField, x: string, h: Helpers): Part[] {
  const k = j.json;
  let text: string;
  switch (k.kind) {
    case 'safe-str':
      if (!j.nullable) return [{ lit: '"' }, code(x), { lit: '"' }];
      text = `'"' + ${x} + '"'`;
      break;
    case 'str':
      text = `h.s(${x})`;
      break;
    case 'int':
      text = `('' + ${x})`;
      break;
    case 'millis':
      return [leadCode(x, j.nullable, h, millisWriter)];
    case 'num':
      text = `h.n(${x})`;
      break;
    case 'fixed':
      return [leadCode(x, j.nullable, h, (lead) => fixedWriter(lead, k.k))];
    case 'bool':
      text = `(${x} ? 'true' : 'false')`;
      break;
    case 'const':
      return [{ lit: k.text }];
    case 'any':
      return [code(`h.a(${x})`)];
    case 'write':
      h.w.push(k.write);
      text = `h.w[${h.w.length - 1}](${x})`;
  }
  return [code(j.nullable ? `(${x} === null ? 'null' : ${text})` : text)];
}

/** adjacent literals merged, then joined into the expressions that take them */
function absorb(ps: Part[]): Part[] {
  const merged: Part[] = [];
  for (const p of ps) {
    const q = merged[merged.length - 1];
    if ('lit' in p && q !== undefined && 'lit' in q) merged[merged.length - 1] = { lit: q.lit + p.lit };
    else merged.push(p);
  }
  const out: Part[] = [];
  for (let i = 0; i < merged.length; i++) {
    let p = merged[i]!;
    if (!('lit' in p)) {
      const prev = out[out.length - 1];
      if (prev !== undefined && 'lit' in prev && p.lead) {
        out.pop();
        p = p.lead(prev.lit);
      }
      const next = merged[i + 1];
      if (next !== undefined && 'lit' in next && p.tail) {
        p = p.tail(next.lit);
        i++;
      }
    }
    out.push(p);
  }
  return out;
}

/** JavaScript concatenating the parts, literals joined where they can be (fewer string adds) */
function concat(ps: Part[]): string {
  const out = absorb(ps).map((p) => ('lit' in p ? JSON.stringify(p.lit) : p.render()));
  // a string first, so that + concatenates even when the first code yields a number
  if (!out[0]?.startsWith('"')) out.unshift("''");
  return out.join(' + ');
}

/** the distinct values of a few-valued field that the writer can match, or undefined */
function fewValues(j: JsonField): unknown[] | undefined {
  if (j.values === undefined) return undefined;
  const vs = [...new Set(j.values)].filter((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v));
  return vs.length > 0 && vs.length <= RUN_MAX && vs.length === new Set(j.values).size ? vs : undefined;
}

/** JavaScript giving the index of x in vs, or -1 */
function indexOf(x: string, vs: unknown[], h: Helpers): string {
  const lo = vs[0];
  if (vs.length > CHAIN_MAX && typeof lo === 'number' && vs.every((v, i) => v === lo + i) && Number.isInteger(lo)) {
    const inRange = `typeof ${x} === 'number' && ${x} >= ${lo} && ${x} <= ${lo + vs.length - 1}`;
    return `(${inRange} && ${x} === Math.floor(${x}) ? ${x} - ${lo} : -1)`;
  }
  if (vs.length > CHAIN_MAX) {
    h.m.push(new Map(vs.map((v, i) => [v, i])));
    return `(h.m[${h.m.length - 1}].get(${x}) ?? -1)`;
  }
  const lit = (v: unknown) => (typeof v === 'number' ? `(${v})` : JSON.stringify(v));
  return `(${vs.map((v, i) => `${x} === ${lit(v)} ? ${i} : `).join('')}-1)`;
}

interface RunField {
  /** the literal before the field's value, its key first (none for the run's first field) */
  before: string;
  j: JsonField;
  vs: unknown[];
  x: string;
}

/** a run of few-valued fields as one expression: an index into their joined texts */
function runCode(fs: RunField[], h: Helpers, lead: string, tail: string): Code {
  return {
    render: () => {
      const r = `r${h.t.length}`;
      const texts: string[] = [];
      const walk = (i: number, text: string) => {
        if (i === fs.length) texts.push(text + tail);
        else for (const v of fs[i]!.vs) walk(i + 1, text + fs[i]!.before + jsonAny(v));
      };
      walk(0, lead);
      h.t.push(texts);
      h.decls.push(`let ${r} = ${indexOf(fs[0]!.x, fs[0]!.vs, h)};`);
      for (const f of fs.slice(1))
        h.decls.push(
          `if (${r} >= 0) { const q = ${indexOf(f.x, f.vs, h)}; ${r} = q < 0 ? -1 : ${r} * ${f.vs.length} + q; }`,
        );
      const slow = concat([
        { lit: lead },
        ...fs.flatMap((f) => [{ lit: f.before }, ...parts(f.j, f.x, h)]),
        { lit: tail },
      ]);
      return `(${r} >= 0 ? h.t[${h.t.length - 1}][${r}] : ${slow})`;
    },
    lead: (lit) => runCode(fs, h, lit + lead, tail),
    tail: (lit) => runCode(fs, h, lead, tail + lit),
  };
}

/** the order JSON.stringify walks these keys in (integer-like keys first, ascending) */
function keyOrder(keys: readonly string[]): string[] {
  const o: Record<string, number> = {};
  for (const k of keys) o[k] = 0;
  return Object.keys(o);
}

/** the parts of an object's JSON, few-valued neighbours in runs */
function objectParts(fields: ReadonlyMap<string, JsonField>, order: string[], h: Helpers): Part[] {
  const ps: Part[] = [];
  let run: RunField[] = [];
  let size = 1;
  const flush = () => {
    if (run.length > 0) ps.push(runCode(run, h, '', ''));
    run = [];
    size = 1;
  };
  order.forEach((k, i) => {
    const j = fields.get(k)!;
    const key = `${i === 0 ? '{' : ','}${JSON.stringify(k)}:`;
    const x = `x${i}`;
    const vs = fewValues(j);
    if (vs !== undefined && size * vs.length <= RUN_MAX && run.length > 0) {
      h.decls.push(`const ${x} = e[${JSON.stringify(k)}];`);
      run.push({ before: key, j, vs, x });
      size *= vs.length;
      return;
    }
    flush();
    ps.push({ lit: key });
    if (vs === undefined) ps.push(...parts(j, `e[${JSON.stringify(k)}]`, h));
    else {
      h.decls.push(`const ${x} = e[${JSON.stringify(k)}];`);
      run.push({ before: '', j, vs, x });
      size = vs.length;
    }
  });
  flush();
  ps.push({ lit: '}' });
  return ps;
}

/** a JSON writer for objects with exactly these fields (as built by `objectBuilder`) */
export function objectWriter(fields: ReadonlyMap<string, JsonField>): (e: unknown) => string {
  const order = keyOrder([...fields.keys()]);
  if (order.length === 0) return () => '{}';
  const h = helpers();
  const expr = concat(objectParts(fields, order, h));
  const make = new Function('h', `return function write(e) {\n${h.decls.join('\n')}\nreturn ${expr};\n};`);
  return (make as (h: Helpers) => (e: unknown) => string)(h);
}

/** a JSON writer for one value of a known kind (array items) */
export function valueWriter(j: JsonField): (v: unknown) => string {
  const h = helpers();
  const make = new Function('h', `return function write(x) { return ${concat(parts(j, 'x', h))}; };`);
  return (make as (h: Helpers) => (v: unknown) => string)(h);
}
