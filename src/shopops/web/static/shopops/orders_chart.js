// Orders per day: reads the series that the page embedded with json_script.
(function () {
  var el = document.getElementById("orders-chart");
  var data = JSON.parse(document.getElementById("orders-chart-data").textContent);
  var chart = echarts.init(el);
  chart.setOption({
    tooltip: { trigger: "axis" },
    grid: { left: 40, right: 16, top: 16, bottom: 56 },
    xAxis: { type: "category", data: data.days },
    yAxis: { type: "value", minInterval: 1 },
    dataZoom: [{ type: "inside" }, { type: "slider", height: 20, bottom: 8 }],
    series: [{ type: "line", data: data.orders, smooth: true, showSymbol: false, areaStyle: { opacity: 0.15 } }]
  });
  el.dataset.ready = "1";
  window.addEventListener("resize", function () { chart.resize(); });
})();
