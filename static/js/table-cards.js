// A list table marked .table-cards is a stack of cards on a phone (static/css/jianding.css):
// each cell shows its column's header before it. Tables written out in templates get that
// label here, from their header row; django-tables2's template writes it itself.
function labelCells(root) {
  for (const table of root.querySelectorAll(".table-cards > table")) {
    const headers = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
    for (const row of table.querySelectorAll("tbody tr")) {
      for (const cell of row.cells) {
        if (!cell.hasAttribute("data-label") && cell.colSpan === 1 && cell.cellIndex < headers.length) {
          cell.dataset.label = headers[cell.cellIndex];
        }
      }
    }
  }
}

labelCells(document);
document.addEventListener("htmx:afterSettle", () => labelCells(document));
