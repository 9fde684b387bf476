// Draw every embedded Plotly figure, and make tables sortable and filterable.
(function () {
  document.querySelectorAll("[data-figure]").forEach(function (el) {
    var fig = JSON.parse(document.getElementById(el.dataset.figure).textContent);
    Plotly.newPlot(el, fig.data, fig.layout, { responsive: true, displaylogo: false });
  });

  // A long table's page and sort links lead back to it (#rows): open the <details> it may be folded in.
  var target = location.hash && document.getElementById(location.hash.slice(1));
  if (target && target.closest("details")) {
    target.closest("details").open = true;
    target.scrollIntoView();
  }

  function cellValue(row, index) {
    var text = row.cells[index].textContent.trim();
    var number = parseFloat(text.replace(/,/g, ""));
    return text !== "" && !isNaN(number) && /^-?[\d.,]+ ?%?$/.test(text) ? number : text.toLowerCase();
  }

  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("th").forEach(function (th, index) {
      th.addEventListener("click", function () {
        var asc = th.dataset.sort !== "asc";
        table.querySelectorAll("th").forEach(function (h) { delete h.dataset.sort; });
        th.dataset.sort = asc ? "asc" : "desc";
        var body = table.tBodies[0];
        Array.from(body.rows)
          .sort(function (a, b) {
            var x = cellValue(a, index), y = cellValue(b, index);
            return (x < y ? -1 : x > y ? 1 : 0) * (asc ? 1 : -1);
          })
          .forEach(function (row) { body.appendChild(row); });
      });
    });
  });

  document.querySelectorAll("input[data-filter-table]").forEach(function (input) {
    var table = document.getElementById(input.dataset.filterTable);
    input.addEventListener("input", function () {
      var needle = input.value.toLowerCase();
      Array.from(table.tBodies[0].rows).forEach(function (row) {
        row.hidden = needle && row.textContent.toLowerCase().indexOf(needle) === -1;
      });
    });
  });
})();
