// A show's waiting room, per row of the overview: read the room's settings and counts, switch it
// on or off and set its admission rate. Other settings (opening time, automatic switch-on) are
// kept as they are when saving — this is the quick switch an operator needs during a rush.

import { h, nextId } from '../lib/dom.js';
import { describeError } from '../lib/errors.js';
import { dateLabel, timeLabel, wallClock } from '../lib/format.js';

export async function openWaitingRoomDialog(ctx, show, { opener, onSaved }) {
  const titleId = nextId('wr-title');
  const enabledId = nextId('wr-on');
  const rateId = nextId('wr-rate');
  const state = h('p', { role: 'status' }, 'Reading the waiting room…');
  const enabled = h('input', { id: enabledId, type: 'checkbox' });
  const rate = h('input', { id: rateId, type: 'number', min: '1', max: '100000', step: '1', value: '20', required: true });
  const save = h('button', { type: 'submit', class: 'button primary', disabled: true }, 'Save');
  const close = h('button', { type: 'button', class: 'button' }, 'Close');
  const error = h('p', { class: 'form-error', role: 'alert' });
  const wall = wallClock(show.startTime);
  const form = h('form', { class: 'stack' },
    h('div', { class: 'check' }, enabled, h('label', { for: enabledId }, ' Queue people before they can hold seats')),
    h('label', { for: rateId }, 'Let in this many people a second'),
    rate,
    error,
    h('div', { class: 'actions' }, save, close));
  const dialog = h('dialog', { 'aria-labelledby': titleId },
    h('h2', { id: titleId }, 'Waiting room'),
    h('p', {}, h('strong', {}, show.movie.title), ` — ${show.theatre.name}, ${wall ? `${dateLabel(wall.date)}, ${timeLabel(show.startTime)}` : ''}`),
    state,
    form);
  let current = null;

  close.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => { dialog.remove(); if (opener && opener.isConnected) opener.focus(); });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const perSecond = Number(rate.value);
    if (!Number.isInteger(perSecond) || perSecond < 1 || perSecond > 100000) {
      error.textContent = 'Enter a whole number from 1 to 100000.';
      rate.focus();
      return;
    }
    save.disabled = true;
    error.textContent = '';
    const body = { enabled: enabled.checked, admitPerSecond: perSecond };
    if (current && current.opensAt) body.opensAt = current.opensAt;
    if (current && current.autoAbovePerSecond) body.autoAbovePerSecond = current.autoAbovePerSecond;
    if (current && current.admissionTtlSeconds) body.admissionTtlSeconds = current.admissionTtlSeconds;
    try {
      const saved = await ctx.api.put(`/api/v1/admin/shows/${show.showId}/waiting-room`, { body });
      onSaved(saved);
      dialog.close();
    } catch (err) {
      error.textContent = describeError(err);
      save.disabled = false;
    }
  });

  document.body.append(dialog);
  dialog.showModal();
  close.focus();
  try {
    current = await ctx.api.get(`/api/v1/admin/shows/${show.showId}/waiting-room`);
    enabled.checked = !!current.enabled;
    if (current.admitPerSecond) rate.value = String(current.admitPerSecond);
    state.textContent = `${current.on ? 'On' : 'Off'} now · ${current.waiting} waiting · ${current.admitted} let in so far.`;
    save.disabled = false;
  } catch (err) {
    state.textContent = describeError(err);
  }
}
