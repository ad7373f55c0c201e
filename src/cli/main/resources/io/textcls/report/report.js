// Draws the report's charts with Apache ECharts (embedded above) from the JSON in #report-data.
(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('report-data').textContent);
  var charts = 0;
  var base = { animation: false, textStyle: { fontFamily: 'sans-serif' } };
  function draw(id, option) {
    var el = document.getElementById(id);
    if (!el) { throw new Error('no element #' + id); }
    var chart = echarts.init(el, null, { renderer: 'svg' });
    chart.setOption(Object.assign({}, base, option));
    charts++;
    return chart;
  }
  function pairs(x, y) { return x.map(function (v, i) { return [v, y[i]]; }); }
  function fmt(v) { return v == null ? '' : (Math.round(v * 1000) / 1000).toString(); }
  var grid = { left: 60, right: 20, top: 40, bottom: 50 };
  function axes(xName, yName, xMin, xMax, yMin, yMax) {
    return {
      xAxis: { type: 'value', name: xName, nameLocation: 'middle', nameGap: 28, min: xMin, max: xMax },
      yAxis: { type: 'value', name: yName, nameLocation: 'middle', nameGap: 40, min: yMin, max: yMax }
    };
  }
  var diagonal = { name: 'chance', type: 'line', data: [[0, 0], [1, 1]], symbol: 'none',
    lineStyle: { type: 'dashed', color: '#999', width: 1 }, tooltip: { show: false } };

  // Multi-label: per-label scores, labels per document, and each label's curves (a selector).
  function multiLabel() {
    var P = D.perLabel, names = P.map(function (l) { return l.label; });
    draw('chart-label-f1', {
      tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { left: 55, right: 60, top: 40, bottom: 75 },
      xAxis: { type: 'category', data: names,
        axisLabel: { rotate: names.length > 6 ? 45 : 0, interval: names.length > 40 ? 'auto' : 0 } },
      yAxis: [{ type: 'value', name: 'F1', min: 0, max: 1, nameLocation: 'middle', nameGap: 38 },
        { type: 'value', name: 'documents', nameLocation: 'middle', nameGap: 45 }],
      series: [{ name: 'F1', type: 'bar', data: P.map(function (l) { return l.f1; }), itemStyle: { color: '#3182bd' } },
        { name: 'support', type: 'line', yAxisIndex: 1, data: P.map(function (l) { return l.support; }),
          itemStyle: { color: '#999' } },
        { name: 'predicted', type: 'line', yAxisIndex: 1, data: P.map(function (l) { return l.predicted; }),
          itemStyle: { color: '#e6550d' }, lineStyle: { type: 'dashed' } }]
    });
    var C = D.cardinality;
    draw('chart-cardinality', {
      tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: grid,
      xAxis: { type: 'category', data: C.sizes, name: 'labels per document', nameLocation: 'middle', nameGap: 28 },
      yAxis: { type: 'value', name: 'documents', nameLocation: 'middle', nameGap: 40 },
      series: [{ name: 'true', type: 'bar', data: C.truth, itemStyle: { color: '#74c476' } },
        { name: 'predicted', type: 'bar', data: C.predicted, itemStyle: { color: '#3182bd' } }]
    });
    function option(c, key) {
      var l = P[c], cv = l[key], pr = key === 'pr';
      var a = axes(pr ? 'recall' : 'false positive rate', pr ? 'precision' : 'true positive rate', 0, 1, 0, 1);
      if (!cv) {
        return Object.assign({ grid: grid, series: [],
          title: { text: l.label + ': ' + (l.support ? 'on every document' : 'on no document') + ', no curve',
            left: 'center', top: 'middle', textStyle: { fontSize: 13, color: '#777' } } }, a);
      }
      var at = pr ? [l.at.recall, l.at.precision] : [l.at.fpr, l.at.recall];
      var series = [{ name: l.label + ' (area ' + fmt(cv.area) + ')', type: 'line', showSymbol: false,
        data: pairs(cv.x, cv.y) }];
      if (at[0] != null && at[1] != null) {
        series.push({ name: 'threshold ' + fmt(l.threshold), type: 'scatter', symbolSize: 11, data: [at],
          itemStyle: { color: '#de2d26' }, label: { show: true, position: at[0] > 0.6 ? 'left' : 'right',
            formatter: 'threshold ' + fmt(l.threshold) } });
      }
      if (!pr) { series.push(diagonal); }
      return Object.assign({ tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: grid, series: series }, a);
    }
    var prChart = draw('chart-pr', option(0, 'pr'));
    var rocChart = draw('chart-roc', option(0, 'roc'));
    var select = document.getElementById('label-select');
    var rows = document.querySelectorAll('tr.pick');
    function show(c) {
      select.value = String(c);
      prChart.setOption(Object.assign({}, base, option(c, 'pr')), true);
      rocChart.setOption(Object.assign({}, base, option(c, 'roc')), true);
      Array.prototype.forEach.call(rows, function (r) { r.classList.toggle('picked', r.getAttribute('data-label') === String(c)); });
    }
    select.addEventListener('change', function () { show(Number(select.value)); });
    Array.prototype.forEach.call(rows, function (r) {
      r.addEventListener('click', function () { show(Number(r.getAttribute('data-label'))); });
    });
    Array.prototype.forEach.call(rows, function (r) { r.classList.toggle('picked', r.getAttribute('data-label') === '0'); });
  }

  if (D.multiLabel) {
    multiLabel();
  } else {
    // Confusion matrix as a heat map: colour = share of the true label's documents.
    var L = D.labels, cm = D.confusion, cells = [], maxShare = 0;
    for (var r = 0; r < L.length; r++) {
      var total = cm[r].reduce(function (a, b) { return a + b; }, 0);
      for (var c = 0; c < L.length; c++) {
        var share = total ? cm[r][c] / total : 0;
        maxShare = Math.max(maxShare, share);
        cells.push([c, L.length - 1 - r, share, cm[r][c]]);
      }
    }
    draw('chart-confusion', {
      tooltip: { formatter: function (p) { return 'true ' + L[L.length - 1 - p.value[1]] + ', predicted ' + L[p.value[0]]
        + ': ' + p.value[3] + ' (' + (100 * p.value[2]).toFixed(1) + ' %)'; } },
      grid: { left: 90, right: 90, top: 30, bottom: 60 },
      xAxis: { type: 'category', data: L, name: 'predicted', nameLocation: 'middle', nameGap: 30, splitArea: { show: true } },
      yAxis: { type: 'category', data: L.slice().reverse(), name: 'true', nameLocation: 'middle', nameGap: 60, splitArea: { show: true } },
      visualMap: { min: 0, max: 1, dimension: 2, calculable: false, orient: 'vertical', right: 0, top: 'center',
        inRange: { color: ['#f7fbff', '#6baed6', '#08306b'] }, text: ['100 %', '0 %'] },
      series: [{ type: 'heatmap', data: cells, label: { show: true, formatter: function (p) { return p.value[3]; } } }]
    });

    function curves(id, key, xName, yName, withDiagonal) {
      var series = D.curves.map(function (cv) {
        return { name: cv.label + ' (area ' + fmt(cv[key].area) + ')', type: 'line', showSymbol: false,
          data: pairs(cv[key].x, cv[key].y) };
      });
      if (withDiagonal) { series.push(diagonal); }
      draw(id, Object.assign({ tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: grid, series: series },
        axes(xName, yName, 0, 1, 0, 1)));
    }
    curves('chart-roc', 'roc', 'false positive rate', 'true positive rate', true);
    curves('chart-pr', 'pr', 'recall', 'precision', false);

    function reliability(bins) {
      return bins.filter(function (b) { return b.count > 0; }).map(function (b) { return [b.meanConfidence, b.accuracy, b.count]; });
    }
    draw('chart-reliability', Object.assign({
      tooltip: { formatter: function (p) { return p.seriesName + ': confidence ' + fmt(p.value[0]) + ', accuracy '
        + fmt(p.value[1]) + (p.value[2] != null ? ', ' + p.value[2] + ' documents' : ''); } },
      legend: { top: 0 }, grid: grid,
      series: [
        { name: 'before (ECE ' + fmt(D.calibration.eceBefore) + ')', type: 'line', data: reliability(D.calibration.before) },
        { name: 'after T=' + fmt(D.calibration.temperature) + ' (ECE ' + fmt(D.calibration.eceAfter) + ')', type: 'line',
          data: reliability(D.calibration.after) },
        Object.assign({}, diagonal, { name: 'perfectly calibrated' })]
    }, axes('confidence (top probability)', 'accuracy', D.calibration.minConfidence, 1, 0, 1)));

    var H = D.confidence;
    draw('chart-confidence', {
      tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: grid,
      xAxis: { type: 'category', data: H.bins, name: 'confidence (top probability)', nameLocation: 'middle', nameGap: 28 },
      yAxis: { type: 'value', name: 'documents', nameLocation: 'middle', nameGap: 40 },
      series: [{ name: 'correct', type: 'bar', stack: 'all', data: H.correct, itemStyle: { color: '#74c476' } },
        { name: 'wrong', type: 'bar', stack: 'all', data: H.wrong, itemStyle: { color: '#de2d26' } }]
    });

  }

  var B = D.lengths, metric = B.metric || 'accuracy', score = D.score || 'accuracy';
  draw('chart-length', {
    tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { left: 60, right: 60, top: 40, bottom: 50 },
    xAxis: { type: 'category', data: B.buckets, name: 'tokens per document', nameLocation: 'middle', nameGap: 28 },
    yAxis: [{ type: 'value', name: metric, min: B.minAccuracy, max: 1, nameLocation: 'middle', nameGap: 40 },
      { type: 'value', name: 'documents', nameLocation: 'middle', nameGap: 45 }],
    series: [{ name: metric, type: 'bar', data: B.accuracy, itemStyle: { color: '#3182bd' },
      label: { show: true, position: 'top', formatter: function (p) { return fmt(p.value); } } },
      { name: 'documents', type: 'line', yAxisIndex: 1, data: B.counts, itemStyle: { color: '#999' } }]
  });

  D.training.forEach(function (m, i) {
    draw('chart-training-' + i, {
      title: { text: m.name, left: 'center', textStyle: { fontSize: 13 } },
      tooltip: { trigger: 'axis' }, legend: { bottom: 0 }, grid: { left: 55, right: 55, top: 35, bottom: 60 },
      xAxis: { type: 'category', data: m.epochs, name: 'epoch', nameLocation: 'middle', nameGap: 25 },
      yAxis: [{ type: 'value', name: 'loss', nameLocation: 'middle', nameGap: 38 },
        { type: 'value', name: score, nameLocation: 'middle', nameGap: 42, min: m.minAccuracy, max: 1 }],
      series: [{ name: 'training loss', type: 'line', data: m.trainLoss },
        { name: 'validation loss', type: 'line', data: m.validationLoss },
        { name: 'validation ' + score, type: 'line', yAxisIndex: 1, data: m.validationAccuracy,
          markLine: m.bestEpoch ? { symbol: 'none', data: [{ xAxis: String(m.bestEpoch), name: 'kept' }],
            label: { formatter: 'kept' } } : undefined }]
    });
  });

  // Nothing may be fetched: the page is one self-contained file.
  (performance.getEntriesByType ? performance.getEntriesByType('resource') : []).forEach(function (r) {
    if (!/^data:/.test(r.name)) { __reportError('the page fetched ' + r.name); }
  });
  document.documentElement.setAttribute('data-report-charts', String(charts));
  document.documentElement.setAttribute('data-report-status',
    window.__reportErrors && window.__reportErrors.length ? 'errors' : 'ok');
})();
