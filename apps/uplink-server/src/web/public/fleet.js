/* global document, fetch, sessionStorage, setTimeout, clearTimeout, setInterval, TextDecoderStream, ResizeObserver, uPlot */
/**
 * The fleet page: reads /v1/fleet (apps, devices, link quality) and follows /v1/stream; for the chosen
 * device, charts its decoded numeric fields and RSSI/SNR (uPlot) from /v1/devices/:id/uplinks and keeps
 * them up to date from the stream. Every text from the server is set as text, never as markup.
 */
(() => {
  'use strict';

  const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'];
  const SERIES_LIMIT = 1000;
  const REFRESH_MS = 60_000;
  const $ = (id) => document.getElementById(id);

  const state = {
    apps: new Map(),
    devices: new Map(),
    selected: null,
    /** The selected device's uplinks, oldest first: { id, t, fields: {label: number|null}, rssi, snr }. */
    points: [],
    pointIds: new Set(),
    charts: [],
    lastId: 0,
    refreshTimers: new Map(),
  };

  // ---- API access: the secret, when the server wants one, travels in the header it names.
  const apiHeader = (document.querySelector('meta[name="murmur-api-header"]')?.getAttribute('content') || '')
    .trim()
    .toLowerCase();
  let secret = sessionStorage.getItem('murmur-api-secret') || '';

  function authHeaders() {
    if (!apiHeader || !secret) return {};
    return apiHeader === 'authorization' ? { authorization: `Bearer ${secret}` } : { [apiHeader]: secret };
  }

  class AccessError extends Error {}

  async function api(path, init = {}) {
    const res = await fetch(path, {
      ...init,
      headers: { accept: 'application/json', ...(init.headers || {}), ...authHeaders() },
    });
    if (res.status === 401 || res.status === 403) {
      const body = await res.json().catch(() => ({}));
      askSecret(body.message || `${res.status}`);
      throw new AccessError(body.message || `${res.status}`);
    }
    return res;
  }

  function askSecret(message) {
    const form = $('secret-form');
    form.hidden = false;
    showError(message);
  }

  function showError(message) {
    const p = $('error');
    p.textContent = message;
    p.hidden = !message;
  }

  // ---- Formatting.
  const pad = (n) => String(n).padStart(2, '0');
  function timeText(iso) {
    if (!iso) return '—';
    const d = new Date(iso);
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  }
  const numText = (v, unit, digits = 1) =>
    typeof v === 'number' && Number.isFinite(v)
      ? `${Number(v.toFixed(digits))}${unit ? ` ${unit}` : ''}`
      : '—';
  const deviceName = (d) => (d.deviceId ? `${d.deviceId} (${d.devEui})` : d.devEui);

  function el(tag, attrs = {}, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'className') e.className = v;
      else if (k.startsWith('data-') || k === 'title' || k === 'scope' || k === 'for' || k === 'type')
        e.setAttribute(k, v === true ? '' : String(v));
      else e[k] = v;
    }
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // ---- Device state from an uplink (before the fleet summary refreshes the link statistics).
  function stateOf(appId, data) {
    const app = state.apps.get(appId);
    if (!app || !app.stateField || !data) return null;
    const v = data[app.stateField];
    return typeof v === 'string' ? v : null;
  }

  function applyUplink(u) {
    const known = state.devices.get(u.devEui);
    const d = known || {
      devEui: u.devEui,
      deviceId: u.deviceId,
      app: u.app,
      network: u.network,
      uplinks: 0,
      lastSeen: null,
      state: null,
      batteryPct: null,
      openAlerts: [],
      latest: null,
      link: {
        days: 7,
        uplinks: 0,
        alertUplinks: 0,
        lostFrames: 0,
        fCntResets: 0,
        duplicates: 0,
        redeliveries: 0,
        rssiMean: null,
        snrMean: null,
      },
    };
    d.uplinks += 1;
    if (u.deviceId) d.deviceId = u.deviceId;
    if (u.app) d.app = u.app;
    if (!d.lastSeen || u.receivedAt >= d.lastSeen) {
      d.lastSeen = u.receivedAt;
      d.state = stateOf(d.app, u.data);
      d.batteryPct = u.data && typeof u.data.battery_pct === 'number' ? u.data.battery_pct : null;
      d.openAlerts = u.alertReasons || [];
      d.latest = {
        id: u.id,
        network: u.network,
        receivedAt: u.receivedAt,
        fCnt: u.fCnt,
        rssi: u.rssi,
        snr: u.snr,
        spreadingFactor: u.spreadingFactor,
        decoded: u.data !== null,
      };
    }
    state.devices.set(u.devEui, d);
  }

  // ---- The devices table and the open alerts.
  function cellsOf(d) {
    const app = state.apps.get(d.app);
    const fault = d.openAlerts.some((r) => r.startsWith('state:'));
    const dup = d.link.duplicates + d.link.redeliveries;
    return [
      ['device', d, { className: 'device' }],
      ['app', app ? app.title : d.app || '—', { title: d.app || 'no app yet' }],
      [
        'state',
        d.state ?? (d.latest && !d.latest.decoded ? 'not decoded' : '—'),
        { className: fault ? 'bad' : '' },
      ],
      [
        'battery',
        d.batteryPct === null ? '—' : `${d.batteryPct} %`,
        { className: d.batteryPct !== null && d.batteryPct < 20 ? 'bad' : '' },
      ],
      [
        'alerts',
        d.openAlerts.length ? d.openAlerts.join(', ') : 'none',
        { className: d.openAlerts.length ? 'bad' : 'quiet' },
      ],
      ['uplinks', String(d.uplinks), { className: 'num' }],
      ['last', timeText(d.lastSeen), {}],
      [
        'rssi',
        numText(d.latest && d.latest.rssi, '', 0),
        { className: 'num', title: `mean ${numText(d.link.rssiMean, 'dBm')} over ${d.link.days} days` },
      ],
      [
        'snr',
        numText(d.latest && d.latest.snr, ''),
        { className: 'num', title: `mean ${numText(d.link.snrMean, 'dB')} over ${d.link.days} days` },
      ],
      [
        'lost',
        String(d.link.lostFrames),
        {
          className: `num${d.link.lostFrames ? ' bad' : ''}`,
          title: `${d.link.fCntResets} frame-counter resets`,
        },
      ],
      [
        'dup',
        String(dup),
        {
          className: 'num',
          title: `${d.link.duplicates} stored twice, ${d.link.redeliveries} redeliveries refused`,
        },
      ],
    ];
  }

  function renderRow(d) {
    const tbody = $('devices').tBodies[0];
    let tr = tbody.querySelector(`tr[data-dev-eui="${d.devEui}"]`);
    if (!tr) {
      tr = el('tr', { 'data-dev-eui': d.devEui, tabIndex: 0 });
      tr.addEventListener('click', () => select(d.devEui));
      tr.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') select(d.devEui);
      });
      const rows = [...tbody.rows];
      const after = rows.find((r) => r.dataset.devEui > d.devEui);
      tbody.insertBefore(tr, after || null);
    }
    tr.replaceChildren(
      ...cellsOf(d).map(([col, text, attrs]) => {
        if (col !== 'device') return el('td', { 'data-col': col, ...attrs }, text);
        const td = el('td', { 'data-col': col, ...attrs });
        if (d.deviceId)
          td.append(el('span', { className: 'name' }, d.deviceId), document.createTextNode(' '));
        td.append(el('span', { className: 'eui' }, d.devEui));
        return td;
      }),
    );
    tr.classList.toggle('selected', state.selected === d.devEui);
    tr.setAttribute('aria-selected', state.selected === d.devEui ? 'true' : 'false');
  }

  function renderAlerts() {
    const list = $('alerts');
    const open = [...state.devices.values()].filter((d) => d.openAlerts.length > 0);
    if (open.length === 0) {
      list.replaceChildren(el('li', { className: 'quiet' }, 'None.'));
    } else {
      list.replaceChildren(
        ...open.map((d) => {
          const li = el('li', { 'data-dev-eui': d.devEui });
          li.append(
            el('strong', {}, deviceName(d)),
            document.createTextNode(` — ${d.openAlerts.join(', ')} — since ${timeText(d.lastSeen)} UTC`),
          );
          return li;
        }),
      );
    }
  }

  function renderSummary() {
    const n = state.devices.size;
    const alerts = [...state.devices.values()].filter((d) => d.openAlerts.length > 0).length;
    const last = [...state.devices.values()]
      .map((d) => d.lastSeen)
      .filter(Boolean)
      .sort()
      .at(-1);
    $('summary').textContent =
      `${n} device${n === 1 ? '' : 's'} · ${alerts} with open alerts${last ? ` · last uplink ${timeText(last)} UTC` : ''}`;
    $('empty').hidden = n > 0;
  }

  function renderAll() {
    for (const d of state.devices.values()) renderRow(d);
    renderAlerts();
    renderSummary();
  }

  // ---- The chosen device: its charts.
  function pointOf(u) {
    const app = state.apps.get(u.app);
    const fields = {};
    if (app)
      for (const f of app.fields) {
        const v = u.data ? u.data[f.name] : undefined;
        f.labels.forEach((label, i) => {
          const x = Array.isArray(v) ? v[i] : v;
          fields[label] = typeof x === 'number' ? x : null;
        });
      }
    return { id: u.id, t: Date.parse(u.receivedAt) / 1000, fields, rssi: u.rssi, snr: u.snr };
  }

  function addPoint(p) {
    if (state.pointIds.has(p.id)) return false;
    state.pointIds.add(p.id);
    let i = state.points.length;
    while (
      i > 0 &&
      (state.points[i - 1].t > p.t || (state.points[i - 1].t === p.t && state.points[i - 1].id > p.id))
    )
      i--;
    state.points.splice(i, 0, p);
    if (state.points.length > SERIES_LIMIT) state.pointIds.delete(state.points.shift().id);
    return true;
  }

  function destroyCharts() {
    for (const c of state.charts) c.plot.destroy();
    state.charts = [];
    $('charts').replaceChildren();
  }

  function chartData(c) {
    const xs = state.points.map((p) => p.t);
    return [xs, ...c.series.map((s) => state.points.map((p) => s.value(p)))];
  }

  /** A single point gets an hour around it (uPlot would give it a day of milliseconds, read as seconds). */
  function fitTime(plot) {
    if (state.points.length !== 1) return;
    const t = state.points[0].t;
    plot.setScale('x', { min: t - 1800, max: t + 1800 });
  }

  /** Time ticks in UTC: HH:MM within a day, MM-DD HH:MM beyond. */
  const TIME_AXIS = {
    space: 70,
    values: (u, ticks) => {
      const span = (u.scales.x.max ?? 0) - (u.scales.x.min ?? 0);
      return ticks.map((t) => {
        const text = timeText(new Date(t * 1000).toISOString());
        return span > 86400 ? text.slice(5, 16) : text.slice(11, 16);
      });
    },
  };

  function makeChart(key, title, series, axes) {
    const box = el('figure', { className: 'chart', 'data-chart': key });
    box.append(el('figcaption', {}, title));
    const plotEl = el('div', { className: 'plot' });
    box.append(plotEl);
    $('charts').append(box);
    const width = Math.max(240, Math.floor(plotEl.clientWidth || box.clientWidth || 320));
    const opts = {
      width,
      height: 170,
      scales: { x: { time: true }, ...(axes.scales || {}) },
      series: [
        {
          label: 'time (UTC)',
          value: (_u, v) =>
            v === null || v === undefined ? '—' : timeText(new Date(v * 1000).toISOString()).slice(5),
        },
        ...series.map((s, i) => ({
          label: s.label,
          scale: s.scale || 'y',
          stroke: COLORS[i % COLORS.length],
          width: 1.5,
          points: { show: true, size: 5 },
          value: (_u, v) => (v === null || v === undefined ? '—' : String(Number(v.toFixed(3)))),
        })),
      ],
      axes: axes.axes || [TIME_AXIS, { size: 56 }],
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    };
    const c = { key, box, plotEl, series, plot: null };
    c.plot = new uPlot(opts, chartData(c), plotEl);
    fitTime(c.plot);
    box.dataset.points = String(state.points.length);
    state.charts.push(c);
    return c;
  }

  function buildCharts(d) {
    destroyCharts();
    const app = state.apps.get(d.app);
    if (app)
      for (const f of app.fields) {
        makeChart(
          f.name,
          `${f.name}${f.unit ? ` (${f.unit})` : ''}`,
          f.labels.map((label) => ({ label, value: (p) => p.fields[label] ?? null })),
          {},
        );
      }
    makeChart(
      'link',
      'link: RSSI (dBm, left) and SNR (dB, right)',
      [
        { label: 'RSSI dBm', value: (p) => (typeof p.rssi === 'number' ? p.rssi : null), scale: 'dbm' },
        { label: 'SNR dB', value: (p) => (typeof p.snr === 'number' ? p.snr : null), scale: 'db' },
      ],
      {
        scales: { dbm: {}, db: {} },
        axes: [
          TIME_AXIS,
          { scale: 'dbm', size: 56 },
          { scale: 'db', side: 1, size: 48, grid: { show: false } },
        ],
      },
    );
  }

  function updateCharts() {
    for (const c of state.charts) {
      c.plot.setData(chartData(c));
      fitTime(c.plot);
      c.box.dataset.points = String(state.points.length);
    }
  }

  function renderDetailMeta(d) {
    $('detail-title').textContent = deviceName(d);
    const app = state.apps.get(d.app);
    const l = d.link;
    $('detail-meta').textContent = [
      app ? app.title : 'no app',
      `network ${d.latest ? d.latest.network : d.network}`,
      d.latest && d.latest.spreadingFactor ? `SF${d.latest.spreadingFactor}` : null,
      `last ${l.days} days: ${l.uplinks} uplinks, ${l.lostFrames} frames lost, ${l.fCntResets} counter resets, ${l.duplicates} stored twice`,
      `redelivered ${l.redeliveries}`,
      `mean RSSI ${numText(l.rssiMean, 'dBm')}, SNR ${numText(l.snrMean, 'dB')}`,
    ]
      .filter(Boolean)
      .join(' · ');
  }

  async function select(devEui) {
    if (state.selected === devEui) return;
    state.selected = devEui;
    for (const tr of $('devices').tBodies[0].rows) {
      tr.classList.toggle('selected', tr.dataset.devEui === devEui);
      tr.setAttribute('aria-selected', tr.dataset.devEui === devEui ? 'true' : 'false');
    }
    const d = state.devices.get(devEui);
    state.points = [];
    state.pointIds = new Set();
    $('detail').hidden = false;
    renderDetailMeta(d);
    buildCharts(d);
    renderDownlinkForm(d);
    try {
      const res = await api(`/v1/devices/${encodeURIComponent(devEui)}/uplinks?limit=${SERIES_LIMIT}`);
      if (!res.ok) throw new Error(`uplinks: ${res.status}`);
      const page = await res.json();
      if (state.selected !== devEui) return;
      for (const u of page.items) addPoint(pointOf(u));
      updateCharts();
      await loadDownlinks(devEui);
    } catch (err) {
      if (!(err instanceof AccessError)) showError(String(err.message || err));
    }
  }

  // ---- Downlinks of the chosen device.
  function renderDownlinkForm(d) {
    const app = state.apps.get(d.app);
    const box = $('downlink');
    const form = $('downlink-form');
    $('downlink-result').textContent = '';
    if (!app || !app.downlink) {
      box.hidden = true;
      form.replaceChildren();
      return;
    }
    box.hidden = false;
    const inputs = app.downlink.fields.map((f) => {
      const id = `dl-${f.name}`;
      const label = el(
        'label',
        { for: id, title: f.description || '' },
        `${f.name}${f.unit ? ` (${f.unit})` : ''}`,
      );
      let input;
      if (f.kind === 'bool') input = el('input', { id, type: 'checkbox', name: f.name });
      else if (f.kind === 'enum') {
        input = el('select', { id, name: f.name });
        for (const v of f.values) input.append(el('option', { value: v }, v));
      } else
        input = el('input', {
          id,
          type: 'number',
          name: f.name,
          min: f.min,
          max: f.max,
          step: f.step,
          value: '0',
          required: true,
        });
      const wrap = el('div', { className: 'field' });
      wrap.append(label, input);
      return { f, input, wrap };
    });
    const send = el('button', { type: 'submit' }, `Send on fPort ${app.downlink.fPort}`);
    form.replaceChildren(...inputs.map((i) => i.wrap), send);
    form.onsubmit = async (e) => {
      e.preventDefault();
      const value = {};
      for (const { f, input } of inputs)
        value[f.name] =
          f.kind === 'bool' ? input.checked : f.kind === 'enum' ? input.value : Number(input.value);
      $('downlink-result').textContent = 'Sending…';
      try {
        const res = await api(`/v1/devices/${encodeURIComponent(d.devEui)}/downlinks`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(value),
        });
        const body = await res.json().catch(() => ({}));
        $('downlink-result').textContent = res.ok
          ? `Queued by ${body.network} (downlink ${body.id}).`
          : `Not sent: ${body.message || res.status}${body.field ? ` (${body.field})` : ''}`;
        await loadDownlinks(d.devEui);
      } catch (err) {
        if (!(err instanceof AccessError))
          $('downlink-result').textContent = `Not sent: ${err.message || err}`;
      }
    };
  }

  async function loadDownlinks(devEui) {
    const d = state.devices.get(devEui);
    const app = d && state.apps.get(d.app);
    if (!app || !app.downlink) return;
    const res = await api(`/v1/devices/${encodeURIComponent(devEui)}/downlinks?limit=20`);
    if (!res.ok || state.selected !== devEui) return;
    const page = await res.json();
    if (page.items.length === 0) {
      const tr = el('tr');
      tr.append(el('td', { className: 'quiet', colSpan: 6 }, 'No downlink sent yet.'));
      $('downlinks').tBodies[0].replaceChildren(tr);
      return;
    }
    $('downlinks').tBodies[0].replaceChildren(
      ...page.items.map((x) => {
        const tr = el('tr');
        const status =
          x.status === 'failed'
            ? `failed${x.responseCode ? ` (${x.responseCode})` : ''}: ${x.error || ''}`
            : x.status;
        for (const [text, cls] of [
          [timeText(x.createdAt), ''],
          [JSON.stringify(x.value), 'wrap'],
          [String(x.fPort), 'num'],
          [x.payload, 'mono'],
          [x.network, ''],
          [status, x.status === 'failed' ? 'bad wrap' : 'wrap'],
        ])
          tr.append(el('td', { className: cls }, text));
        return tr;
      }),
    );
  }

  // ---- Loading and live updates.
  async function loadFleet(devEui) {
    const res = await api(devEui ? `/v1/fleet?devEui=${encodeURIComponent(devEui)}` : '/v1/fleet');
    if (!res.ok) throw new Error(`fleet: ${res.status}`);
    const f = await res.json();
    for (const a of f.apps) state.apps.set(a.id, a);
    for (const d of f.devices) state.devices.set(d.devEui, d);
    if (!devEui) state.lastId = Math.max(state.lastId, f.lastUplinkId);
    return f;
  }

  function scheduleRefresh(devEui) {
    clearTimeout(state.refreshTimers.get(devEui));
    state.refreshTimers.set(
      devEui,
      setTimeout(async () => {
        state.refreshTimers.delete(devEui);
        try {
          await loadFleet(devEui);
          const d = state.devices.get(devEui);
          renderRow(d);
          renderAlerts();
          renderSummary();
          if (state.selected === devEui) renderDetailMeta(d);
        } catch (err) {
          if (!(err instanceof AccessError)) showError(String(err.message || err));
        }
      }, 200),
    );
  }

  function onUplink(u) {
    state.lastId = Math.max(state.lastId, u.id);
    applyUplink(u);
    renderRow(state.devices.get(u.devEui));
    renderAlerts();
    renderSummary();
    if (state.selected === null) void select(u.devEui);
    else if (state.selected === u.devEui) {
      if (addPoint(pointOf(u))) updateCharts();
      renderDetailMeta(state.devices.get(u.devEui));
    }
    scheduleRefresh(u.devEui);
  }

  function setLive(s, text) {
    const p = $('live');
    p.dataset.state = s;
    p.textContent = text || s;
  }

  function handleEvent(block) {
    let event = 'message';
    const data = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':') || line === '') continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (event !== 'uplink' || data.length === 0) return;
    try {
      onUplink(JSON.parse(data.join('\n')));
    } catch (err) {
      showError(`stream: ${err.message || err}`);
    }
  }

  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  async function follow() {
    for (;;) {
      try {
        const res = await fetch(`/v1/stream?since=${state.lastId}`, {
          headers: { accept: 'text/event-stream', ...authHeaders() },
        });
        if (res.status === 401 || res.status === 403) {
          askSecret('the stream needs the API secret');
          return;
        }
        if (!res.ok || !res.body) throw new Error(`stream: ${res.status}`);
        setLive('live');
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buf = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += value;
          let i;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            handleEvent(block);
          }
        }
      } catch {
        // Reconnect below; the server replays what was missed from `since`.
      }
      setLive('reconnecting', 'reconnecting…');
      await sleep(3000);
    }
  }

  async function start() {
    showError('');
    try {
      await loadFleet();
    } catch (err) {
      if (!(err instanceof AccessError)) showError(String(err.message || err));
      return;
    }
    $('secret-form').hidden = true;
    renderAll();
    const first = [...state.devices.keys()].sort()[0];
    if (first) void select(first);
    void follow();
    if (!state.refreshing) state.refreshing = setInterval(refreshAll, REFRESH_MS);
  }

  /** The statistics the stream does not carry (redeliveries, counts of a time window) are read again now and then. */
  async function refreshAll() {
    try {
      await loadFleet();
      renderAll();
      const d = state.selected && state.devices.get(state.selected);
      if (d) renderDetailMeta(d);
    } catch {
      // The next round tries again.
    }
  }

  $('secret-form').addEventListener('submit', (e) => {
    e.preventDefault();
    secret = $('secret').value;
    sessionStorage.setItem('murmur-api-secret', secret);
    void start();
  });

  let resizeTimer;
  new ResizeObserver(() => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      for (const c of state.charts) {
        const w = Math.max(240, Math.floor(c.box.clientWidth - 2));
        if (Math.abs(c.plot.width - w) > 1) c.plot.setSize({ width: w, height: 170 });
      }
    }, 100);
  }).observe($('charts'));

  void start();
})();
