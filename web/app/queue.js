// The show's waiting room, for when a hold answers 403 ADMISSION_REQUIRED: take a place, show the
// position and the estimated wait, ask again when the server says to, and hand back the admission
// the hold must carry. Kept deliberately small: one place, polled until admitted or abandoned.

import { h, replace } from '../lib/dom.js';

function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(timer); reject(new DOMException('Left the queue', 'AbortError')); }, { once: true });
  });
}

function waitWords(seconds) {
  if (!Number.isFinite(seconds)) return '';
  if (seconds < 60) {
    const s = Math.max(1, Math.round(seconds));
    return `about ${s} ${s === 1 ? 'second' : 'seconds'}`;
  }
  const minutes = Math.round(seconds / 60);
  return `about ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`;
}

/**
 * Resolves to the admission (or null when the room turned out to be off); rejects with an
 * AbortError if the person leaves the queue or the page, or with an ApiError.
 */
export async function waitForAdmission({ api, showId, panel, signal }) {
  const status = h('p', { role: 'status' }, 'Joining the queue…');
  const leave = h('button', { type: 'button', class: 'button' }, 'Leave the queue');
  const local = new AbortController();
  signal.addEventListener('abort', () => local.abort(), { once: true });
  let ticket = null;
  leave.addEventListener('click', () => {
    local.abort();
    if (ticket) api.del(`/api/v1/queue/${encodeURIComponent(ticket)}`).catch(() => {});
  });
  replace(panel,
    h('h2', { tabindex: '-1' }, 'You’re in the queue'),
    h('p', {}, 'Lots of people want this show, so bookings go one by one. Keep this page open: when it’s your turn, we’ll hold your seats straight away.'),
    status,
    leave);
  panel.hidden = false;
  panel.querySelector('h2').focus();

  try {
    const join = () => api.post(`/api/v1/shows/${showId}/queue`, { signal: local.signal });
    let answer = await join();
    for (;;) {
      if (answer.status === 'OPEN') return null;
      if (answer.status === 'ADMITTED') return answer.admission;
      ticket = answer.ticket;
      const opens = answer.opensAt ? ' Sales have not opened yet.' : '';
      status.textContent = `You are number ${answer.position} in the queue — ${waitWords(answer.estimatedWaitSeconds)} to go.${opens}` +
        (answer.seatsAvailable === 0 ? ' All seats are taken right now; some may free up.' : '');
      await sleep(Math.min(10, Math.max(1, answer.pollAfterSeconds || 3)) * 1000, local.signal);
      try {
        answer = await api.get(`/api/v1/queue/${encodeURIComponent(ticket)}`, { signal: local.signal });
      } catch (err) {
        // The place lapsed (say the tab slept for 30 s): join again, at the back.
        if (err.code === 'QUEUE_PLACE_EXPIRED') answer = await join();
        else throw err;
      }
    }
  } finally {
    panel.hidden = true;
    replace(panel);
  }
}
