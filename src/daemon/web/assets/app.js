// taskmaster's dashboard: the process table kept live from the JSON API (/api/v1) and its
// server-sent events; actions are POSTs to the same API; logs are streamed with fetch.
// Plain JavaScript, no build step, nothing loaded from elsewhere.
'use strict';

(() => {
  const $ = (selector) => document.querySelector(selector);
  const ACTIONS = ['start', 'stop', 'restart', 'signal', 'tail', 'clear'];
  const LOG_LIMIT = 256 * 1024;
  const RUNNING_STATES = ['STARTING', 'RUNNING', 'BACKOFF', 'STOPPING'];

  // name -> { tr, p } for every process shown.
  let rows = new Map();
  // Server time minus client time, in seconds, for uptimes.
  let skew = 0;
  let daemonStart = null;
  let reloadTimer = null;
  // The log being followed: { name, channel } or { main: true }, and its AbortController.
  let logTarget = null;
  let logAbort = null;

  // What the browser test reads.
  const state = { ready: false, live: false, renders: [] };
  window.taskmaster = state;

  document.documentElement.classList.add('js');

  async function api(method, path, body) {
    const options = { method, headers: { Accept: 'application/json' }, credentials: 'same-origin' };
    if (body !== undefined) {
      options.headers['Content-Type'] = 'application/json';
      options.body = JSON.stringify(body);
    }
    const response = await fetch(path, options);
    let data = null;
    try {
      data = await response.json();
    } catch (e) {
      data = null;
    }
    if (!response.ok) {
      const why = data && data.error ? `${data.error.message} (${data.error.code})` : `${response.status} ${response.statusText}`;
      throw new Error(why);
    }
    return data;
  }

  const path = (name) => encodeURIComponent(name);

  function uptime(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    const days = Math.floor(seconds / 86400);
    const rest = seconds % 86400;
    const pad = (n) => String(n).padStart(2, '0');
    const clock = `${Math.floor(rest / 3600)}:${pad(Math.floor((rest % 3600) / 60))}:${pad(rest % 60)}`;
    if (days === 0) return clock;
    return `${days} day${days === 1 ? '' : 's'}, ${clock}`;
  }

  const now = () => Date.now() / 1000 + skew;

  function exitText(status) {
    if (!status) return '';
    return 'code' in status ? String(status.code) : `signal ${status.signal}`;
  }

  function notice(text, error) {
    const el = $('#notice');
    el.textContent = text;
    el.classList.toggle('error', !!error);
  }

  function makeRow(p) {
    const tr = document.createElement('tr');
    for (const cls of ['name', 'group', 'state-cell', 'pid', 'uptime', 'desc', 'exit']) {
      const td = document.createElement('td');
      td.className = cls;
      tr.appendChild(td);
    }
    tr.children[2].appendChild(document.createElement('span'));
    const actions = document.createElement('td');
    actions.className = 'actions';
    for (const action of ACTIONS) {
      const button = document.createElement('button');
      button.type = 'button';
      button.dataset.action = action;
      button.textContent = action === 'tail' ? 'Tail' : action[0].toUpperCase() + action.slice(1);
      if (action === 'signal') button.title = 'Send the signal chosen in the toolbar';
      if (action === 'tail') button.title = 'Follow the output live';
      if (action === 'clear') button.title = 'Empty the log files';
      actions.appendChild(button);
    }
    tr.appendChild(actions);
    fillRow(tr, p);
    return tr;
  }

  function fillRow(tr, p) {
    const cells = tr.children;
    tr.dataset.name = p.name;
    tr.dataset.state = p.state;
    cells[0].textContent = p.name;
    cells[1].textContent = p.group;
    const badge = cells[2].firstChild;
    badge.className = `state st-${p.state.toLowerCase()}`;
    badge.textContent = p.state;
    cells[3].textContent = p.pid === null ? '' : String(p.pid);
    fillUptime(tr, p);
    // How the last run ended, once it has: a running process's is history.
    const running = RUNNING_STATES.includes(p.state);
    cells[6].textContent = running ? '' : exitText(p.exit_status);
    // Only what the state allows is offered (the daemon would refuse the rest anyway).
    const buttons = cells[7].children;
    const started = ['STARTING', 'RUNNING', 'BACKOFF'].includes(p.state);
    buttons[0].disabled = started;
    buttons[1].disabled = !started;
    buttons[3].disabled = p.pid === null;
  }

  function fillUptime(tr, p) {
    const running = p.state === 'RUNNING' && p.start_time !== null;
    const up = running ? uptime(now() - p.start_time) : '';
    tr.children[4].textContent = up;
    // The daemon's description (with health and status text), its uptime kept current.
    const uptimeText = /uptime (\d+ days?, )?\d+:\d{2}:\d{2}/;
    tr.children[5].textContent = running ? p.description.replace(uptimeText, `uptime ${up}`) : p.description;
  }

  function visible(p) {
    const text = $('#filter').value.trim().toLowerCase();
    const wanted = $('#state-filter').value;
    return (!text || p.name.toLowerCase().includes(text)) && (!wanted || p.state === wanted);
  }

  function applyFilter() {
    let shown = 0;
    for (const { tr, p } of rows.values()) {
      const show = visible(p);
      tr.hidden = !show;
      if (show) shown += 1;
    }
    $('#shown').textContent = String(shown);
    $('#total').textContent = String(rows.size);
  }

  function refreshTargets() {
    const select = $('#target');
    const current = select.value;
    const groups = [...new Set([...rows.values()].map(({ p }) => p.group))].sort();
    const options = [new Option('All processes', 'all')];
    for (const group of groups) options.push(new Option(`Group ${group}`, `${group}:*`));
    select.replaceChildren(...options);
    if ([...select.options].some((o) => o.value === current)) select.value = current;
  }

  async function loadAll() {
    const start = performance.now();
    const data = await api('GET', '/api/v1/processes');
    const fetched = performance.now();
    skew = data.now - Date.now() / 1000;
    const fragment = document.createDocumentFragment();
    const next = new Map();
    for (const p of data.processes) {
      const tr = makeRow(p);
      next.set(p.name, { tr, p });
      fragment.appendChild(tr);
    }
    rows = next;
    $('#processes tbody').replaceChildren(fragment);
    refreshTargets();
    applyFilter();
    // Reading a layout property makes the browser lay the table out now, inside the measure.
    void $('#processes').offsetHeight;
    const done = performance.now();
    state.renders.push({ rows: data.processes.length, fetch_ms: fetched - start, render_ms: done - fetched });
    state.ready = true;
  }

  function scheduleReload() {
    if (reloadTimer !== null) return;
    reloadTimer = setTimeout(() => {
      reloadTimer = null;
      loadAll().catch((e) => notice(`Can't list the processes: ${e.message}`, true));
    }, 100);
  }

  function setDaemon(d) {
    $('#ident').textContent = d.identification;
    $('#host').textContent = d.hostname;
    $('#version').textContent = d.version;
    $('#dpid').textContent = String(d.pid);
    daemonStart = d.start_time;
    skew = d.now - Date.now() / 1000;
    $('#duptime').textContent = uptime(d.uptime);
    $('#mainlog').disabled = !d.has_log;
  }

  function setLive(on) {
    state.live = on;
    const el = $('#live');
    el.classList.toggle('on', on);
    el.textContent = on ? 'live' : 'reconnecting';
  }

  function connectEvents() {
    const events = new EventSource('/api/v1/events');
    events.addEventListener('hello', (e) => {
      setDaemon(JSON.parse(e.data));
      setLive(true);
      loadAll().catch((err) => notice(`Can't list the processes: ${err.message}`, true));
    });
    events.addEventListener('process', (e) => {
      const p = JSON.parse(e.data);
      const row = rows.get(p.name);
      if (!row) return scheduleReload();
      row.p = p;
      fillRow(row.tr, p);
      row.tr.hidden = !visible(p);
    });
    events.addEventListener('processes', scheduleReload);
    events.onerror = () => setLive(false);
  }

  function describeResults(result) {
    if (result.message && (!result.results || result.results.length === 0)) return result.message;
    return result.results.map((r) => `${r.name}: ${r.error ? 'ERROR ' : ''}${r.message}`).join('\n');
  }

  async function act(name, action) {
    const body = action === 'signal' ? { signal: $('#signal').value } : undefined;
    try {
      const result = await api('POST', `/api/v1/processes/${path(name)}/${action}`, body);
      notice(describeResults(result), !result.ok);
      if (action === 'clear' && logTarget && !logTarget.main && logTarget.name === name) $('#log-output').textContent = '';
    } catch (e) {
      notice(`${name}: ${e.message}`, true);
    }
  }

  function appendLog(text) {
    const out = $('#log-output');
    const atBottom = out.scrollTop + out.clientHeight >= out.scrollHeight - 4;
    let all = out.textContent + text;
    if (all.length > LOG_LIMIT) all = all.slice(all.length - LOG_LIMIT);
    out.textContent = all;
    if (atBottom) out.scrollTop = out.scrollHeight;
  }

  function closeLog() {
    if (logAbort) logAbort.abort();
    logAbort = null;
    logTarget = null;
    $('#log').hidden = true;
  }

  async function openLog(target) {
    if (logAbort) logAbort.abort();
    logTarget = target;
    const abort = new AbortController();
    logAbort = abort;
    $('#log').hidden = false;
    $('#log-output').textContent = '';
    $('#log-title').textContent = target.main ? 'Daemon log' : target.name;
    for (const tab of document.querySelectorAll('#log .tab')) {
      tab.hidden = !!target.main;
      tab.classList.toggle('active', !target.main && tab.dataset.channel === target.channel);
    }
    $('#log-clear').hidden = !!target.main;
    const url = target.main
      ? '/api/v1/daemon/log/stream'
      : `/api/v1/processes/${path(target.name)}/log/${target.channel}/stream`;
    try {
      const response = await fetch(url, { signal: abort.signal, credentials: 'same-origin' });
      if (!response.ok) {
        appendLog(`[no log to follow: ${response.status} ${response.statusText}]\n`);
        return;
      }
      $('#log').dataset.following = 'true';
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        appendLog(decoder.decode(value, { stream: true }));
      }
    } catch (e) {
      if (e.name !== 'AbortError') appendLog(`\n[log stream ended: ${e.message}]\n`);
    } finally {
      if (logAbort === abort) delete $('#log').dataset.following;
    }
  }

  async function reread() {
    try {
      const result = await api('POST', '/api/v1/reread');
      const list = $('#change-list');
      list.replaceChildren();
      for (const change of result.changes) {
        const li = document.createElement('li');
        li.textContent = `${change.name}: ${change.change}`;
        list.appendChild(li);
      }
      if (result.changes.length === 0) {
        const li = document.createElement('li');
        li.textContent = result.message || 'No changes';
        list.appendChild(li);
      }
      $('#update').disabled = result.changes.length === 0;
      $('#changes').hidden = false;
    } catch (e) {
      notice(`Reread: ${e.message}`, true);
    }
  }

  async function update() {
    $('#update').disabled = true;
    try {
      const result = await api('POST', '/api/v1/update');
      notice(describeResults(result), !result.ok);
      $('#changes').hidden = true;
      scheduleReload();
    } catch (e) {
      notice(`Update: ${e.message}`, true);
    }
  }

  function tick() {
    if (daemonStart !== null) $('#duptime').textContent = uptime(now() - daemonStart);
    for (const { tr, p } of rows.values()) {
      if (p.state === 'RUNNING') fillUptime(tr, p);
    }
  }

  function init() {
    $('#processes tbody').addEventListener('click', (e) => {
      const button = e.target.closest('button[data-action]');
      if (!button) return;
      const name = button.closest('tr').dataset.name;
      const action = button.dataset.action;
      if (action === 'tail') openLog({ name, channel: 'stdout' });
      else act(name, action);
    });
    for (const button of document.querySelectorAll('button[data-bulk]')) {
      button.addEventListener('click', () => act($('#target').value, button.dataset.bulk));
    }
    for (const tab of document.querySelectorAll('#log .tab')) {
      tab.addEventListener('click', () => {
        if (logTarget && !logTarget.main) openLog({ name: logTarget.name, channel: tab.dataset.channel });
      });
    }
    $('#filter').addEventListener('input', applyFilter);
    $('#state-filter').addEventListener('change', applyFilter);
    $('#log-close').addEventListener('click', closeLog);
    $('#log-clear').addEventListener('click', () => logTarget && !logTarget.main && act(logTarget.name, 'clear'));
    $('#mainlog').addEventListener('click', () => openLog({ main: true }));
    $('#reread').addEventListener('click', reread);
    $('#update').addEventListener('click', update);
    $('#changes-close').addEventListener('click', () => { $('#changes').hidden = true; });
    setInterval(tick, 1000);
    connectEvents();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
