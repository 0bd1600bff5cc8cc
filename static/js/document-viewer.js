// The PDFs of an application, drawn in the page by PDF.js (vendored) with page turning and zoom.
// The page names the library and its worker in data attributes, so their static addresses stay
// Django's (hashed in production) and no inline script is needed under the CSP. A PDF that cannot
// be drawn leaves its download link and says so.

const ZOOM_STEPS = [0.5, 0.75, 1, 1.25, 1.5, 2, 3];
const FIT = ZOOM_STEPS.indexOf(1);

function showFailed(viewer) {
  viewer.querySelector("[data-frame]").hidden = true;
  viewer.querySelector("[data-bar]").hidden = true;
  viewer.querySelector("[data-failed]").hidden = false;
}

function showPdf(pdfjs, viewer) {
  const canvas = viewer.querySelector("canvas");
  const frame = viewer.querySelector("[data-frame]");
  const bar = viewer.querySelector("[data-bar]");
  const pageLabel = viewer.querySelector("[data-page]");
  const zoomLabel = viewer.querySelector("[data-zoom]");
  const button = (action) => bar.querySelector(`[data-action="${action}"]`);
  let pdf = null;
  let pageNumber = 1;
  let zoom = FIT;
  let drawing = null;

  async function draw() {
    const page = await pdf.getPage(pageNumber);
    // Zoom 100 % fits the page to the frame's width; the frame scrolls when zoomed in.
    const fit = frame.clientWidth / page.getViewport({ scale: 1 }).width;
    const viewport = page.getViewport({ scale: fit * ZOOM_STEPS[zoom] });
    const ratio = window.devicePixelRatio || 1;
    if (drawing) {
      drawing.cancel();
    }
    canvas.width = Math.floor(viewport.width * ratio);
    canvas.height = Math.floor(viewport.height * ratio);
    canvas.style.width = `${Math.floor(viewport.width)}px`;
    canvas.style.height = `${Math.floor(viewport.height)}px`;
    const task = page.render({
      canvas,
      viewport,
      transform: ratio === 1 ? undefined : [ratio, 0, 0, ratio, 0, 0],
    });
    drawing = task;
    try {
      await task.promise;
    } catch (error) {
      if (error && error.name === "RenderingCancelledException") {
        return;
      }
      throw error;
    }
    pageLabel.textContent = viewer.dataset.pageText
      .replace("{page}", pageNumber)
      .replace("{pages}", pdf.numPages);
    zoomLabel.textContent = `${Math.round(ZOOM_STEPS[zoom] * 100)}%`;
    button("previous").disabled = pageNumber === 1;
    button("next").disabled = pageNumber === pdf.numPages;
    button("zoom-out").disabled = zoom === 0;
    button("zoom-in").disabled = zoom === ZOOM_STEPS.length - 1;
    viewer.dataset.shown = `${pageNumber}/${ZOOM_STEPS[zoom]}`;
  }

  const failed = () => showFailed(viewer);

  const steps = {
    previous: () => (pageNumber = Math.max(1, pageNumber - 1)),
    next: () => (pageNumber = Math.min(pdf.numPages, pageNumber + 1)),
    "zoom-out": () => (zoom = Math.max(0, zoom - 1)),
    "zoom-in": () => (zoom = Math.min(ZOOM_STEPS.length - 1, zoom + 1)),
  };
  bar.addEventListener("click", (event) => {
    const action = event.target.closest("[data-action]");
    if (action && pdf) {
      steps[action.dataset.action]();
      draw().catch(failed);
    }
  });

  return pdfjs
    .getDocument({ url: viewer.dataset.src })
    .promise.then((loaded) => {
      pdf = loaded;
      bar.hidden = false;
      return draw();
    })
    .catch(failed);
}

// One PDF after another, once the page and its pictures are in: the first shows sooner on the
// desk's Wi-Fi, and no two downloads overlap (each is logged as it leaves the portal).
async function showAll(viewers) {
  let pdfjs;
  try {
    pdfjs = await import(viewers[0].dataset.pdfjs);
  } catch {
    viewers.forEach(showFailed);
    return;
  }
  pdfjs.GlobalWorkerOptions.workerSrc = viewers[0].dataset.worker;
  for (const viewer of viewers) {
    await showPdf(pdfjs, viewer);
  }
}

const viewers = [...document.querySelectorAll("[data-pdf-viewer]")];
if (viewers.length) {
  if (document.readyState === "complete") {
    showAll(viewers);
  } else {
    window.addEventListener("load", () => showAll(viewers), { once: true });
  }
}
