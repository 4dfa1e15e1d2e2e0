// Pack station: show what the chosen courier's tracking numbers look like.
(function () {
  var select = document.getElementById("ship-courier");
  var hint = document.getElementById("tracking-hint");
  var data = document.getElementById("tracking-hints");
  if (!select || !hint || !data) return;
  var hints = JSON.parse(data.textContent);
  function show() { hint.textContent = hints[select.value] || ""; }
  select.addEventListener("change", show);
  show();
})();
