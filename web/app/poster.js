// A stand-in poster: the title's initials on a colour picked from the title. Posters are external
// URLs (thumbnailUrl), and the app loads nothing from outside its own origin, so we draw our own.

import { h } from '../lib/dom.js';

function hash(text) {
  let value = 0;
  for (const ch of text) value = (value * 31 + ch.codePointAt(0)) >>> 0;
  return value;
}

export function initials(title) {
  const words = String(title || '?').split(/[\s:\-–—]+/).filter((w) => /[\p{L}\p{N}]/u.test(w));
  return words.slice(0, 2).map((w) => w.match(/[\p{L}\p{N}]/u)[0].toUpperCase()).join('') || '?';
}

/** A decorative block (hidden from screen readers: the title is always next to it). */
export function poster(title, { size = 'card' } = {}) {
  const hue = hash(title) % 360;
  return h('div', {
    class: `poster poster-${size}`,
    'aria-hidden': 'true',
    style: `--poster-hue: ${hue}`,
  }, h('span', {}, initials(title)));
}
