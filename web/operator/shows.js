// The shows overview: a date range, a table of shows with their seats, revenue and confirmed
// orders, a totals row over what is loaded, "Load more", and "Cancel show" per row.

import { h, replace, nextId, focusQuietly } from '../lib/dom.js';
import { money, sumMoney, isoDate, dateLabel, timeLabel, wallClock } from '../lib/format.js';
import { openCancelDialog } from './canceldialog.js';
import { openWaitingRoomDialog } from './waitingroom.js';

export function createShowsPanel(ctx) {
  const fromId = nextId('from');
  const toId = nextId('to');
  const from = h('input', { id: fromId, type: 'date', value: isoDate(0), required: true });
  const to = h('input', { id: toId, type: 'date', value: isoDate(6), required: true });
  const filter = h('form', { class: 'filters', 'aria-label': 'Dates to show' },
    h('div', { class: 'field-inline' }, h('label', { for: fromId }, 'From'), from),
    h('div', { class: 'field-inline' }, h('label', { for: toId }, 'To'), to),
    h('button', { type: 'submit', class: 'button' }, 'Show these dates'));
  const result = h('p', { role: 'status', class: 'success' });
  const body = h('tbody');
  const foot = h('tfoot');
  const caption = h('caption', { class: 'visually-hidden' }, 'Shows');
  const table = h('table', {},
    caption,
    h('thead', {}, h('tr', {},
      ['Movie', 'Theatre', 'Screen', 'Starts', 'Status'].map((t) => h('th', { scope: 'col' }, t)),
      ['Sold', 'Held', 'Available', 'Seats', 'Revenue', 'Confirmed orders'].map((t) => h('th', { scope: 'col', class: 'num' }, t)),
      h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
    body,
    foot);
  const empty = h('p', { hidden: true }, 'No shows in these dates.');
  const more = h('button', { type: 'button', class: 'button', hidden: true }, 'Load more shows');
  const element = h('section', { class: 'card', 'aria-labelledby': 'shows-list-heading' },
    h('h2', { id: 'shows-list-heading' }, 'Today and upcoming'),
    filter,
    result,
    h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Shows table (scrolls sideways)' }, table),
    empty,
    more);

  let items = [];
  let cursor = null;
  // Answers can arrive out of order (the first page for the default dates after the page for the
  // dates just asked for): only the newest request's answer is drawn.
  let latest = 0;

  // The dates of the list on screen: "Load more" and a reload (after a create or a cancel) go on
  // with them, whatever the inputs say; they change when an answer for new dates is drawn.
  let shown = { from: from.value, to: to.value };

  // `dates`: new dates for a fresh list (the inputs', on "Show these dates"); otherwise the shown ones.
  async function fetchPage(reset, dates = shown) {
    const query = { from: dates.from, to: dates.to, limit: 100 };
    if (!reset && cursor) query.cursor = cursor;
    const request = ++latest;
    // aria-busy tells assistive technology (and the browser tests) the table is being redrawn.
    table.setAttribute('aria-busy', 'true');
    let data;
    try {
      data = await ctx.api.get('/api/v1/admin/shows', { query });
    } finally {
      if (request === latest) table.removeAttribute('aria-busy');
    }
    if (!ctx.isCurrent() || request !== latest) return;
    shown = dates;
    items = reset ? data.items : items.concat(data.items);
    cursor = data.nextCursor;
    render();
  }

  function statusOf(show) {
    if (show.status === 'CANCELLED') return 'Cancelled';
    return show.started ? 'Started' : 'Scheduled';
  }

  function render() {
    caption.textContent = `Shows from ${dateLabel(shown.from)} to ${dateLabel(shown.to)}`;
    replace(body, items.map((show) => {
      const wall = wallClock(show.startTime);
      const status = statusOf(show);
      // Which show a row's buttons act on, for their accessible names.
      const which = `${show.movie.title}, ${show.theatre.name}, ${wall ? dateLabel(wall.date) : ''} ${timeLabel(show.startTime)}`;
      const cancelButton = show.status === 'CANCELLED' ? null : h('button', {
        type: 'button', class: 'button danger-outline',
        'aria-label': `Cancel show: ${which}`,
        onclick: (event) => openCancelDialog(ctx, show, {
          opener: event.currentTarget,
          onCancelled: (answer) => {
            result.textContent = `Cancelled: ${answer.ordersCancelled} ${answer.ordersCancelled === 1 ? 'order' : 'orders'} cancelled, ${answer.ordersRefunded} refunded.`;
            // The row (and its button) is redrawn: keep the keyboard on the outcome instead.
            reload().then(() => focusQuietly(result), (err) => ctx.alerts.show(err));
          },
        }),
      }, 'Cancel show');
      const roomButton = show.status === 'CANCELLED' ? null : h('button', {
        type: 'button', class: 'button',
        'aria-label': `Waiting room: ${which}`,
        onclick: (event) => openWaitingRoomDialog(ctx, show, {
          opener: event.currentTarget,
          onSaved: (room) => {
            result.textContent = `Waiting room for ${show.movie.title} at ${timeLabel(show.startTime)}: ${room.enabled ? `on, ${room.admitPerSecond} a second` : 'off'}.`;
          },
        }),
      }, 'Waiting room');
      return h('tr', { class: show.status === 'CANCELLED' ? 'cancelled' : '', dataset: { show: show.showId } },
        h('th', { scope: 'row' }, show.movie.title),
        h('td', {}, show.theatre.name, h('br'), h('span', { class: 'small muted' }, show.theatre.city)),
        h('td', { class: 'nowrap' }, show.screen.screenName),
        h('td', { class: 'nowrap' }, wall ? [dateLabel(wall.date), h('br'), timeLabel(show.startTime)] : show.startTime),
        h('td', {}, h('span', { class: `status-word ${status.toLowerCase()}` }, status)),
        h('td', { class: 'num' }, String(show.seats.sold)),
        h('td', { class: 'num' }, String(show.seats.held)),
        h('td', { class: 'num' }, String(show.seats.available)),
        h('td', { class: 'num' }, String(show.seats.total)),
        h('td', { class: 'num' }, money(show.revenue)),
        h('td', { class: 'num' }, String(show.ordersConfirmed)),
        h('td', {}, h('div', { class: 'row-actions' }, cancelButton, roomButton)));
    }));
    const sum = (pick) => items.reduce((total, s) => total + Number(pick(s) || 0), 0);
    replace(foot, items.length ? h('tr', {},
      h('th', { scope: 'row', colspan: '5' }, `Total (${items.length} ${items.length === 1 ? 'show' : 'shows'}${cursor ? ' loaded' : ''})`),
      h('td', { class: 'num' }, String(sum((s) => s.seats.sold))),
      h('td', { class: 'num' }, String(sum((s) => s.seats.held))),
      h('td', { class: 'num' }, String(sum((s) => s.seats.available))),
      h('td', { class: 'num' }, String(sum((s) => s.seats.total))),
      h('td', { class: 'num' }, money(sumMoney(items.map((s) => s.revenue)))),
      h('td', { class: 'num' }, String(sum((s) => s.ordersConfirmed))),
      h('td')) : null);
    empty.hidden = items.length > 0;
    more.hidden = !cursor;
  }

  filter.addEventListener('submit', (event) => {
    event.preventDefault();
    if (from.value && to.value && from.value > to.value) {
      ctx.alerts.show('The “From” date must not be after the “To” date.');
      return;
    }
    result.textContent = '';
    ctx.alerts.clear();
    // No "Load more" of the old dates while the new ones load: it would be the newer request.
    more.disabled = true;
    fetchPage(true, { from: from.value, to: to.value })
      .catch((err) => ctx.alerts.show(err))
      .finally(() => { more.disabled = false; });
  });
  more.addEventListener('click', async () => {
    more.disabled = true;
    try { await fetchPage(false); } catch (err) { ctx.alerts.show(err); } finally { more.disabled = false; }
  });

  function reload() { return fetchPage(true); }
  return { element, reload };
}
