// What the studio's marking panel (Mark regions… / Faces to leave visible…) shows: its title,
// status and mark count, and its <face-review>'s boxes, labels, kinds, spoken text, summary and
// which listed box is pressed.

/** @param {import('playwright-core').Page} page */
export function marksPanel(page) {
  return page.evaluate(() => {
    const studio = document.querySelector('tessera-studio')?.shadowRoot;
    const fr = /** @type {import('../../src/ui/face-review').FaceReview | null | undefined} */ (
      studio?.querySelector('#region-marks-panel face-review')
    );
    return {
      title: studio?.querySelector('#region-marks-title')?.textContent?.trim() ?? '',
      status: studio?.querySelector('#region-marks-status')?.textContent?.replace(/\s+/g, ' ').trim() ?? '',
      count: studio?.querySelector('#marks-count')?.textContent?.replace(/\s+/g, ' ').trim() ?? '',
      boxes: fr?.review?.faces.map((f) => f.box) ?? [],
      labels: fr?.labels ?? [],
      kinds: fr?.kinds ?? [],
      said: fr?.shadowRoot?.querySelector('#said')?.textContent?.trim() ?? '',
      summary: fr?.shadowRoot?.querySelector('#faces-label')?.textContent?.trim() ?? '',
      pressed: [...(fr?.shadowRoot?.querySelectorAll('li button') ?? [])].map((b) => b.getAttribute('aria-pressed')),
    };
  });
}
