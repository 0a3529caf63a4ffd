import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { PipelabError } from '../../../errors.ts';
import { bundleK6Script, k6Script } from '../../export/k6-script.ts';
import { loadScenario } from '../../scenario/index.ts';
import { parseOverrides } from '../flags.ts';
import { writeOutputFile } from '../output.ts';

const EXAMPLES = `
Examples:
  $ pipelab export k6 scenarios/http-example.ts > http-example.js     (JavaScript on stdout)
  $ pipelab export k6 scenarios/http-example.ts --out k6/http-example.js
  $ pipelab export k6 scenarios/http-example.ts --ts --out k6/http-example.js
      (writes k6/http-example.ts, typed with @types/k6, and its esbuild bundle k6/http-example.js)
  $ pipelab export k6 scenarios/http-example.ts --duration 2m --rate 500
  then, where k6 is installed:  k6 run -e PIPELAB_HTTP_URL=http://host:8080/ k6/http-example.js

Only scenarios with an http target can be exported (exit 104 otherwise). Thresholds with a
window ("in every 10s window") and other parts k6 cannot express are left out, listed on stderr
and in a comment in the script. docs/k6.md has the full mapping.`;

interface ExportFlags {
  out?: string;
  ts?: boolean;
  duration?: string;
  rate?: string;
}

export function register(program: Command): void {
  const exp = program.command('export').description("write a scenario in another tool's format (k6)");
  exp
    .command('k6')
    .description('write a scenario with an http target as a k6 script (JavaScript, or TypeScript + bundle)')
    .argument('<scenario>', 'scenario file, e.g. scenarios/http-example.ts')
    .option(
      '-o, --out <file.js>',
      'write the script here instead of stdout (with --ts: the bundle; the .ts goes beside it)',
    )
    .option('--ts', 'write TypeScript typed with @types/k6 and bundle it with esbuild into the .js k6 runs')
    .option('--duration <d>', 'as for run: duration override (30s, 2m, 1h30m)')
    .option('--rate <r>', 'as for run: arrival rate override (iterations per second)')
    .addHelpText('after', EXAMPLES)
    .action(async (file: string, opts: ExportFlags) => {
      const scenario = await loadScenario(file, parseOverrides({ duration: opts.duration, rate: opts.rate }));
      const k6 = k6Script(scenario, { typescript: opts.ts === true });
      for (const w of k6.warnings) process.stderr.write(`${w}\n`);
      if (k6.env.length)
        process.stderr.write(
          `the script reads its secrets from the environment: k6 run -e ${k6.env.join('=... -e ')}=...\n`,
        );
      if (!opts.ts) {
        if (opts.out === undefined) process.stdout.write(k6.script);
        else write(opts.out, k6.script);
        return;
      }
      const jsPath = resolve(opts.out ?? `${scenario.name}.k6.js`);
      if (!jsPath.endsWith('.js')) {
        throw new PipelabError('INVALID_ARGUMENT', 'invalid flag --out', {
          issues: [
            {
              path: '--out',
              message:
                `with --ts, --out names the bundled JavaScript file and must end in .js, got ` +
                `${JSON.stringify(opts.out)}`,
            },
          ],
          hint: 'e.g. --ts --out k6/script.js (writes k6/script.ts and k6/script.js)',
        });
      }
      const tsPath = jsPath.replace(/\.js$/, '.ts');
      write(tsPath, k6.script);
      write(jsPath, await bundleK6Script(k6.script, dirname(tsPath)));
    });
}

function write(path: string, text: string): void {
  writeOutputFile('--out', path, text);
  process.stderr.write(`wrote ${path}\n`);
}
