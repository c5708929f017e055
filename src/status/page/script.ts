/**
 * The page's script (inline, allowed by its hash). The server renders the
 * content; this keeps it current and honest about itself:
 *
 * - live updates over SSE; a status event is applied at once (component,
 *   banner, title, favicon) and the rest (bars, uptime, incidents) is
 *   refetched after a random 0.5–3 s, so a thousand pages do not refetch in
 *   the same instant;
 * - the stream's state is always shown: connecting, live, reconnecting
 *   (backoff 1, 2, 4, 8 s, each ×0.5–1.5 jitter), lost (then polled every
 *   30 s and retried every 60 s), or paused when the server is at its
 *   viewer cap; and how fresh the data is;
 * - times in the reader's zone, with the zone; bar details by keyboard
 *   (arrow keys), mouse and touch.
 */
export const SCRIPT = `
(function () {
  'use strict';
  var STATE_TEXT = { checking: 'Checking systems\\u2026', operational: 'All systems operational', maintenance: 'Scheduled maintenance in progress',
    degraded: 'Some systems are degraded', partial_outage: 'Partial outage', major_outage: 'Major outage' };
  var LABEL = { ok: 'Operational', degraded: 'Degraded performance', error: 'Outage', unknown: 'No recent data' };
  var BAR_WORD = { ok: 'operational', degraded: 'degraded', error: 'outage', maintenance: 'maintenance', none: 'no data' };
  var POLL_MS = 30000, RETRY_LOST_MS = 60000, MAX_ATTEMPTS = 4, STALE_MS = 90000;
  var content = document.getElementById('content');
  var live = document.getElementById('live');
  var liveText = document.getElementById('live-text');
  var fresh = document.getElementById('fresh');
  var icon = document.getElementById('favicon');
  var title = document.body.getAttribute('data-title') || document.title;
  var ICONS = JSON.parse(document.body.getAttribute('data-icons') || '{}');
  // dateStyle/timeStyle cannot be combined with timeZoneName: the fields are spelt out.
  var fmt = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });
  var fmtTime = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  var zone = (new Intl.DateTimeFormat(undefined, { timeZoneName: 'short' }).formatToParts(new Date()).filter(function (p) { return p.type === 'timeZoneName'; })[0] || {}).value || '';
  var lastFresh = Date.now();
  var es = null, attempts = 0, timer = null, poller = null, watchdog = null, refetchTimer = null, pingMs = 15000;

  function jitter(ms) { return Math.round(ms * (0.5 + Math.random())); }
  function localTimes(root) {
    var list = root.querySelectorAll('time[datetime]');
    for (var i = 0; i < list.length; i++) {
      var d = new Date(list[i].getAttribute('datetime'));
      if (!isNaN(d.getTime())) list[i].textContent = fmt.format(d);
    }
  }
  function setLive(cls, text) {
    live.className = 'live ' + cls;
    liveText.textContent = text;
  }
  function ago(ms) {
    var s = Math.max(0, Math.round(ms / 1000));
    if (s < 60) return s + ' s ago';
    if (s < 3600) return Math.round(s / 60) + ' min ago';
    return Math.round(s / 3600) + ' h ago';
  }
  function tick() {
    var age = Date.now() - lastFresh;
    var text = 'Updated ' + fmtTime.format(new Date(lastFresh)) + ' ' + zone + ' (' + ago(age) + ')';
    fresh.textContent = age > STALE_MS ? 'Data may be out of date: ' + text : text;
    fresh.className = age > STALE_MS ? 'stale' : '';
  }
  function setState(state) {
    var banner = document.getElementById('banner');
    if (banner && state && STATE_TEXT[state]) {
      banner.className = 'banner ' + state;
      banner.setAttribute('data-state', state);
      banner.textContent = STATE_TEXT[state];
    }
    var s = banner ? banner.getAttribute('data-state') : null;
    if (s && STATE_TEXT[s]) {
      document.title = STATE_TEXT[s] + ' \\u00b7 ' + title;
      if (icon && ICONS[s]) icon.setAttribute('href', ICONS[s]);
    }
  }
  function refetch() {
    return fetch('status?fragment=1', { cache: 'no-cache', headers: { accept: 'text/html' } })
      .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.text(); })
      .then(function (html) {
        content.innerHTML = html;
        localTimes(content);
        lastFresh = Date.now();
        setState(null);
        tick();
      });
  }
  function refetchSoon() {
    clearTimeout(refetchTimer);
    refetchTimer = setTimeout(function () { refetch().catch(function () {}); }, 500 + Math.random() * 2500);
  }
  function applyStatus(d) {
    var el = content.querySelector('.state[data-name="' + (window.CSS && CSS.escape ? CSS.escape(d.name) : d.name) + '"]');
    if (el && !el.classList.contains('maintenance')) {
      // Before its first result a check is "checking", not "no data".
      var cls = d.checked === false ? 'checking' : d.status;
      el.className = 'state ' + cls;
      el.textContent = d.checked === false ? 'Checking\u2026' : LABEL[d.status] || d.status;
    }
    setState(d.state);
  }
  function startPolling(every) {
    if (poller) return;
    poller = setInterval(function () { refetch().catch(function () {}); }, jitter(every));
  }
  function stopPolling() { clearInterval(poller); poller = null; }
  function arm() {
    clearTimeout(watchdog);
    // No event and no ping for three ping intervals: the connection is dead even if the socket says nothing.
    watchdog = setTimeout(function () { fail(); }, pingMs * 3);
  }
  function close() {
    if (es) { es.close(); es = null; }
    clearTimeout(watchdog);
  }
  function fail() {
    close();
    attempts++;
    if (attempts > MAX_ATTEMPTS) {
      setLive('live-lost', 'Live updates lost \\u2014 checking every 30 s; retrying the live connection every minute.');
      startPolling(POLL_MS);
      refetch().catch(function () {});
      timer = setTimeout(connect, jitter(RETRY_LOST_MS));
      return;
    }
    var wait = jitter(1000 * Math.pow(2, attempts - 1));
    setLive('live-retry', 'Live updates interrupted \\u2014 reconnecting (attempt ' + attempts + ' of ' + MAX_ATTEMPTS + ') in ' + Math.ceil(wait / 1000) + ' s\\u2026');
    timer = setTimeout(connect, wait);
  }
  function connect() {
    clearTimeout(timer);
    if (!window.EventSource) { setLive('live-lost', 'Live updates are not supported by this browser \\u2014 checking every 30 s.'); startPolling(POLL_MS); return; }
    close();
    if (attempts === 0) setLive('live-connecting', 'Connecting to live updates\\u2026');
    es = new EventSource('api/status/stream');
    var wasLost = attempts > 0;
    es.addEventListener('snapshot', function (e) {
      var d = JSON.parse(e.data);
      if (d.ping_s) pingMs = d.ping_s * 1000;
      attempts = 0;
      stopPolling();
      lastFresh = Date.now();
      setLive('live-ok', 'Live \\u2014 changes appear here as they happen.');
      (d.components || []).forEach(function (c) { applyStatus({ name: c.name, status: c.status, checked: c.checked }); });
      setState(d.state);
      arm();
      tick();
      // After a gap the bars and incidents may have moved on too.
      if (wasLost) refetchSoon();
    });
    es.addEventListener('status', function (e) {
      applyStatus(JSON.parse(e.data));
      lastFresh = Date.now();
      arm();
      tick();
      refetchSoon();
    });
    es.addEventListener('operator', function () { lastFresh = Date.now(); arm(); refetchSoon(); });
    es.addEventListener('ping', function () { lastFresh = Date.now(); arm(); tick(); });
    es.addEventListener('busy', function (e) {
      var d = JSON.parse(e.data);
      close();
      setLive('live-retry', 'Live updates paused: too many viewers right now \\u2014 refreshing every 30 s.');
      startPolling(POLL_MS);
      timer = setTimeout(connect, jitter((d.retry_s || 30) * 1000));
    });
    es.onerror = function () { fail(); };
  }

  function barDetail(bars, k) {
    var list = bars.querySelectorAll('.bar');
    if (k < 0 || k >= list.length) return;
    for (var i = 0; i < list.length; i++) list[i].classList.remove('selected');
    var bar = list[k];
    bar.classList.add('selected');
    var from = Date.parse(bars.getAttribute('data-from'));
    var size = Number(bars.getAttribute('data-size')) * 1000;
    var start = new Date(from + k * size);
    var kind = ['ok', 'degraded', 'error', 'maintenance'].filter(function (c) { return bar.classList.contains(c); })[0] || 'none';
    var u = bar.getAttribute('data-u');
    var text = fmt.format(start) + ' (' + Math.round(size / 60000) + ' min): ' + BAR_WORD[kind] +
      (kind === 'none' || kind === 'maintenance' ? '' : ', ' + (u === null ? '100' : u) + ' % up');
    bars.setAttribute('aria-valuenow', String(k + 1));
    bars.setAttribute('aria-valuetext', text);
    var detail = document.getElementById(bars.getAttribute('aria-describedby'));
    if (detail) detail.textContent = text;
  }
  function selected(bars) { return Number(bars.getAttribute('aria-valuenow') || '1') - 1; }
  document.addEventListener('keydown', function (e) {
    var bars = e.target && e.target.classList && e.target.classList.contains('bars') ? e.target : null;
    if (!bars) return;
    var n = bars.querySelectorAll('.bar').length, k = selected(bars);
    var to = { ArrowLeft: k - 1, ArrowRight: k + 1, Home: 0, End: n - 1, PageUp: k - 24, PageDown: k + 24 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    barDetail(bars, Math.max(0, Math.min(n - 1, to)));
  });
  document.addEventListener('focusin', function (e) {
    if (e.target && e.target.classList && e.target.classList.contains('bars')) barDetail(e.target, selected(e.target));
  });
  // click covers mouse and touch (a tap is a click); the bar under the pointer is picked.
  document.addEventListener('click', function (e) {
    var bar = e.target && e.target.closest ? e.target.closest('.bar') : null;
    var bars = bar ? bar.parentNode : null;
    if (!bars || !bars.classList.contains('bars')) return;
    barDetail(bars, Array.prototype.indexOf.call(bars.children, bar));
    bars.focus();
  });

  localTimes(document);
  setState(null);
  tick();
  setInterval(tick, 1000);
  connect();
})();
`;
