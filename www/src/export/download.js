// Saves a file: a link with the download attribute to a blob: URL (a navigation, which the
// page's security policy allows, unlike loading a blob: image).

/**
 * @param {Document} doc
 * @param {Blob} blob
 * @param {string} filename
 */
export function saveFile(doc, blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = doc.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  doc.body.append(link);
  link.click();
  link.remove();
  // The download has started by then; the URL only holds the blob in memory.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
