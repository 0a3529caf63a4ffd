/**
 * The dashboard page: one self-contained HTML file (inline CSS and script, no network but its own
 * event stream). The script draws each chart as inline SVG from the per-second points, the same
 * points summary.json keeps, and redraws on every tick. Exported (--dashboard-export) it carries
 * the whole run inside and needs no server.
 */
import type { MetricType, TimePoint } from '../../../results/types.ts';
import type { Progress } from '../../runner/api.ts';

export interface DashboardState {
  info: { scenario: string; seed: number; totalMs: number; warmupMs: number } | null;
  points: TimePoint[];
  types: Record<string, MetricType>;
  progress: Progress | null;
  ended: boolean;
  /** the page subscribes to /events (served live); false in an export */
  live?: boolean;
}

const CSS = `
body{font-family:'DejaVu Sans',system-ui,sans-serif;margin:1.5rem auto;max-width:1200px;color:#222;padding:0 1rem}
h1{font-size:1.4rem;margin-bottom:.3rem}#status{font-variant-numeric:tabular-nums;color:#444}
#bar{height:6px;background:#eee;margin:.5rem 0 1rem}#bar>div{height:6px;background:#4c78a8;width:0}
#charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(540px,1fr));gap:1rem}
figure{margin:0;border:1px solid #ddd;padding:.5rem}figcaption{font-weight:bold;font-size:.95rem}
figure svg{width:100%;height:auto}svg text{font-size:11px;fill:#555}.empty{fill:#888;font-size:13px}
.ended{color:#1a7f37}`;

/** [chart id, title, unit, series: [label, metric key, field]]; errors/s is derived (count × share) */
const DASHBOARD_CHARTS: [string, string, string, [string, string, string][]][] = [
  [
    'throughput',
    'Throughput',
    'per second',
    [
      ['iterations', 'iterations', 'count'],
      ['errors', 'errors', 'errors/s'],
      ['dropped', 'dropped_iterations', 'count'],
    ],
  ],
  ['latency', 'Latency percentiles', 'ms', ['p50', 'p90', 'p95', 'p99'].map((q) => [q, 'latency', q])],
  ['errors', 'Error rate', '%', [['errors', 'errors', 'share%']]],
  [
    'stages',
    'End-to-end and stage latency (p99)',
    'ms',
    [
      ['e2e', 'e2e_latency', 'p99'],
      ['queue', 'stage_queue', 'p99'],
      ['features', 'stage_features', 'p99'],
      ['inference', 'stage_inference', 'p99'],
      ['sink', 'stage_sink', 'p99'],
    ],
  ],
  [
    'lag',
    'Consumer lag',
    'records',
    [
      ['consumer', 'consumer_lag', 'value'],
      ['processor', 'processor_lag', 'value'],
    ],
  ],
  [
    'replicas',
    'Replicas and VUs',
    'count',
    [
      ['processors', 'replicas_processors', 'value'],
      ['vus', 'vus', 'value'],
    ],
  ],
];

