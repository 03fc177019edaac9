// Draws the response-time chart (average and p95 per region, incidents shaded) with uPlot from
// /checks/<id>/series.json. Times are UTC throughout, written like the rest of the UI: 2026-11-29 19:51 UTC.
(function () {
  'use strict';
  var container = document.getElementById('latency-chart');
  if (!container || typeof uPlot === 'undefined') return;
  // The theme the server applied (data-theme on <html>), or the browser's when the user follows the system.
  var theme = document.documentElement.getAttribute('data-theme');
  var dark = theme === 'dark' || (theme !== 'light' && window.matchMedia('(prefers-color-scheme: dark)').matches);
  var palette = dark
    ? ['#58a6ff', '#3fb950', '#d29922', '#bc8cff', '#39c5cf', '#f778ba']
    : ['#1d4ed8', '#15803d', '#b45309', '#7c3aed', '#0e7490', '#be185d'];
  var DOWN_FILL = dark ? 'rgba(248, 81, 73, 0.22)' : 'rgba(185, 28, 28, 0.16)';
  // Axis labels in the page's text colour (resolved by CSS), grid lines faint on either background.
  var AXIS_TEXT = window.getComputedStyle(container).color;
  var GRID = dark ? 'rgba(240, 246, 252, 0.12)' : 'rgba(31, 35, 40, 0.1)';

  function message(text) {
    container.textContent = '';
    var p = document.createElement('p');
    p.className = 'muted chart-placeholder';
    p.textContent = text;
    container.appendChild(p);
  }

  function pad(n) {
    return n < 10 ? '0' + n : '' + n;
  }
  function utcDay(seconds) {
    var d = new Date(seconds * 1000);
    return d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate());
  }
  function utcTime(seconds) {
    var d = new Date(seconds * 1000);
    return pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes());
  }

  // Tick labels: the time, with the date under the first tick of each day; midnight ticks show the date only.
  function tickLabels(u, splits) {
    var previousDay = null;
    return splits.map(function (seconds) {
      var day = utcDay(seconds);
      var time = utcTime(seconds);
      var label = time === '00:00' ? day : day !== previousDay ? time + '\n' + day : time;
      previousDay = day;
      return label;
    });
  }

  // A value with no neighbour draws no line; these indices get a dot instead, at any zoom.
  function isolatedPoints(u, seriesIndex) {
    var values = u.data[seriesIndex];
    var indices = [];
    for (var i = 0; i < values.length; i++) {
      if (values[i] != null && values[i - 1] == null && values[i + 1] == null) indices.push(i);
    }
    return indices;
  }

  function shadeDownPeriods(periods) {
    return function (u) {
      var ctx = u.ctx;
      var minWidth = 2 * uPlot.pxRatio;
      ctx.save();
      ctx.fillStyle = DOWN_FILL;
      periods.forEach(function (period) {
        var left = u.valToPos(Date.parse(period.from) / 1000, 'x', true);
        var right = u.valToPos(Date.parse(period.to) / 1000, 'x', true);
        ctx.fillRect(left, u.bbox.top, Math.max(right - left, minWidth), u.bbox.height);
      });
      ctx.restore();
    };
  }

  function build(series) {
    var hasLatency = series.points.some(function (point) {
      return point.avgMs != null || point.p95Ms != null;
    });
    if (!hasLatency && series.downPeriods.length === 0) {
      message('No data yet. The chart fills in as probes run.');
      return;
    }
    var from = Date.parse(series.from) / 1000;
    var to = Date.parse(series.to) / 1000;
    var times = [];
    var index = {};
    series.points.forEach(function (point) {
      if (!(point.t in index)) {
        index[point.t] = times.length;
        times.push(Date.parse(point.t) / 1000);
      }
    });
    var data = [times];
    var lines = [{ label: 'Time (UTC)', value: function (u, v) { return v == null ? '–' : utcDay(v) + ' ' + utcTime(v) + ' UTC'; } }];
    var formatMs = function (u, v) { return v == null ? '–' : Math.round(v) + ' ms'; };
    series.regions.forEach(function (region, regionIndex) {
      var avg = times.map(function () { return null; });
      var p95 = times.map(function () { return null; });
      series.points.forEach(function (point) {
        if (point.region !== region) return;
        avg[index[point.t]] = point.avgMs;
        p95[index[point.t]] = point.p95Ms;
      });
      var colour = palette[regionIndex % palette.length];
      data.push(avg, p95);
      lines.push(
        { label: region + ' avg', stroke: colour, width: 2, spanGaps: false, value: formatMs, points: { show: true, size: 6, fill: colour, filter: isolatedPoints } },
        { label: region + ' p95', stroke: colour, width: 1, dash: [6, 4], spanGaps: false, value: formatMs, points: { show: true, size: 4, filter: isolatedPoints } }
      );
    });
    if (times.length === 0) data[0] = [from, to]; // down the whole range: no latency, only shading
    container.textContent = '';
    var width = Math.max(280, container.clientWidth);
    var plot = new uPlot(
      {
        width: width,
        height: 300,
        series: lines,
        padding: [12, 40, 0, 0], // room for the last tick label (often midnight, the widest)
        tzDate: function (seconds) { return uPlot.tzDate(new Date(seconds * 1000), 'Etc/UTC'); },
        axes: [
          { values: tickLabels, space: 70, size: 48, stroke: AXIS_TEXT, grid: { stroke: GRID }, ticks: { stroke: GRID } },
          { label: 'ms', stroke: AXIS_TEXT, grid: { stroke: GRID }, ticks: { stroke: GRID }, values: function (u, values) { return values.map(function (v) { return v + ''; }); } }
        ],
        // The whole range is on the axis, also when only its last hours have data.
        scales: { x: { time: true, range: function () { return [from, to]; } }, y: { range: function (u, min, max) { return [0, max > 0 ? max * 1.1 : 100]; } } },
        cursor: { points: { size: 6 } },
        legend: { live: true },
        hooks: { drawClear: [shadeDownPeriods(series.downPeriods)] }
      },
      data,
      container
    );
    window.addEventListener('resize', function () {
      plot.setSize({ width: Math.max(280, container.clientWidth), height: 300 });
    });
  }

  fetch(container.getAttribute('data-series-url'), { headers: { accept: 'application/json' }, credentials: 'same-origin' })
    .then(function (response) {
      if (!response.ok) throw new Error('HTTP ' + response.status);
      return response.json();
    })
    .then(build)
    .catch(function (error) {
      message('Could not load the chart (' + error.message + ').');
    });
})();
