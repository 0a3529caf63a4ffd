/**
 * Secrets never leave the process: the one redactor every writer uses (run summaries and their
 * reports, the console, error messages, logs). Pure and in results/ so every layer below the
 * harness can use it; the CLI applies it to everything it prints (harness/cli/redact-output.ts).
 *
 * Three rules, each generic so a new flag or service is covered without a list to keep up:
 * - URLs: the password of a URL's userinfo (`redis://user:pass@host` → `redis://user:***@host`; a
 *   userinfo without a password is a token: `https://TOKEN@host` → `https://***@host`) and the
 *   values of secret query parameters (`?password=`, `?token=`, `?secret=`, `?api_key=` …).
 * - Keys: in a config object, a string under a key that names a secret (password, secret, token,
 *   sasl, auth, credential, api key, bearer) is `***` (a SASL setting `mechanism:user:password`
 *   keeps its mechanism and user); keys naming a file or path (`passwordFile`) are not secrets.
 * - Values: a secret registered with `registerSecret` (a SASL password, a bearer token, a key
 *   read from a file) is replaced wherever it appears in any text, whoever wrote it.
 */

const REDACTED = '***';

/** scheme://userinfo@ — the userinfo is what gets redacted */
const URL_USERINFO = /\b([a-z][a-z0-9+._-]*:\/\/)([^\s/@:?#'"<>]*)(?::([^\s/@?#'"<>]*))?@/gi;
/** secret query parameters of a URL (or of a form body written into a message) */
const SECRET_PARAM_NAMES =
  'password|passwd|pwd|pass|secret|token|access_token|refresh_token|id_token|auth|api_key|apikey|key|sig|signature|' +
  'client_secret';
// an empty value (`?token=`) holds no secret and stays as it is
const SECRET_PARAM = new RegExp(`([?&;](?:${SECRET_PARAM_NAMES})=)([^&\\s#'"<>]+)`, 'gi');
/** keys whose string values are secrets: the key ends with a word naming one (kafkaPassword, x-api-key, sasl) */
const SECRET_KEY =
  /(?:passw(?:or)?d|^pass|pwd|secret|token|sasl|auth|authori[sz]ation|credentials?|apikey|bearer|privatekey)$/i;
/** …unless the key names where the secret is kept, not the secret */
const NOT_SECRET_KEY = /(?:file|path|dir|mode|mechanism|kind|type|header|source|env)$/i;

const registered = new Set<string>();
/** the registered secrets, longest first (a secret that contains another is replaced whole) */
let ordered: string[] = [];

/** the shortest value registered: shorter ones would redact ordinary text */
const MIN_SECRET_LENGTH = 4;

/**
 * Remembers a secret value (a password, token or key given by flag, env or file) so that
 * `redactText` replaces it wherever it appears. Values shorter than MIN_SECRET_LENGTH are ignored
 * (the structural rules still apply to them). Returns the value, for use inline.
 */
export function registerSecret(value: string | undefined | null): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (value.length >= MIN_SECRET_LENGTH && !registered.has(value)) {
    registered.add(value);
    ordered = [...registered].sort((a, b) => b.length - a.length);
  }
  return value;
}

/** forgets every registered secret (tests) */
export function clearSecrets(): void {
  registered.clear();
  ordered = [];
}

/**
 * Registers the secrets inside a setting's value: a URL's (or `user:pass@host` bootstrap's)
 * password, and the whole value when its name says it is a secret (`--kafka-sasl`,
 * PIPELAB_MODEL_SERVER_TOKEN). `name` is a flag or environment variable name.
 */
export function registerSecretsIn(name: string, value: string | undefined): void {
  if (!value) return;
  const bare = name.replace(/^-+|^PIPELAB_/g, '');
  if (isSecretKey(bare)) {
    registerSecret(value);
    const sasl = /^[a-z0-9-]+:[^:]*:(.+)$/i.exec(value);
    if (sasl) registerSecret(sasl[1]);
  }
  for (const m of value.matchAll(/(?:^|[\s,/])([^\s,/@:]*):([^\s,/@]+)@/g)) registerSecret(m[2]);
  // settings handed over as JSON (a child's PIPELAB_KAFKA_CLIENT_SECURITY): the strings under secret keys
  if (value.startsWith('{')) registerJsonSecrets(value);
  if (value.includes('PRIVATE KEY-----')) registerSecret(value);
  for (const m of value.matchAll(SECRET_PARAM)) registerSecret(decodeSafe(m[2] ?? ''));
}

function registerJsonSecrets(text: string): void {
  const walk = (v: unknown, key: string): void => {
    if (typeof v === 'string') {
      if (isSecretKey(key) || v.includes('PRIVATE KEY-----')) registerSecret(v);
    } else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  try {
    walk(JSON.parse(text), '');
  } catch {
    // not JSON after all: the other rules apply
  }
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** whether a URL query parameter of this name holds a secret (`token`, `api_key`, …) */
export function isSecretParam(name: string): boolean {
  return SECRET_PARAM_NAME.test(name);
}
const SECRET_PARAM_NAME = new RegExp(`^(?:${SECRET_PARAM_NAMES})$`, 'i');

export function isSecretKey(key: string): boolean {
  const k = key.replace(/[-_]/g, '');
  return SECRET_KEY.test(k) && !NOT_SECRET_KEY.test(k);
}

/** a URL or any text with URLs in it, with userinfo and secret query values redacted */
export function redactUrl(text: string): string {
  if (!text.includes('@') && !text.includes('=')) return text;
  return text
    .replace(URL_USERINFO, (_m, scheme: string, user: string, pass: string | undefined) =>
      pass === undefined ? `${scheme}${REDACTED}@` : `${scheme}${user}:${REDACTED}@`,
    )
    .replace(SECRET_PARAM, (_m, k: string) => `${k}${REDACTED}`);
}

/** any text (a console line, an error message, a log line): URLs and every registered secret */
export function redactText(text: string): string {
  let out = text;
  for (const s of ordered) if (out.includes(s)) out = out.split(s).join(REDACTED);
  if (!out.includes('://') && !out.includes('=')) return out;
  return redactUrl(out);
}

/** whether text would change under redactText (a quick check for hot paths) */
export function mayHoldSecret(text: string): boolean {
  if (text.includes('://') || text.includes('=')) return true;
  for (const s of ordered) if (text.includes(s)) return true;
  return false;
}

/** the value of a secret key: `***`, or `mechanism:user:***` for a SASL setting */
function redactSecretValue(key: string, v: string): string {
  if (/sasl/i.test(key)) {
    const m = /^([a-z0-9-]+):([^:]*):/i.exec(v);
    if (m) return `${m[1]}:${m[2]}:${REDACTED}`;
  }
  return v === '' ? v : REDACTED;
}

/**
 * A deep copy of a config-like value with secrets redacted: strings under secret keys, URLs and
 * registered secrets in every other string. Objects and arrays are copied, other values kept.
 */
export function redactValue<T>(value: T, key = ''): T {
  if (typeof value === 'string') {
    return (key && isSecretKey(key) ? redactSecretValue(key, value) : redactText(value)) as T;
  }
  if (Array.isArray(value)) return value.map((x) => redactValue(x, key)) as T;
  if (value && typeof value === 'object' && isPlain(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(value)) out[k] = redactValue(x, k);
    return out as T;
  }
  return value;
}

function isPlain(v: object): boolean {
  const p = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
}

/** the parts of a run summary that carry what a user typed or a service reported */
const SUMMARY_TEXT_PARTS = ['scenario', 'config', 'services', 'aborted', 'extra', 'merged', 'thresholds'] as const;

/**
 * A run summary with every secret redacted from the parts that carry settings and messages
 * (scenario, config, services, aborted, extra, merged, thresholds). Metrics and time series are
 * numbers and are shared, not copied.
 */
export function redactSummary<S extends object>(summary: S): S {
  const out = { ...summary } as Record<string, unknown>;
  for (const k of SUMMARY_TEXT_PARTS) if (out[k] !== undefined) out[k] = redactValue(out[k]);
  return out as S;
}