// The browser side, plain ES2020 (it runs as written, no build step).
const SCRIPT = `
(() => {
  const S = JSON.parse(document.getElementById('state').textContent);
  const CHARTS = JSON.parse(document.getElementById('charts-spec').textContent);
  const COLORS = ['#4c78a8', '#e45756', '#f58518', '#54a24b', '#b279a2', '#72b7b2'];
  const W = 540, H = 230, L = 52, R = 10, T = 26, B = 28;
  const $ = (id) => document.getElementById(id);
  const fmt = (v) => (v === 0 ? '0' : v >= 1e6 ? (v / 1e6).toFixed(1) + 'M' : v >= 1e4 ? (v / 1e3).toFixed(0) + 'k'
    : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
  const sec = (ms) => {
    const s = Math.round(ms / 1000);
    return s >= 60 ? Math.floor(s / 60) + 'm' + String(s % 60).padStart(2, '0') + 's' : s + 's';
  };
  // one SVG element as text: el('line', { x1: 0 }) or el('text', { x: 1 }, 'label')
  const el = (tag, attrs, text) => '<' + tag + Object.entries(attrs).map(([k, v]) => ' ' + k + '="' + v + '"').join('')
    + (text === undefined ? '/>' : '>' + text + '</' + tag + '>');
  function value(p, key, field) {
    const v = p[key];
    if (!v || typeof v !== 'object') return undefined;
    if (field === 'errors/s') return v.count ? v.count * (v.value || 0) : v.count === 0 ? 0 : undefined;
    if (field === 'share%') return v.count ? 100 * (v.value || 0) : undefined;
    const x = v[field];
    return typeof x === 'number' && isFinite(x) ? x : undefined;
  }
  function nice(max) {
    if (!(max > 0)) return 1;
    const e = Math.pow(10, Math.floor(Math.log10(max)));
    for (const m of [1, 2, 2.5, 5, 10]) if (m * e >= max) return m * e;
    return 10 * e;
  }
  function chart(spec) {
    const [id, title, unit, series] = spec;
    const pts = S.points;
    const lines = series
      .map(([label, key, field]) => ({ label, xs: pts.map((p) => [p.t, value(p, key, field)]) }))
      .map((s) => ({ label: s.label, xs: s.xs.filter((d) => d[1] !== undefined) }))
      .filter((s) => s.xs.length > 0);
    const n = lines.reduce((a, s) => a + s.xs.length, 0);
    const tMax = Math.max(S.info ? S.info.totalMs : 0, pts.length ? pts[pts.length - 1].t + 1000 : 0, 1000);
    const yMax = nice(Math.max(0, ...lines.flatMap((s) => s.xs.map((d) => d[1]))));
    const x = (t) => (L + ((W - L - R) * t) / tMax).toFixed(1);
    const y = (v) => (H - B - ((H - T - B) * v) / yMax).toFixed(1);
    let svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ' + W + ' ' + H + '" width="' + W + '" height="'
      + H + '" role="img">';
    if (S.info && S.info.warmupMs > 0)
      svg += el('rect', { class: 'warmup', x: L, y: T, width: x(S.info.warmupMs) - L, height: H - T - B,
        fill: '#f2f2f2' });
    for (let i = 0; i <= 5; i++) {
      const v = (yMax * i) / 5;
      svg += el('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), stroke: '#e5e5e5' });
      svg += el('text', { x: L - 4, y: +y(v) + 4, 'text-anchor': 'end' }, fmt(v));
    }
    // time ticks on whole seconds, minutes or hours: at most 8 of them
    const step = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600].find((s) => tMax / (s * 1000) <= 8) || 7200;
    for (let t = 0; t <= tMax; t += step * 1000)
      svg += el('text', { x: x(t), y: H - 8, 'text-anchor': 'middle' }, sec(t));
    lines.forEach((s, i) => {
      const c = COLORS[i % COLORS.length];
      // each second's figure drawn at the middle of its second
      const d = s.xs.map((p, j) => (j ? 'L' : 'M') + x(p[0] + 500) + ',' + y(p[1])).join('');
      svg += el('path', { class: 'mark', d, fill: 'none', stroke: c, 'stroke-width': 1.6 });
      const [t0, v0] = s.xs[0];
      if (s.xs.length === 1) svg += el('circle', { class: 'mark', cx: x(t0 + 500), cy: y(v0), r: 2.5, fill: c });
      svg += el('text', { x: L + i * 86, y: 14, style: 'fill:' + c }, '&#9632; ' + s.label);
    });
    const why = pts.length ? 'nothing to show: this run records none of these figures'
      : 'waiting for the first second…';
    if (!n) svg += el('text', { class: 'empty', x: W / 2, y: H / 2, 'text-anchor': 'middle' }, why);
    svg += '</svg>';
    let fig = $('chart-' + id);
    if (!fig) {
      fig = document.createElement('figure');
      fig.id = 'chart-' + id;
      $('charts').appendChild(fig);
    }
    fig.dataset.points = String(n);
    fig.innerHTML = '<figcaption>' + title + ' <small>(' + unit + ')</small></figcaption>' + svg;
  }
  function header() {
    const p = S.progress, i = S.info;
    $('title').textContent = 'pipelab: ' + (i ? i.scenario + ' (seed ' + i.seed + ')' : 'waiting for the run');
    const total = i && i.totalMs > 0 ? i.totalMs : 0;
    const el = p ? p.elapsedMs : 0;
    const last = S.points.length ? S.points[S.points.length - 1].t + 1000 : el;
    $('bar').firstElementChild.style.width = (S.ended ? 100 : total ? Math.min(100, (100 * el) / total) : 0) + '%';
    const st = $('status');
    st.className = S.ended ? 'ended' : '';
    const ended = 'run ended after ' + sec(Math.max(el, last))
      + (S.live ? ': the report follows' : ' (the full report: report.html)');
    const running = p && [sec(el) + (total ? ' / ' + sec(total) : ''), p.phase,
      'iterations ' + p.iterations.toLocaleString('en-US'), 'rate ' + p.ratePerSec.toFixed(0) + '/s',
      'p99 ' + fmt(p.p99Ms) + ' ms', 'errors ' + p.errors, 'vus ' + p.vus, 'dropped ' + p.dropped].join('  ');
    st.textContent = S.ended ? ended : running || 'waiting for the first second…';
  }
  function render() { header(); for (const c of CHARTS) chart(c); }
  function showReport(html) {
    const doc = new DOMParser().parseFromString(html, 'text/html');
    document.replaceChild(document.adoptNode(doc.documentElement), document.documentElement);
  }
  render();
  if (S.live && !S.ended && typeof EventSource === 'function') {
    const es = new EventSource('events');
    es.addEventListener('state', (e) => { Object.assign(S, JSON.parse(e.data), { live: true }); render(); });
    es.addEventListener('meta', (e) => { S.info = JSON.parse(e.data); render(); });
    es.addEventListener('tick', (e) => {
      const d = JSON.parse(e.data);
      for (const p of d.points) S.points.push(p);
      S.progress = d.progress; S.types = d.types;
      render();
    });
    es.addEventListener('done', (e) => {
      es.close();
      const d = JSON.parse(e.data);
      S.points = d.points; S.ended = true;
      render();
      showReport(d.html);
    });
    es.onerror = () => { es.close(); $('status').textContent = 'disconnected: pipelab has stopped serving this run'; };
  } else if (S.live && S.ended) {
    $('status').innerHTML = 'run ended: <a href="report">the final report</a>';
  }
})();
`;

/** JSON safe inside a <script> element */
const embed = (x: unknown): string => JSON.stringify(x).replace(/</g, '\\u003c');

export function dashboardPage(state: DashboardState): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>pipelab dashboard</title>
<style>${CSS}</style></head>
<body>
<h1 id="title">pipelab</h1>
<div id="status"></div>
<div id="bar"><div></div></div>
<div id="charts"></div>
<script type="application/json" id="state">${embed(state)}</script>
<script type="application/json" id="charts-spec">${embed(DASHBOARD_CHARTS)}</script>
<script>${SCRIPT}</script>
</body></html>
`;
}
