// Score entry saves item by item; when the network drops, the typed value stays in its field,
// the row says so, and the save is tried again until it goes through.
document.addEventListener("htmx:sendError", (event) => {
  const field = event.detail.elt;
  if (!field.matches("[data-autosave]")) return;
  const state = field.parentElement.querySelector(".save-state");
  if (state) state.textContent = state.dataset.offline;
  setTimeout(() => window.htmx.trigger(field, "change"), 3000);
});
