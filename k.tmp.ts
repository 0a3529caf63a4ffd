import { ks2samp } from './pipeline/drift/batch/ks.ts';
import { sample } from './test/helpers/drift-data.ts';
import fs from 'node:fs';
const d = JSON.parse(fs.readFileSync('test/fixtures/drift/reference.json','utf8'));
for (const c of d.ks2samp) { const t=performance.now(); const r = ks2samp(sample(c.a), sample(c.b)); console.log(c.a.n, c.b.n, r.method, c.method, r.statistic===c.statistic, Math.abs(r.pvalue-c.pvalue)/c.pvalue, (performance.now()-t).toFixed(1)+'ms'); }
