/**
 * `--spec FILE`: an event spec in a .json file, or a .ts/.js module whose default export (or
 * `spec` export) is a spec object or a function (ctx) => event. Refused before anything is
 * written: a missing or unreadable file, bad JSON, a module that throws, and every bad field of
 * the spec named by its path (exit 104).
 */
import { existsSync, readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PipelabError } from '../../errors.ts';
import { type CompiledSpec, compileSpec } from '../../generators/spec/compile.ts';
import { importUserModule } from '../scenario/typescript.ts';

const MODULES = ['.ts', '.mts', '.js', '.mjs'];

function unreadable(file: string, why: string, hint: string, cause?: unknown): PipelabError {
  return new PipelabError('INVALID_INPUT_FILE', `cannot use --spec ${file}: ${why}`, {
    hint,
    ...(cause === undefined ? {} : { cause }),
  });
}

async function readSpec(file: string): Promise<unknown> {
  const abs = resolve(file);
  const ext = extname(file).toLowerCase();
  if (ext !== '.json' && !MODULES.includes(ext))
    throw new PipelabError('INVALID_ARGUMENT', `--spec ${file}: expected a .json, .ts or .js file`, {
      hint: 'write the spec as JSON, or as a module: export default defineEventSpec({ … })',
    });
  if (!existsSync(abs)) throw unreadable(file, 'no such file', 'give the path of an event spec (.json, .ts or .js)');
  if (ext === '.json') {
    try {
      return JSON.parse(readFileSync(abs, 'utf8'));
    } catch (e) {
      throw unreadable(file, `not valid JSON (${(e as Error).message})`, 'fix the JSON syntax', e);
    }
  }
  let mod: { default?: unknown; spec?: unknown };
  try {
    mod = (await importUserModule(pathToFileURL(abs).href)) as typeof mod;
  } catch (e) {
    const msg = ((e as Error).message ?? String(e)).split('\n').slice(0, 3).join(' ');
    throw unreadable(file, `the module failed to load (${msg})`, 'fix the error in the file', e);
  }
  const spec = mod.default ?? mod.spec;
  if (spec === undefined)
    throw unreadable(
      file,
      'it exports no spec',
      "end it with: export default defineEventSpec({ … }) (import { defineEventSpec } from 'pipelab/generators')",
    );
  return spec;
}

/** the spec in `file`, validated and compiled */
export async function loadSpecFile(file: string): Promise<CompiledSpec> {
  const spec = await readSpec(file);
  try {
    return compileSpec(spec as Parameters<typeof compileSpec>[0]);
  } catch (e) {
    if (e instanceof PipelabError && e.code === 'INVALID_ARGUMENT')
      throw new PipelabError('INVALID_INPUT_FILE', `invalid event spec in ${file}`, {
        issues: e.issues,
        ...(e.hint === undefined ? {} : { hint: e.hint }),
        cause: e,
      });
    throw e;
  }
}
