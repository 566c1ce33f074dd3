// Opening a version's PDF with PDF.js: it streams the file by range requests, fetching only the
// byte ranges the sheet being drawn needs.

/** Open the PDF at `url` with PDF.js, from the locations in `root`'s data-pdfjs… attributes. */
export async function loadDocument(root, url) {
  const pdfjs = await import(root.dataset.pdfjs);
  pdfjs.GlobalWorkerOptions.workerSrc = root.dataset.pdfjsWorker;
  return pdfjs.getDocument({
    url,
    withCredentials: true,
    disableAutoFetch: true, // fetch only the byte ranges the sheet being drawn needs
    disableStream: true,
    rangeChunkSize: 64 * 1024, // small: a flat page tree has PDF.js read every page dict, each in its own chunk
    cMapUrl: root.dataset.cmaps,
    cMapPacked: true,
    standardFontDataUrl: root.dataset.fonts,
    wasmUrl: root.dataset.wasm,
    isEvalSupported: false,
    enableXfa: false,
  }).promise;
}
