// The declaration files of the public API, for TypeScript's `node10` module resolution (tslab's,
// and any project still on it): dist/types/index.d.ts and dist/types/api/<name>.d.ts, which
// package.json "types" and "typesVersions" point at. bin/build-cjs.js calls this.
//
// Why: tslab type-checks, for every kernel, each TypeScript *source* file a cell's imports reach
// (and emits it), so with 'pipelab' typed by index.ts every notebook re-checked the whole library:
// ~20 of a kernel's CPU seconds for `import ... from 'pipelab'`, ~4 with these declarations, which
// tslab reads as library files (skipLibCheck). NodeNext users keep "exports" → the .ts entries.
//
// Built with the project's TypeScript and tsconfig.json, once: a stamp in node_modules/.cache
// lists the files the program read (our sources, tsconfig.json, package.json, the lockfile) and
// the files it wrote; the next build with none of them newer than the stamp and every output
// present does nothing (~50 ms instead of ~20 CPU seconds). Each file is written through a rename,
// so a kernel reading the declarations beside a rebuild sees whole files.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { writeAtomic } from './write-atomic.js';

const OUT = join('dist', 'types');
const STAMP = join('node_modules', '.cache', 'pipelab-types.json');

/** the .ts entries of package.json "exports" (index.ts, api/*.ts) */
function entrySources(root) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return Object.values(pkg.exports).map((c) => join(root, c.types));
}

function fresh(root) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(root, STAMP), 'utf8'));
  } catch {
    return false;
  }
  const entries = entrySources(root).map((f) => relative(root, f));
  if (entries.some((e) => !stamp.inputs.includes(e))) return false;
  try {
    if (stamp.outputs.some((f) => !existsSync(join(root, f)))) return false;
    return stamp.inputs.every((f) => statSync(join(root, f)).mtimeMs <= stamp.builtAt);
  } catch {
    return false; // an input is gone
  }
}

/**
 * Emits the declarations unless they are fresh. Returns what it did, or throws an Error whose
 * message is TypeScript's diagnostics.
 */
export async function buildTypes(root) {
  if (fresh(root)) return { built: false, files: 0 };
  const builtAt = Date.now();
  const { default: ts } = await import('typescript');
  const host = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => fail([d]) };
  const format = {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => root,
    getNewLine: () => '\n',
  };
  function fail(diagnostics) {
    throw new Error(`declarations of the public API:\n${ts.formatDiagnostics(diagnostics, format)}`);
  }
  const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), {}, host);
  const options = {
    ...config.options,
    noEmit: false,
    declaration: true,
    emitDeclarationOnly: true,
    rootDir: root,
    outDir: join(root, OUT),
  };
  const program = ts.createProgram(entrySources(root), options);
  const outputs = [];
  const emitted = program.emit(
    undefined,
    (file, text) => {
      writeAtomic(file, text);
      outputs.push(relative(root, file));
    },
    undefined,
    true,
  );
  // the sources are type-checked by `tsc --noEmit -p .`; what can fail here is the emit itself
  // (a public type that cannot be named in a declaration file)
  const errors = [...program.getOptionsDiagnostics(), ...emitted.diagnostics].filter(
    (d) => d.category === ts.DiagnosticCategory.Error,
  );
  if (errors.length) fail(errors);
  const inputs = program
    .getSourceFiles()
    .map((f) => relative(root, f.fileName))
    .filter((f) => !f.startsWith('..') && !f.includes('node_modules'));
  inputs.push(...['tsconfig.json', 'package.json', 'package-lock.json'].filter((f) => existsSync(join(root, f))));
  writeAtomic(join(root, STAMP), `${JSON.stringify({ builtAt, typescript: ts.version, inputs, outputs })}\n`);
  return { built: true, files: outputs.length };
}
