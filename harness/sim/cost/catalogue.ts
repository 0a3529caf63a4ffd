/**
 * The instance catalogue: instance types with vCPU, memory and $/h for on-demand, spot and
 * reserved pricing, kept in a JSON file the user can edit (harness/sim/cost/catalogue.json holds
 * EXAMPLE list prices). Validated with one zod schema; errors name the path at fault.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { PipelabError } from '../../../errors.ts';
// imported, not read via import.meta.url: the public API must also load as CommonJS (tslab)
import shipped from './catalogue.json';

const InstanceSchema = z.object({
  vcpu: z.number().positive(),
  memoryGiB: z.number().positive(),
  onDemand: z.number().nonnegative(),
  spot: z.number().nonnegative().optional(),
  reserved: z.number().nonnegative().optional(),
});
const CatalogueSchema = z.object({
  $comment: z.string().optional(),
  currency: z.string().default('USD'),
  instances: z.record(z.string(), InstanceSchema),
});
export type Instance = z.infer<typeof InstanceSchema>;
export type Catalogue = z.infer<typeof CatalogueSchema>;
export type Pricing = 'onDemand' | 'spot' | 'reserved';

/** where the example catalogue lives in the repository (copy it to edit your own) */
export const DEFAULT_CATALOGUE_PATH = 'harness/sim/cost/catalogue.json';

export function parseCatalogue(data: unknown, source = 'catalogue'): Catalogue {
  const r = CatalogueSchema.safeParse(data);
  if (!r.success) {
    throw new PipelabError('INVALID_INPUT_FILE', `${source} is not a valid instance catalogue`, {
      issues: r.error.issues.map((i) => ({ path: `/${i.path.join('/')}`, message: i.message })),
      hint:
        'each instance needs vcpu, memoryGiB and onDemand ($/h); spot and reserved are optional (see ' +
        'harness/sim/cost/catalogue.json)',
    });
  }
  return r.data;
}

/** the catalogue at `path`, or the shipped example catalogue when no path is given */
export function loadCatalogue(path?: string): Catalogue {
  if (path === undefined) return parseCatalogue(shipped, DEFAULT_CATALOGUE_PATH);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new PipelabError('INVALID_INPUT_FILE', `cannot read the instance catalogue ${path}`, {
      cause: e,
      hint: 'pass a readable JSON file with --catalogue',
    });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new PipelabError('INVALID_INPUT_FILE', `${path} is not JSON: ${(e as Error).message}`, {
      cause: e,
      hint: 'fix the JSON syntax',
    });
  }
  return parseCatalogue(data, path);
}

/** $/h of one instance under a pricing model (spot/reserved fall back to on-demand when absent) */
export function hourlyPrice(cat: Catalogue, instance: string, pricing: Pricing = 'onDemand'): number {
  const i = cat.instances[instance];
  if (!i) {
    throw new PipelabError('INVALID_ARGUMENT', `unknown instance type ${JSON.stringify(instance)}`, {
      hint: `use one of ${Object.keys(cat.instances).join(', ')}, or add it to the catalogue`,
    });
  }
  return i[pricing] ?? i.onDemand;
}
