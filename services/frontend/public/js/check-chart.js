// Draws the response-time chart (average and p95 per region) with uPlot from /checks/<id>/series.json.
(function () {
  'use strict';
  var container = document.getElementById('latency-chart');
  if (!container || typeof uPlot === 'undefined') return;
  var palette = ['#1d4ed8', '#15803d', '#b45309', '#7c3aed', '#0e7490', '#be185d'];

  function message(text) {
    container.textContent = '';
    var p = document.createElement('p');
    p.className = 'muted chart-placeholder';
    p.textContent = text;
    container.appendChild(p);
  }

  function build(series) {
    var times = [];
    var index = {};
    series.points.forEach(function (point) {
      if (!(point.t in index)) {
        index[point.t] = times.length;
        times.push(point.t);
      }
    });
    if (times.length === 0 || series.regions.length === 0) {
      message('No probes in this range yet.');
      return;
    }
    var xs = times.map(function (t) {
      return Date.parse(t) / 1000;
    });
    var data = [xs];
    var lines = [{}];
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
        { label: region + ' avg', stroke: colour, width: 2, spanGaps: false, value: function (u, v) { return v == null ? '–' : Math.round(v) + ' ms'; } },
        { label: region + ' p95', stroke: colour, width: 1, dash: [6, 4], spanGaps: false, value: function (u, v) { return v == null ? '–' : Math.round(v) + ' ms'; } }
      );
    });
    container.textContent = '';
    var width = Math.max(280, container.clientWidth);
    var plot = new uPlot(
      {
        width: width,
        height: 300,
        series: lines,
        axes: [{}, { label: 'ms', values: function (u, values) { return values.map(function (v) { return v + ''; }); } }],
        scales: { x: { time: true } },
        cursor: { points: { size: 6 } },
        legend: { live: true }
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
