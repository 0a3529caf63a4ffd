#!/usr/bin/env node
// The pipelab CLI. Scenario files are TypeScript, so the CLI loads through tsx's ESM hooks.
import { register } from 'tsx/esm/api';
register();
await import('../harness/cli/main.ts');
