// The page's two announcement channels: the alert region (role="alert", errors people must see)
// and a polite live region (progress such as "2 seats held", read when the reader is idle).

import { h, replace } from './dom.js';
import { describeError } from './errors.js';

export function createAlerts(alertEl, announcerEl) {
  function clear() {
    replace(alertEl);
    alertEl.classList.remove('shown');
  }
  return {
    /** Show an error (ApiError or text) in the alert region. */
    show(errorOrText, { tone = 'error' } = {}) {
      const text = typeof errorOrText === 'string' ? errorOrText : describeError(errorOrText);
      replace(alertEl,
        h('p', {}, text),
        h('button', { type: 'button', class: 'link-button', 'aria-label': 'Dismiss message', onclick: clear }, 'Dismiss'));
      alertEl.dataset.tone = tone;
      alertEl.classList.add('shown');
      if (alertEl.getBoundingClientRect().top < 0) alertEl.scrollIntoView({ block: 'nearest' });
    },
    clear,
    /** Say something politely to screen readers (not shown). */
    announce(text) {
      // Clearing first makes the same sentence twice in a row be read twice.
      announcerEl.textContent = '';
      setTimeout(() => { announcerEl.textContent = text; }, 50);
    },
  };
}
