// After a count line is saved (htmx swaps it in), move to the next line's input so
// that the counter can keep typing (or scanning) down the aisle.
document.addEventListener("htmx:afterSwap", function (event) {
  var line = event.detail.target;
  if (!line || !line.classList || !line.classList.contains("count-line")) return;
  var current = document.getElementById(line.id);
  if (!current || !current.dataset.saved) return;
  var next = current.nextElementSibling;
  var input = next && next.querySelector('input[name="counted"]');
  if (input) { input.focus(); input.scrollIntoView({ block: "center" }); }
});
