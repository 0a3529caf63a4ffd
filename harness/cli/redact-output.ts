/**
 * Everything the CLI prints passes the one redactor (results/redact.ts): stdout and stderr of
 * every command (progress, summaries, broker and processor logs, error messages, stack traces)
 * are redacted as they are written, so a command or a library that prints a URL with a password
 * or a registered secret cannot leak it. The secrets given on the command line and in PIPELAB_*
 * variables are registered first, so they are caught whatever form a message quotes them in.
 */
import { mayHoldSecret, redactText, registerSecretsIn } from '../../results/redact.ts';

/** registers the secrets in flags (`--name value`, `--name=value`) and PIPELAB_* environment variables */
function registerCliSecrets(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): void {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (!a.startsWith('--')) {
      registerSecretsIn('', a);
      continue;
    }
    const eq = a.indexOf('=');
    if (eq > 0) registerSecretsIn(a.slice(0, eq), a.slice(eq + 1));
    else if (i + 1 < argv.length && !(argv[i + 1] as string).startsWith('--')) registerSecretsIn(a, argv[i + 1]);
  }
  for (const [k, v] of Object.entries(env)) if (k.startsWith('PIPELAB_')) registerSecretsIn(k, v);
}

type Write = typeof process.stdout.write;

const installed = new WeakSet<NodeJS.WriteStream>();

/** makes `stream.write` redact the text it is given; idempotent */
function redactStream(stream: NodeJS.WriteStream): void {
  if (installed.has(stream)) return;
  installed.add(stream);
  const write = stream.write.bind(stream) as (...a: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    // buffers are data (Avro from `pipelab generate`, a child's already redacted output): passed as they are
    if (typeof chunk === 'string' && mayHoldSecret(chunk)) return write(redactText(chunk), ...rest);
    return write(chunk, ...rest);
  }) as Write;
}

/** the CLI's start: register the secrets it was given, redact both output streams */
export function redactCliOutput(argv: readonly string[]): void {
  registerCliSecrets(argv);
  redactStream(process.stdout);
  redactStream(process.stderr);
}
