// Draws every <canvas data-chart="id-of-json-script"> with Chart.js; the data
// comes from Django's json_script, so no inline script is needed under the CSP.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
    const source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof Chart === "undefined") return;
    const spec = JSON.parse(source.textContent);
    new Chart(canvas, {
      type: spec.type || "bar",
      data: { labels: spec.labels, datasets: spec.datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: spec.type === "pie" ? {} : { y: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  });
});
