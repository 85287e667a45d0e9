// bench/riskmap.mjs — the four-colour map's render time for a plant of N areas (default 300),
// measured over HTTP against a server with the demo loaded: N areas across the demo's
// workshops, each placed on the drawing as a 6-corner polygon and given a risk object with an
// assessed event (levels spread over the four colours). Then GET /risk/map (the page with the
// SVG) and GET /api/v1/risk/map are each timed over R runs, next to GET /healthz as the cost of
// the HTTP round trip alone. A measurement, not a test: run it with the release build,
//
//   make anquan && ANQUAN_BIN=$PWD/anquan node bench/riskmap.mjs [areas] [runs]
//
// and record the numbers in docs/risk-map.md.
import { startServer } from '../tests/http/lib.mjs';

const N = Number(process.argv[2] || 300);
const RUNS = Number(process.argv[3] || 50);

const srv = await startServer();
try {
  const login = async (u) => { const c = srv.client(); await c.apiLogin(u); return c; };
  const admin = await login('admin');
  const safety = await login('anhuan');
  const map = (await safety.get('/api/v1/risk/map')).json;
  const units = [...new Set(map.areas.map((a) => a.unit_id))];
  const types = (await safety.get('/api/v1/risk/choices')).json.accident_types.filter((t) => t.list === '2025');
  const LEC = [[3, 6, 40], [3, 6, 15], [3, 6, 7], [1, 3, 7]];	// 重大 (approved below), 较大, 一般, 低
  const setupStart = performance.now();
  for (let i = 0; i < N; i++) {
    const unit = units[i % units.length];
    let r = await admin.postJson('/api/v1/areas', { name: `基准区域 ${i + 1}`, unit_id: unit, radius_m: 50 });
    if (r.status !== 201) throw new Error(`area: ${r.status} ${r.text}`);
    const area = r.json.id;
    // a hexagon in a 20 × 15 grid of cells over the 1200 × 800 drawing
    const cx = 30 + (i % 20) * 58, cy = 27 + Math.floor(i / 20) % 15 * 50;
    const pts = [0, 1, 2, 3, 4, 5].map((k) => [Math.round(cx + 24 * Math.cos(k * Math.PI / 3)),
      Math.round(cy + 20 * Math.sin(k * Math.PI / 3))]);
    r = await safety.request('PUT', `/api/v1/risk/map/areas/${area}`, { json: { points: pts } });
    if (r.status !== 200) throw new Error(`place: ${r.status} ${r.text}`);
    r = await safety.postJson('/api/v1/risk/objects', { kind: 'area', name: `基准对象 ${i + 1}`, unit_id: unit, area_id: area });
    const ru = (await safety.postJson('/api/v1/risk/units', { object_id: r.json.id, name: '单元' })).json.id;
    const ev = (await safety.postJson('/api/v1/risk/events', { risk_unit_id: ru, name: `事件 ${i + 1}`,
      accident_type_id: types[i % types.length].id })).json.id;
    const [l, e, c] = LEC[i % 4];
    r = await safety.postJson(`/api/v1/risk/events/${ev}/assessments`, { method: 'LEC', l, e, c, reason: 'initial' });
    if (r.status !== 201) throw new Error(`assess: ${r.status} ${r.text}`);
    const pending = r.json.assessments.find((a) => a.approval === 'pending');
    if (pending) await safety.postJson(`/api/v1/risk/assessments/${pending.id}/approve`, { approve: 1 });
  }
  const setup = performance.now() - setupStart;
  const check = (await safety.get('/api/v1/risk/map')).json;
  const placed = check.areas.filter((a) => a.points).length;
  const time = async (path) => {
    const ms = [];
    let bytes = 0;
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      const r = await safety.get(path);
      ms.push(performance.now() - t);
      if (r.status !== 200) throw new Error(`${path}: ${r.status}`);
      bytes = r.text.length;
    }
    ms.sort((a, b) => a - b);
    return { median: ms[RUNS >> 1].toFixed(1), p95: ms[Math.floor(RUNS * 0.95)].toFixed(1), bytes };
  };
  const page = await time('/risk/map');
  const json = await time('/api/v1/risk/map');
  const health = await time('/healthz');
  console.log(`areas in the map: ${check.areas.length} (placed ${placed}); setup ${(setup / 1000).toFixed(1)} s`);
  console.log(`GET /risk/map         median ${page.median} ms, p95 ${page.p95} ms, ${page.bytes} chars (${RUNS} runs)`);
  console.log(`GET /api/v1/risk/map  median ${json.median} ms, p95 ${json.p95} ms, ${json.bytes} chars`);
  console.log(`GET /healthz          median ${health.median} ms (the round trip alone)`);
} finally {
  await srv.stop();
}
