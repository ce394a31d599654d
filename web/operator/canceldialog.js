// "Cancel show" asks first, in a modal <dialog> that says what will happen (refunds, notices) and
// keeps its button disabled until the operator types the movie title or CANCEL: cancelling a show
// is irreversible and affects every customer booked on it.

import { h, nextId } from '../lib/dom.js';
import { dateLabel, timeLabel, wallClock } from '../lib/format.js';
import { describeError } from '../lib/errors.js';

export function openCancelDialog(ctx, show, { opener, onCancelled }) {
  const titleId = nextId('dlg-title');
  const descId = nextId('dlg-desc');
  const inputId = nextId('dlg-input');
  const hintId = nextId('dlg-hint');
  const wall = wallClock(show.startTime);
  const when = wall ? `${dateLabel(wall.date)}, ${timeLabel(show.startTime)}` : show.startTime;
  const confirmed = show.ordersConfirmed;

  const input = h('input', { id: inputId, autocomplete: 'off', spellcheck: 'false', 'aria-describedby': hintId });
  const confirm = h('button', { type: 'submit', class: 'button danger', disabled: true }, 'Cancel show');
  const keep = h('button', { type: 'button', class: 'button' }, 'Keep the show');
  const error = h('p', { class: 'form-error', role: 'alert' });
  const form = h('form', { method: 'dialog', class: 'stack' },
    h('label', { for: inputId }, 'Type the movie title or CANCEL to confirm'),
    h('p', { id: hintId, class: 'hint' }, `The title is “${show.movie.title}”.`),
    input,
    error,
    h('div', { class: 'actions' }, confirm, keep));
  const dialog = h('dialog', { 'aria-labelledby': titleId, 'aria-describedby': descId },
    h('h2', { id: titleId }, 'Cancel this show?'),
    h('div', { id: descId },
      h('p', {}, h('strong', {}, show.movie.title), ` — ${show.theatre.name}, ${show.screen.screenName}, ${when}`),
      h('ul', { class: 'consequences' },
        // The counts are the list's, from when it was loaded: bookings go on until the show is
        // cancelled, and those made since are cancelled and refunded too.
        h('li', {}, `${confirmed === 1 ? '1 confirmed order' : `${confirmed} confirmed orders`} (as of when the list was loaded, and any paid since) will be refunded.`),
        h('li', {}, `Orders awaiting payment are cancelled and held seats released (${show.seats.held} held when the list was loaded).`),
        h('li', {}, 'Everyone affected is notified.'),
        h('li', {}, 'This cannot be undone.'))),
    form);

  const matches = () => {
    const typed = input.value.trim();
    return typed === 'CANCEL' || typed.toLocaleLowerCase() === show.movie.title.trim().toLocaleLowerCase();
  };
  input.addEventListener('input', () => { confirm.disabled = !matches(); });

  function close() {
    dialog.close();
  }
  dialog.addEventListener('close', () => {
    dialog.remove();
    if (opener && opener.isConnected) opener.focus();
  });
  keep.addEventListener('click', close);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!matches()) { input.focus(); return; }
    confirm.disabled = true;
    keep.disabled = true;
    confirm.textContent = 'Cancelling…';
    error.textContent = '';
    try {
      const answer = await ctx.api.post(`/api/v1/admin/shows/${show.showId}/cancel`);
      onCancelled(answer);
      close();
    } catch (err) {
      error.textContent = describeError(err);
      confirm.textContent = 'Cancel show';
      confirm.disabled = !matches();
      keep.disabled = false;
    }
  });

  document.body.append(dialog);
  dialog.showModal();
  input.focus();
}
