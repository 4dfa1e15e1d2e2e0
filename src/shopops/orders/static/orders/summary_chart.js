// Sales summary charts: reads the series that the page embedded with json_script.
// Money arrives as decimal strings; ECharts only needs numbers to draw.
(function () {
  var data = JSON.parse(document.getElementById("summary-chart-data").textContent);
  var charts = [];

  var daysEl = document.getElementById("summary-days-chart");
  if (daysEl) {
    var days = echarts.init(daysEl);
    days.setOption({
      tooltip: { trigger: "axis" },
      legend: { data: [data.labels.orders, data.labels.paid], top: 0 },
      grid: { left: 48, right: 64, top: 32, bottom: 56 },
      xAxis: { type: "category", data: data.days },
      yAxis: [
        { type: "value", name: data.labels.orders, minInterval: 1 },
        { type: "value", name: data.labels.paid, position: "right" }
      ],
      dataZoom: [{ type: "inside" }, { type: "slider", height: 20, bottom: 8 }],
      series: [
        { name: data.labels.orders, type: "line", data: data.orders, smooth: true, showSymbol: false },
        { name: data.labels.paid, type: "line", yAxisIndex: 1, data: data.paid.map(Number), smooth: true, showSymbol: false, areaStyle: { opacity: 0.12 } }
      ]
    });
    daysEl.dataset.ready = "1";
    charts.push(days);
  }

  var provincesEl = document.getElementById("summary-provinces-chart");
  if (provincesEl) {
    var provinces = echarts.init(provincesEl);
    // Largest first from the server; a horizontal bar chart reads top-down.
    provinces.setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 24, top: 16, bottom: 32, containLabel: true },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: data.provinces.slice().reverse() },
      dataZoom: data.provinces.length > 15 ? [{ type: "slider", yAxisIndex: 0, width: 16, right: 0, startValue: Math.max(0, data.provinces.length - 15), endValue: data.provinces.length - 1 }] : [],
      series: [
        { name: data.labels.paid, type: "bar", data: data.province_paid.map(Number).reverse() }
      ]
    });
    provincesEl.dataset.ready = "1";
    charts.push(provinces);
  }

  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
})();
