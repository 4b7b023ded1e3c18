// Draws every dashboard chart from the JSON the page carries beside its table.
(function () {
  "use strict";
  var palette = ["#0d6efd", "#dc3545", "#198754", "#f0ad4e", "#6f42c1", "#20c997", "#6c757d"];
  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof Chart === "undefined") { return; }
    var spec = JSON.parse(source.textContent);
    var datasets = spec.datasets.map(function (set, i) {
      var colour = palette[i % palette.length];
      return { label: set.label, data: set.data, borderColor: colour, backgroundColor: colour,
               spanGaps: true, tension: 0.2, pointRadius: spec.labels.length > 60 ? 0 : 2 };
    });
    var y = { beginAtZero: true, stacked: spec.stacked };
    if (spec.percent) {
      y.max = 100;
      y.ticks = { callback: function (value) { return value + "%"; } };
    }
    new Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: { maintainAspectRatio: false, animation: false,
                 scales: { x: { stacked: spec.stacked }, y: y },
                 plugins: { legend: { position: "bottom" } } }
    });
  }
  document.querySelectorAll("canvas[data-chart]").forEach(draw);
})();
