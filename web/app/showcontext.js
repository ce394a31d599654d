// What the seat-map page should say about a show beyond what the seat map itself names (its movie
// and start): the theatre and the movie's title, left here by the movie page when a show is picked.
// A page opened straight from a link reads the title from the movie instead and omits the theatre.

const KEY = (showId) => `marquee.show.${showId}`;

export function rememberShow(showId, details) {
  try { sessionStorage.setItem(KEY(showId), JSON.stringify(details)); } catch { /* storage full or off: not essential */ }
}

export function recallShow(showId) {
  try { return JSON.parse(sessionStorage.getItem(KEY(showId)) || 'null'); } catch { return null; }
}
