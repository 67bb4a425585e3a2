// The HTML report's page script (inlined by html.ts). It reads the run's data from the JSON script element and
// builds the page with DOM text nodes only: no name, log line or message is ever parsed as markup.
(() => {
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const C = data.columns;
  const total = C.status.length;
  const ids = C.id.map((id, i) => {
    if (id !== null) return id;
    const row = data.rows[C.row[i]];
    return C.op[i] >= 0 ? `${row}/${data.phases[C.phase[i]]}/op${C.op[i]}/${data.lanes[C.lane[i]]}` : `${row}/clean`;
  });
  const STATUS = ['pass', 'fail', 'skip'];
  const LABEL_WIDTH = 200;
  const AXIS_HEIGHT = 18;
  const filters = { suite: -1, invariant: -1, outcome: -1 };
  const views = [];
  let renders = 0;

  const el = (tag, text, className) => {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  };
  const hex = (n) => `0x${n.toString(16)}`;
  const place = (offset) => {
    const p = data.info.flash.partitions.find((q) => offset >= q.offset && offset < q.offset + q.size);
    return p ? `${p.name}+${hex(offset - p.offset)}` : hex(offset);
  };
  const inTrailer = (offset, length) =>
    data.info.flash.trailers.some((t) => offset < t.offset + t.size && offset + Math.max(length, 1) > t.offset);
  const colourOf = (i) => {
    const status = STATUS[C.status[i]];
    if (status !== 'fail') return data.colours[status];
    const inv = C.invariant[i];
    return inv >= 0 ? data.colours[data.invariants[inv].name] : data.colours.safety;
  };
  const WHITE = 0xffffffff;
  // Canvas pixels are RGBA bytes; on the little-endian machines browsers run on, a Uint32 reads them as ABGR.
  const toPixel = (hexColour) => {
    const n = Number.parseInt(hexColour.slice(1), 16);
    return (0xff000000 | ((n & 0xff) << 16) | (n & 0xff00) | ((n >> 16) & 0xff)) >>> 0;
  };
  const pixelColour = new Uint32Array(total);
  const shown = new Uint8Array(total);
  const visible = (i) =>
    (filters.suite < 0 || C.suite[i] === filters.suite) &&
    (filters.outcome < 0 || C.status[i] === filters.outcome) &&
    (filters.invariant < 0 || C.invariant[i] === filters.invariant);
  const replayOf = (i) => {
    const r = C.replay[i];
    if (typeof r !== 'number') return r;
    const [before, after] = data.replays[r].split('\u0000');
    return before + ids[i] + after;
  };

  function summary() {
    const s = data.summary;
    const verdict = document.getElementById('verdict');
    verdict.textContent =
      s.failed === 0 && !data.stoppedEarly
        ? 'PASS: every invariant held'
        : `FAIL: ${s.failed} case(s) broke an invariant${data.stoppedEarly ? ` (stopped early: ${data.stoppedEarly})` : ''}`;
    verdict.className = s.failed === 0 && !data.stoppedEarly ? 'pass' : 'fail';
    const counts = document.getElementById('counts');
    for (const [key, label] of [
      ['total', 'cases'],
      ['passed', 'passed'],
      ['failed', 'failed'],
      ['skipped', 'skipped'],
    ]) {
      const span = el('span', `${s[key]} ${label}`);
      span.dataset.count = key;
      span.dataset.value = String(s[key]);
      counts.append(span);
    }
    counts.append(el('span', `${(data.durationMs / 1000).toFixed(1)} s`));
    const info = data.info;
    const rows = [
      ['bootproof', info.bootproof],
      ['command', info.command],
      ['board', `${info.board.name}${info.board.target ? ` (${info.board.target})` : ''}, file sha256 ${info.board.sha256}`],
      ['strategy', info.strategy],
      [
        'bootloader',
        `${info.bootloader.name} (${info.bootloader.kind}${info.bootloader.sha256 ? `, sha256 ${info.bootloader.sha256}` : ''})`,
      ],
      ['bootloader config', JSON.stringify(info.bootloader.config)],
      ...info.images.map((im) => [`image ${im.role}`, `${im.version}, ${im.size} bytes, sha256 ${im.sha256}`]),
      ...info.keys.map((k) => [`key ${k.role}`, `sha256 ${k.fingerprint}`]),
      ['seed', info.seed],
      ['points', info.points],
      ['suites', info.suites.join(', ')],
    ];
    const table = document.getElementById('provenance');
    for (const [k, v] of rows) {
      const tr = el('tr');
      tr.append(el('th', k), el('td', v));
      table.append(tr);
    }
    const coverage = document.getElementById('coverage');
    data.suites.forEach((suite, si) => {
      let pass = 0;
      let fail = 0;
      let skip = 0;
      for (let i = 0; i < total; i++) {
        if (C.suite[i] !== si) continue;
        if (C.status[i] === 0) pass++;
        else if (C.status[i] === 1) fail++;
        else skip++;
      }
      const block = el('div');
      block.append(el('h3', `${suite}: ${pass} passed, ${fail} failed, ${skip} skipped`));
      const lines = (info.coverage || []).find((c) => c.suite === suite);
      if (lines) {
        const ul = el('ul');
        for (const line of lines.lines) ul.append(el('li', `${line.how} ${line.count} ${line.what}`));
        block.append(ul);
      }
      const dims = (info.dimensions || []).find((d) => d.suite === suite);
      if (dims) block.append(dimensionTables(dims));
      coverage.append(block);
    });
  }

  // A suite's dimension coverage: each value with its row count (or why none holds it), each pair and group's
  // count, every combination left out with its reason, and the rows themselves.
  function dimensionTables(dims) {
    const box = el('div', undefined, 'dimensions');
    box.append(el('p', `${dims.profile} profile: ${dims.strength}; ${dims.rows.length} rows`));
    const values = el('table');
    for (const d of dims.dimensions) {
      const tr = el('tr');
      tr.append(el('th', d.name));
      for (const v of d.values) {
        const td = el('td', v.rows > 0 ? `${v.value} (${v.rows})` : `${v.value} ✗`, v.rows > 0 ? 'covered' : 'excluded');
        if (v.reason) td.title = v.reason;
        tr.append(td);
      }
      values.append(tr);
    }
    box.append(values);
    const combos = el('table');
    const head = el('tr');
    for (const h of ['dimensions', 'covered', 'excluded', 'missing']) head.append(el('th', h));
    combos.append(head);
    for (const c of dims.combinations) {
      const tr = el('tr');
      tr.append(el('td', c.dimensions.join(' × ')), el('td', `${c.covered} of ${c.total}`), el('td', c.excluded.length), el('td', c.missing.length));
      combos.append(tr);
    }
    const combosBox = el('details');
    combosBox.append(el('summary', 'combinations, pair by pair'), combos);
    box.append(combosBox);
    const left = el('details');
    left.append(el('summary', 'combinations left out, and why'));
    const ul = el('ul');
    for (const c of dims.combinations) {
      for (const e of c.excluded) ul.append(el('li', `${c.dimensions.map((d, i) => `${d}=${e.values[i]}`).join(', ')}: ${e.reason}`));
    }
    left.append(ul);
    box.append(left);
    const rows = el('details');
    rows.append(el('summary', 'the rows'));
    const names = dims.dimensions.map((d) => d.name);
    const table = el('table');
    const top = el('tr');
    for (const h of ['row', ...names]) top.append(el('th', h));
    table.append(top);
    for (const r of dims.rows) {
      const tr = el('tr');
      tr.append(el('td', r.id));
      for (const n of names) tr.append(el('td', r.values[n]));
      table.append(tr);
    }
    rows.append(table);
    box.append(rows);
    return box;
  }

  function flashMap() {
    const map = document.getElementById('flash-map');
    const { size, partitions, trailers } = data.info.flash;
    const palette = ['#555b66', '#2f6db5', '#3f8f5a', '#9a6a2f', '#7b4fa0', '#a0434f', '#3a8a8f'];
    let cursor = 0;
    const add = (name, offset, length, colour) => {
      const div = el('div', `${name} ${hex(offset)} ${Math.round(length / 1024)} KiB`);
      div.style.flex = `${Math.max(length, size / 200)} 0 0`;
      div.style.background = colour;
      div.title = `${name}: ${hex(offset)}..${hex(offset + length)} (${length} bytes)`;
      for (const t of trailers) {
        if (t.offset >= offset && t.offset < offset + length) {
          const mark = el('span', undefined, 'trailer');
          mark.style.left = `${((t.offset - offset) / length) * 100}%`;
          mark.style.width = `${Math.max((t.size / length) * 100, 1)}%`;
          mark.title = `trailer/status area ${hex(t.offset)}+${t.size}`;
          div.append(mark);
        }
      }
      map.append(div);
    };
    partitions.forEach((p, i) => {
      if (p.offset > cursor) add('(unused)', cursor, p.offset - cursor, '#c8c8c8');
      add(p.name, p.offset, p.size, palette[i % palette.length]);
      cursor = p.offset + p.size;
    });
    if (cursor < size) add('(unused)', cursor, size - cursor, '#c8c8c8');
  }

  function legend() {
    const box = document.getElementById('legend');
    const item = (key, label) => {
      const span = el('span');
      const swatch = el('span', undefined, 'swatch');
      swatch.style.background = data.colours[key];
      span.dataset.legend = key;
      span.dataset.colour = data.colours[key];
      span.append(swatch, document.createTextNode(label));
      box.append(span);
    };
    item('pass', 'pass');
    item('skip', 'skipped');
    for (const inv of data.invariants) item(inv.name, `fail: ${inv.name} (${inv.ref})`);
  }

  function selectOptions() {
    const fill = (id, options, key) => {
      const select = document.getElementById(id);
      select.append(new Option('all', '-1'));
      for (const [value, label] of options) select.append(new Option(label, String(value)));
      select.addEventListener('change', () => {
        filters[key] = Number(select.value);
        update();
      });
    };
    fill(
      'filter-suite',
      data.suites.map((s, i) => [i, s]),
      'suite',
    );
    const present = new Set();
    for (let i = 0; i < total; i++) if (C.invariant[i] >= 0) present.add(C.invariant[i]);
    fill(
      'filter-invariant',
      data.invariants.map((v, i) => [i, present.has(i) ? v.name : `${v.name} (none)`]),
      'invariant',
    );
    fill(
      'filter-outcome',
      STATUS.map((s, i) => [i, s]),
      'outcome',
    );
  }

  // One fault map per suite: a row per scenario and cut outcome, the operation index along x, a point per case.
  function buildViews() {
    const container = document.getElementById('suite-maps');
    data.suites.forEach((suite, si) => {
      const rowOf = new Map();
      const labels = [];
      const cases = [];
      const rows = [];
      const byRow = [];
      let maxOp = 0;
      const lanes = data.lanes.length;
      for (let i = 0; i < total; i++) {
        if (C.suite[i] !== si) continue;
        const key = C.row[i] * lanes + C.lane[i];
        let row = rowOf.get(key);
        if (row === undefined) {
          row = labels.length;
          rowOf.set(key, row);
          labels.push(`${data.rows[C.row[i]]} · ${data.lanes[C.lane[i]]}`);
          byRow.push([]);
        }
        if (C.op[i] > maxOp) maxOp = C.op[i];
        cases.push(i);
        rows.push(row);
        byRow[row].push(i);
      }
      const rowIndex = Int32Array.from(rows);
      const block = el('div', undefined, 'suite-map');
      block.dataset.suite = suite;
      block.append(el('h3', `${suite} (${cases.length} cases; x: flash operation of the update, left: no cut)`));
      const canvas = document.createElement('canvas');
      block.append(canvas);
      container.append(block);
      const rowHeight = labels.length > 150 ? 4 : 12;
      const view = { si, block, canvas, cases, rowIndex, byRow, labels, maxOp, rowHeight, scale: 0, start: -1 };
      views.push(view);
      canvas.addEventListener('click', (event) => {
        const i = hit(view, event.offsetX, event.offsetY);
        if (i >= 0) showCase(i);
      });
      canvas.addEventListener(
        'wheel',
        (event) => {
          event.preventDefault();
          zoom(view, event.deltaY < 0 ? 1.5 : 1 / 1.5, event.offsetX);
        },
        { passive: false },
      );
      let drag;
      canvas.addEventListener('mousedown', (event) => {
        drag = { x: event.clientX, start: view.start, moved: false };
      });
      window.addEventListener('mouseup', () => {
        drag = undefined;
      });
      canvas.addEventListener('mousemove', (event) => {
        if (!drag || event.buttons !== 1) return;
        const dx = event.clientX - drag.x;
        if (Math.abs(dx) > 2) drag.moved = true;
        view.start = drag.start - dx / view.scale;
        draw(view);
      });
    });
  }

  function fitView(view) {
    const width = view.canvas.clientWidth - LABEL_WIDTH;
    view.scale = Math.max(width / (view.maxOp + 2), 0.01);
    view.start = -1;
  }

  function zoom(view, factor, atX) {
    const anchor = view.start + (atX - LABEL_WIDTH) / view.scale;
    view.scale = Math.min(Math.max(view.scale * factor, 0.01), 200);
    view.start = anchor - (atX - LABEL_WIDTH) / view.scale;
    draw(view);
  }

  // Points are written straight into the canvas's pixels: one putImageData instead of 100,000 fillRect calls.
  function draw(view) {
    const { canvas, cases, rowIndex, labels, rowHeight } = view;
    view.block.hidden = filters.suite >= 0 && filters.suite !== view.si;
    if (view.block.hidden) return;
    const dpr = window.devicePixelRatio || 1;
    const width = canvas.clientWidth;
    const height = AXIS_HEIGHT + labels.length * rowHeight + 2;
    if (!view.scale) fitView(view);
    canvas.style.height = `${height}px`;
    const W = Math.round(width * dpr);
    const H = Math.round(height * dpr);
    canvas.width = W;
    canvas.height = H;
    const g = canvas.getContext('2d');
    const image = g.createImageData(W, H);
    const pixels = new Uint32Array(image.data.buffer);
    pixels.fill(WHITE);
    const w = Math.max(view.scale > 3 ? view.scale - 1 : view.scale, 1);
    const h = Math.max(rowHeight - 1, 1);
    const left = Math.round(LABEL_WIDTH * dpr);
    const pw = Math.max(1, Math.round(w * dpr));
    const ph = Math.max(1, Math.round(h * dpr));
    for (let k = 0; k < cases.length; k++) {
      const i = cases[k];
      if (!shown[i]) continue;
      const x0 = Math.round((LABEL_WIDTH + (C.op[i] - view.start) * view.scale) * dpr);
      const x1 = Math.min(x0 + pw, W);
      const from = Math.max(x0, left);
      if (from >= x1) continue;
      const y0 = Math.round((AXIS_HEIGHT + rowIndex[k] * rowHeight) * dpr);
      const colour = pixelColour[i];
      for (let y = y0; y < y0 + ph && y < H; y++) pixels.fill(colour, y * W + from, y * W + x1);
    }
    g.putImageData(image, 0, 0);
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.font = '10px sans-serif';
    g.fillStyle = '#777';
    const step = Math.max(1, 10 ** Math.ceil(Math.log10(60 / view.scale)));
    for (let op = Math.ceil(view.start / step) * step; op < view.start + (width - LABEL_WIDTH) / view.scale; op += step) {
      if (op < 0) continue;
      g.fillText(String(op), LABEL_WIDTH + (op - view.start) * view.scale, 12);
    }
    if (rowHeight >= 8) {
      g.fillStyle = '#333';
      labels.forEach((label, r) => {
        g.fillText(label.length > 34 ? `${label.slice(0, 33)}…` : label, 2, AXIS_HEIGHT + r * rowHeight + rowHeight - 2);
      });
    }
  }

  /** The case under a point of a map (the nearest visible one within a few pixels), or -1. */
  function hit(view, x, y) {
    if (x < LABEL_WIDTH) return -1;
    const row = Math.floor((y - AXIS_HEIGHT) / view.rowHeight);
    if (row < 0 || row >= view.byRow.length) return -1;
    const op = view.start + (x - LABEL_WIDTH) / view.scale;
    const slack = Math.max(3 / view.scale, 0.5);
    let best = -1;
    let bestDistance = Infinity;
    for (const i of view.byRow[row]) {
      if (!visible(i)) continue;
      const d = Math.abs(C.op[i] + 0.5 - op);
      if (d <= slack + 0.5 && (d < bestDistance || (d === bestDistance && C.status[i] === 1))) {
        best = i;
        bestDistance = d;
      }
    }
    return best;
  }

  function showCase(i) {
    document.getElementById('case-hint').hidden = true;
    const body = document.getElementById('case-body');
    body.replaceChildren();
    body.dataset.case = ids[i];
    const detail = data.details[i] || {};
    const suite = data.suites[C.suite[i]];
    body.append(el('h3', `${STATUS[C.status[i]].toUpperCase()} ${suite}: ${ids[i]}`));
    if (detail.title) body.append(el('p', detail.title));
    const facts = el('table');
    const fact = (k, v) => {
      const tr = el('tr');
      tr.append(el('th', k), el('td', v));
      facts.append(tr);
    };
    if (C.op[i] >= 0) {
      const f = detail.fault;
      const second = f?.second ? `; then a second cut (${f.second.outcome}) at op ${f.second.op}` : '';
      fact(
        'cut',
        `${data.lanes[C.lane[i]]} at op ${C.op[i]}: ${data.kinds[C.kind[i]]} ${place(C.offset[i])} (${hex(C.offset[i])}), ${data.phases[C.phase[i]]}${second}`,
      );
    } else fact('cut', 'none');
    fact('seed', C.seed[i]);
    fact('boots', C.boots[i]);
    if (detail.note) fact('note', detail.note);
    body.append(facts);
    if (detail.violations?.length) {
      body.append(el('h4', 'Invariants broken'));
      const ul = el('ul', undefined, 'violations');
      for (const v of detail.violations) ul.append(el('li', `${v.invariant}: ${v.message}`));
      body.append(ul);
    }
    if (detail.trace?.length) {
      body.append(el('h4', 'Flash journal around the cut'));
      const pre = el('pre', undefined, 'journal');
      const focus = detail.fault?.second?.op ?? C.op[i];
      for (const op of detail.trace) {
        const trailer = inTrailer(op.offset, op.length);
        const line = el(
          'div',
          `${op.index === focus ? '>' : ' '} #${op.index} ${op.kind} ${place(op.offset)} (${hex(op.offset)})+${op.length} at ${op.startUs} us: ${op.result}${trailer ? '   [trailer/status area]' : ''}`,
        );
        if (trailer) line.className = 'trailer-op';
        pre.append(line);
      }
      body.append(pre);
      const status = detail.trace.filter((op) => inTrailer(op.offset, op.length));
      body.append(el('h4', 'Trailer and status areas'));
      body.append(
        el(
          'p',
          status.length
            ? `${status.length} of these operations changed a trailer or status area (highlighted above).`
            : 'None of these operations touched a trailer or status area.',
        ),
      );
    }
    if (detail.journal?.length) {
      body.append(el('h4', 'Journal around the cut'));
      body.append(el('pre', detail.journal.join('\n'), 'journal'));
    }
    if (detail.bootLog?.length) {
      body.append(el('h4', 'Boots after the cut'));
      body.append(el('pre', detail.bootLog.join('\n'), 'boots'));
    }
    body.append(el('h4', 'Replay'));
    const replay = el('div', undefined, 'replay');
    const code = el('code', replayOf(i), 'replay-command');
    const button = el('button', 'copy');
    button.type = 'button';
    button.addEventListener('click', () => copy(code, button));
    replay.append(code, button);
    body.append(replay);
  }

  function copy(code, button) {
    const done = () => {
      button.textContent = 'copied';
    };
    const fallback = () => {
      const range = document.createRange();
      range.selectNodeContents(code);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      if (document.execCommand('copy')) done();
      else button.textContent = 'selected: press Ctrl+C';
    };
    if (navigator.clipboard?.writeText) navigator.clipboard.writeText(code.textContent).then(done, fallback);
    else fallback();
  }

  function failureList() {
    const list = document.getElementById('failure-list');
    list.replaceChildren();
    let shown = 0;
    let matching = 0;
    for (let i = 0; i < total; i++) {
      if (C.status[i] !== 1 || !visible(i)) continue;
      matching++;
      if (shown >= 500) continue;
      shown++;
      const first = data.details[i]?.violations?.[0];
      const li = el('li', `${data.suites[C.suite[i]]}: ${ids[i]}${first ? ` (${first.invariant}: ${first.message})` : ''}`);
      li.addEventListener('click', () => showCase(i));
      list.append(li);
    }
    if (matching > shown) list.append(el('p', `… and ${matching - shown} more (filter to narrow)`));
  }

  function update() {
    let count = 0;
    for (let i = 0; i < total; i++) {
      shown[i] = visible(i) ? 1 : 0;
      count += shown[i];
    }
    const counter = document.getElementById('shown');
    counter.textContent = `${count} of ${total} cases shown`;
    counter.dataset.shown = String(count);
    for (const view of views) draw(view);
    failureList();
    renders++;
    document.body.dataset.renders = String(renders);
  }

  const palette = new Map();
  for (let i = 0; i < total; i++) {
    const colour = colourOf(i);
    if (!palette.has(colour)) palette.set(colour, toPixel(colour));
    pixelColour[i] = palette.get(colour);
  }
  summary();
  flashMap();
  legend();
  selectOptions();
  buildViews();
  document.getElementById('zoom-in').addEventListener('click', () => {
    for (const v of views) zoom(v, 2, LABEL_WIDTH);
  });
  document.getElementById('zoom-out').addEventListener('click', () => {
    for (const v of views) zoom(v, 0.5, LABEL_WIDTH);
  });
  document.getElementById('zoom-reset').addEventListener('click', () => {
    for (const v of views) {
      fitView(v);
      draw(v);
    }
  });
  let resizeTimer;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      for (const v of views) {
        fitView(v);
        draw(v);
      }
    }, 100);
  });
  update();

  // For automation (tests, scripts): where a case is drawn, in page coordinates, and opening it.
  window.bootproofReport = {
    locate(suite, id) {
      const view = views.find((v) => data.suites[v.si] === suite);
      const k = view ? view.cases.findIndex((i) => ids[i] === id) : -1;
      if (k < 0) return null;
      const i = view.cases[k];
      view.canvas.scrollIntoView({ block: 'center' });
      const box = view.canvas.getBoundingClientRect();
      const w = Math.max(view.scale > 3 ? view.scale - 1 : view.scale, 1);
      return {
        x: box.left + LABEL_WIDTH + (C.op[i] - view.start) * view.scale + w / 2,
        y: box.top + AXIS_HEIGHT + view.rowIndex[k] * view.rowHeight + (view.rowHeight - 1) / 2,
      };
    },
    show(suite, id) {
      const i = ids.findIndex((x, k) => x === id && data.suites[C.suite[k]] === suite);
      if (i >= 0) showCase(i);
      return i >= 0;
    },
  };
  // Milliseconds from navigation to a drawn report (what bench html measures).
  document.body.dataset.readyMs = String(Math.round(performance.now()));
  document.body.dataset.ready = 'true';
})();
