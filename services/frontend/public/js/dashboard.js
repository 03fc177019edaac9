// Refreshes the dashboard table from /dashboard.json every 10 seconds (no reload, no inline script). The poll
// URL carries the page's search, state filter and page number, so the rows shown stay the rows of this page.
(function () {
  'use strict';
  var table = document.getElementById('checks-table');
  if (!table) return;
  var url = table.getAttribute('data-poll-url');
  var status = document.getElementById('poll-status');
  var range = document.getElementById('list-range');
  var labels = ['Check', 'State', 'Last 24 h / 30 d', 'Uptime 24 h', 'Uptime 7 d', 'Uptime 30 d', 'p50 (24 h)', 'p95 (24 h)', 'Last probe'];

  function cell(label, className) {
    var td = document.createElement('td');
    td.setAttribute('data-label', label);
    if (className) td.className = className;
    return td;
  }

  function stateBadge(row) {
    var span = document.createElement('span');
    span.className = 'state state-' + row.state;
    span.setAttribute('data-state', row.state);
    var dot = document.createElement('span');
    dot.className = 'state-dot';
    dot.setAttribute('aria-hidden', 'true');
    span.appendChild(dot);
    span.appendChild(document.createTextNode(row.stateLabel));
    return span;
  }

  function renderRow(row) {
    var tr = document.createElement('tr');
    tr.setAttribute('data-check-id', row.id);
    var name = cell(labels[0]);
    var link = document.createElement('a');
    link.href = '/checks/' + encodeURIComponent(row.id);
    link.className = 'check-name';
    link.textContent = row.name;
    var checkUrl = document.createElement('span');
    checkUrl.className = 'check-url';
    checkUrl.textContent = row.url;
    name.appendChild(link);
    name.appendChild(checkUrl);
    tr.appendChild(name);
    var state = cell(labels[1]);
    state.appendChild(stateBadge(row));
    tr.appendChild(state);
    // The sparkline and the bars come drawn and escaped by the server (the same markup as the page's).
    var glance = cell(labels[2], 'glance');
    glance.innerHTML = '<span class="glance-stack">' + row.sparklineSvg + row.uptimeBarsSvg + '</span>';
    tr.appendChild(glance);
    [row.uptime24h, row.uptime7d, row.uptime30d, row.p50, row.p95].forEach(function (value, index) {
      var td = cell(labels[index + 3], 'num');
      td.textContent = value;
      tr.appendChild(td);
    });
    var last = cell(labels[8]);
    var time = document.createElement('time');
    time.setAttribute('datetime', row.lastProbedAt || '');
    time.textContent = row.lastProbed;
    last.appendChild(time);
    tr.appendChild(last);
    return tr;
  }

  /** The state filter's counts and the "Checks 1–50 of 1000" line. */
  function updateCounts(data) {
    var all = 0;
    Object.keys(data.stateCounts).forEach(function (state) {
      all += data.stateCounts[state];
      var count = document.querySelector('[data-state-count="' + state + '"]');
      if (count) count.textContent = String(data.stateCounts[state]);
    });
    var allCount = document.querySelector('[data-state-count="all"]');
    if (allCount) allCount.textContent = String(all);
    if (range) {
      range.textContent =
        (data.checks.length === 0
          ? 'No checks match any more.'
          : data.pageCount > 1
            ? 'Checks ' + data.first + '–' + data.last + ' of ' + data.matching
            : data.matching + (data.matching === 1 ? ' check' : ' checks')) +
        (data.matching !== data.total ? ' (' + data.total + ' in total)' : '');
    }
  }

  function refresh() {
    fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin', cache: 'no-store' })
      .then(function (response) {
        if (response.status === 401) {
          window.location.assign('/login');
          throw new Error('signed out');
        }
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return response.json();
      })
      .then(function (data) {
        var tbody = document.createElement('tbody');
        data.checks.forEach(function (row) {
          tbody.appendChild(renderRow(row));
        });
        table.replaceChild(tbody, table.tBodies[0]);
        updateCounts(data);
        if (status) status.textContent = 'Updated ' + new Date(data.generatedAt).toLocaleTimeString() + '. Updates every 10 seconds.';
      })
      .catch(function (error) {
        if (status) status.textContent = 'Could not update (' + error.message + '); retrying.';
      });
  }

  setInterval(function () {
    if (!document.hidden) refresh();
  }, 10000);
  document.addEventListener('visibilitychange', function () {
    if (!document.hidden) refresh();
  });
})();
