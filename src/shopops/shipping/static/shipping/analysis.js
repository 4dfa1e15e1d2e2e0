// Weekly shipping analysis: draws the series the page embedded with json_script.
(function () {
  var data = JSON.parse(document.getElementById("shipping-analysis-data").textContent);
  var charts = [];

  function draw(id, option, empty) {
    var el = document.getElementById(id);
    if (!el) return;
    var chart = echarts.init(el);
    if (empty) {
      option = { title: { text: data.text.empty, left: "center", top: "middle",
        textStyle: { color: "#9aa0ac", fontSize: 14, fontWeight: "normal" } } };
    }
    chart.setOption(option);
    el.dataset.ready = "1";
    charts.push(chart);
  }

  function rateBars(series) {
    return {
      tooltip: { trigger: "axis" },
      grid: { left: 48, right: 16, top: 24, bottom: 72 },
      xAxis: { type: "category", data: series.labels, axisLabel: { rotate: 30, interval: 0 } },
      yAxis: { type: "value", name: data.text.rate, min: 0 },
      series: [{ type: "bar", name: data.text.rate, data: series.rates, itemStyle: { color: "#d63939" } }]
    };
  }

  draw("chart-qc-sku", rateBars(data.qc_sku), data.qc_sku.labels.length === 0);
  draw("chart-qc-supplier", rateBars(data.qc_supplier), data.qc_supplier.labels.length === 0);

  var holdsTotal = data.holds.reduce(function (sum, h) { return sum + h.value; }, 0);
  draw("chart-holds", {
    tooltip: { trigger: "item" },
    legend: { bottom: 0 },
    series: [{ type: "pie", radius: ["35%", "65%"], data: data.holds.filter(function (h) { return h.value > 0; }) }]
  }, holdsTotal === 0);

  draw("chart-problems", {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { bottom: 0 },
    grid: { left: 40, right: 16, top: 16, bottom: 56 },
    xAxis: { type: "category", data: data.problems.couriers },
    yAxis: { type: "value", minInterval: 1 },
    series: data.problems.series.map(function (s) {
      return { type: "bar", stack: "kinds", name: s.name, data: s.data };
    })
  }, data.problems.couriers.length === 0);

  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
})();
