import { Adwin, PageHinkley, Kswin, Ddm, Eddm, HddmA } from './pipeline/drift/streaming/index.ts';
import { PythonRandom } from './test/helpers/python-random.ts';
import fs from 'node:fs';
const d = JSON.parse(fs.readFileSync('test/fixtures/drift/reference.json','utf8'));
const r = new PythonRandom(42); const pool=[...Array(70).keys()]; const out=[];
for (let i=0;i<30;i++){const j=r.int(70-i); out.push(pool[j]); pool[j]=pool[70-i-1];}
console.log(JSON.stringify(out)===JSON.stringify(d.pythonSample42of70));
const s1 = [...d.riverStreams.random12345].map(Number);
const s2 = [...d.riverStreams.random42binary].map(Number);
for (const det of [new Adwin(), new PageHinkley(), new Kswin({alpha:0.0001, seed:42, rng:(s)=>new PythonRandom(s)})]) {
  const hits=[]; s1.forEach((x,i)=>{det.update(x); if(det.driftDetected) hits.push(i)}); console.log(det.name, hits);
}
for (const det of [new Ddm(), new Eddm({alpha:0.8,beta:0.75}), new HddmA()]) {
  const ev=[]; let pw=true; s2.forEach((x,i)=>{det.update(x); if(det.warningDetected&&pw){ev.push('W'+i);pw=false} if(det.driftDetected){ev.push('D'+i);pw=true}}); console.log(det.name, ev);
}
