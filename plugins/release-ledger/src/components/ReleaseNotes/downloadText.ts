/**
 * Saves text as a file from the browser. The text is fetched first (with the
 * user's Backstage token), since a plain link to the API would be sent
 * without it.
 */
export function downloadText(
  fileName: string,
  text: string,
  type = 'text/markdown;charset=utf-8',
): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = fileName;
  anchor.style.display = 'none';
  document.body.appendChild(anchor);
  try {
    anchor.click();
  } finally {
    anchor.remove();
    // After the click has been handled: revoking at once can cancel it.
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }
}
