// Import rules of pipelab, enforced by `npm run lint` (dependency-cruiser).
// docs/architecture.md explains the layers; this file is the executable version of its table.
// Type-only imports count: `import type` still couples a module to another's shape, and
// tsPreCompilationDeps makes dependency-cruiser see them.
const { readFileSync } = require('node:fs');

/** Regex for a path prefix: a folder (`results/`) or a root file (`errors.ts`). */
const under = (...prefixes) =>
  `^(${prefixes.map((p) => (/[.](ts|json)$/.test(p) ? `${p.replace('.', '[.]')}$` : `${p}/`)).join('|')})`;

// Everything that ships as pipelab's source (the layer folders and root files).
const SOURCE = under(
  'errors.ts',
  'index.ts',
  'api',
  'results',
  'generators',
  'broker',
  'pipeline',
  'harness',
  'reports',
);
// Our own modules anywhere in the repo (imports of npm packages and node: builtins never match).
const OURS = '^(?!node_modules/)[^:]+$';

// The public API: the root entry and every subpath entry named in package.json "exports".
// Read from package.json so a new subpath is covered without editing this file.
const pkg = JSON.parse(readFileSync(`${__dirname}/package.json`, 'utf8'));
const entryFiles = new Set();
const collect = (target) => {
  if (typeof target === 'string') {
    if (target.endsWith('.ts')) entryFiles.add(target.replace(/^\.\//, ''));
  } else if (target && typeof target === 'object') {
    for (const value of Object.values(target)) collect(value);
  }
};
collect(pkg.exports);
entryFiles.add('index.ts');
const ENTRY = `^(${[...entryFiles].map((f) => f.replace(/[.]/g, '[.]')).join('|')})$`;

/** A layer may import from its own folder and the listed lower layers only (plus npm, node: and package.json). */
const layer = (name, from, allowed, comment) => ({
  name,
  severity: 'error',
  comment,
  from: { path: from },
  to: { path: OURS, pathNot: under(...allowed, 'package.json'), dependencyTypesNot: ['core'] },
});

const forbidden = [
  layer(
    'errors-imports-nothing',
    '^errors[.]ts$',
    [],
    'errors.ts is the error vocabulary everyone imports; it imports nothing of ours.',
  ),
  layer(
    'results-layer',
    '^results/',
    ['results', 'errors.ts'],
    'results/ is the data contract: it imports errors.ts only.',
  ),
  layer(
    'generators-layer',
    '^generators/',
    ['generators', 'results', 'errors.ts'],
    'generators/ are pure seeded streams: they import results/ and errors.ts only.',
  ),
  layer(
    'broker-layer',
    '^broker/',
    ['broker', 'errors.ts'],
    'The broker is a self-contained component: it imports errors.ts only.',
  ),
  layer(
    'pipeline-layer',
    '^pipeline/',
    ['pipeline', 'generators', 'results', 'errors.ts'],
    'The reference pipeline is the system under test: it receives its connections (broker address, ' +
      'stores) and never imports harness/, broker/ or reports/.',
  ),
  layer(
    'reports-layer',
    '^reports/',
    ['reports', 'results', 'errors.ts'],
    'Reports read results only: they import results/ and errors.ts.',
  ),
  layer(
    'harness-layer',
    '^harness/',
    ['harness', 'results', 'generators', 'broker', 'pipeline', 'reports', 'errors.ts'],
    'The harness may import every layer below it, never the public entry files or the test/bench/scenario trees.',
  ),
  {
    name: 'only-cli-imports-reports',
    severity: 'error',
    comment:
      'harness/cli is the composition root: it alone wires reports to runs. Elsewhere in the harness, ' +
      'return results and let the CLI render them.',
    from: { path: '^harness/', pathNot: '^harness/cli/' },
    to: { path: '^reports/' },
  },
  {
    name: 'sim-stays-offline',
    severity: 'error',
    comment:
      'harness/sim (simulator, autoscalers, cost, calibration) computes from configs and results; it ' +
      'never drives live targets, services, the runner, the CLI or exporters.',
    from: { path: '^harness/sim/' },
    to: { path: '^harness/(targets|services|runner|cli|export)/' },
  },
  {
    name: 'generators-no-io',
    severity: 'error',
    comment: 'Generators are pure functions of a seeded RNG and an injected clock: no file, network or process I/O.',
    from: { path: '^generators/' },
    to: {
      dependencyTypes: ['core'],
      path: [
        '^(node:)?(fs|fs/promises|net|http|https|http2|child_process|dgram|dns|tls)$',
        '^(node:)?(worker_threads|cluster|readline|os|process)$',
      ],
    },
  },
  {
    name: 'no-entry-imports',
    severity: 'error',
    comment:
      'index.ts and the subpath entry files are the public API for users; source modules import the ' +
      'module that defines a name, never an entry file (that would make cycles and hide the real dependency).',
    from: { path: SOURCE },
    to: { path: ENTRY },
  },
  {
    name: 'scenarios-use-public-api',
    severity: 'error',
    comment:
      'Shipped scenarios are what users copy: they import pipelab (or a pipelab/* subpath) like a user project does.',
    from: { path: '^scenarios/' },
    to: { path: OURS, pathNot: ENTRY, dependencyTypesNot: ['core'] },
  },
  {
    name: 'no-circular',
    severity: 'error',
    comment:
      'Module cycles make load order fragile and hide which module owns what; break them by moving the ' +
      'shared piece down.',
    from: {},
    to: { circular: true },
  },
  {
    name: 'no-folder-cycles',
    severity: 'error',
    scope: 'folder',
    comment:
      'Folders form a hierarchy of responsibilities (scenario → executors, not both ways); a folder cycle ' +
      'means a responsibility is split across two folders.',
    from: {},
    to: { circular: true },
  },
  {
    name: 'not-to-unresolvable',
    severity: 'error',
    comment: 'An import that does not resolve to a file on disk.',
    from: {},
    to: { couldNotResolve: true },
  },
  {
    name: 'not-to-dev-dep',
    severity: 'error',
    comment:
      'Source ships to users, who do not get our devDependencies: runtime imports from source go to ' +
      '"dependencies" (or to optional peers, loaded lazily).',
    from: { path: SOURCE },
    to: {
      dependencyTypes: ['npm-dev'],
      dependencyTypesNot: ['type-only', 'npm-peer'],
      pathNot: '^node_modules/@types/',
    },
  },
  {
    name: 'optional-peers-lazily',
    severity: 'error',
    comment:
      'Optional peer dependencies (TensorFlow.js, testcontainers, arquero) are absent from most installs: ' +
      'source loads them with a dynamic import() that turns a missing package into a PipelabError naming ' +
      'it. A static import would fail at load time for every user.',
    from: { path: SOURCE },
    to: { dependencyTypes: ['npm-peer'], dependencyTypesNot: ['type-only'], dynamic: false },
  },
  {
    name: 'no-non-package-json',
    severity: 'error',
    comment:
      'Every npm package we import is declared in package.json. (dependency-cruiser also tags an optional ' +
      'peer that is a devDependency here as npm-no-pkg: a declared peer passes.)',
    from: {},
    to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'], dependencyTypesNot: ['npm-peer'] },
  },
  {
    name: 'not-to-test',
    severity: 'error',
    comment: 'Source never imports tests, test helpers, fixtures, benchmarks or scenarios.',
    from: { path: SOURCE },
    to: { path: '^(test|bench|scenarios)/' },
  },
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: ['node_modules'] },
    exclude: { path: ['^dist/', '^coverage/'] },
    moduleSystems: ['es6', 'cjs'],
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.cjs', '.mjs', '.d.ts', '.json'],
    },
    skipAnalysisNotInRules: true,
    reporterOptions: { text: { highlightFocused: true } },
  },
};
