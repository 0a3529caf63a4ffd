import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/** the harness version recorded in every summary.json */
export const version: string = (require('../package.json') as { version: string }).version;
