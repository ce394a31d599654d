// What the seat-map page should say about a show (movie, theatre, time). The public seat map has
// no movie or start time, so the movie page leaves them here when a show is picked; a page opened
// straight from a link simply shows less.

const KEY = (showId) => `marquee.show.${showId}`;

export function rememberShow(showId, details) {
  try { sessionStorage.setItem(KEY(showId), JSON.stringify(details)); } catch { /* storage full or off: not essential */ }
}

export function recallShow(showId) {
  try { return JSON.parse(sessionStorage.getItem(KEY(showId)) || 'null'); } catch { return null; }
}
