/**
 * String templates of the event-spec language: 'ORD-{seq}', '{firstName}.{lastName}@example.com'.
 * `{name}` or `{name.path}` is a placeholder; `{{` and `}}` are literal braces.
 */

export interface ParsedTemplate {
  /** literal text; parts.length === refs.length + 1 */
  parts: string[];
  /** placeholder names, dotted paths split */
  refs: string[][];
}

/** the parsed template, or a message saying what is wrong with it */
export function parseTemplate(s: string): ParsedTemplate | string {
  const parts: string[] = [];
  const refs: string[][] = [];
  let lit = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '{' && s[i + 1] === '{') {
      lit += '{';
      i++;
    } else if (ch === '}' && s[i + 1] === '}') {
      lit += '}';
      i++;
    } else if (ch === '{') {
      const end = s.indexOf('}', i + 1);
      if (end < 0) return `unclosed "{" at character ${i + 1} (write {{ for a literal brace)`;
      const name = s.slice(i + 1, end).trim();
      if (!/^[A-Za-z_$][\w$-]*(\.[\w$-]+)*$/.test(name))
        return `"{${s.slice(i + 1, end)}}" is not a placeholder: write {name} or {name.path}`;
      parts.push(lit);
      refs.push(name.split('.'));
      lit = '';
      i = end;
    } else if (ch === '}') return `unmatched "}" at character ${i + 1} (write }} for a literal brace)`;
    else lit += ch;
  }
  parts.push(lit);
  return { parts, refs };
}
