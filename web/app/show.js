// A show's booking page: the live seat map, picking seats (or "best available"), the hold with its
// countdown, and the customer details that turn the hold into an order. The order page takes over
// from there (payment and the ticket).

import { h, replace, nextId, focusQuietly } from '../lib/dom.js';
import { money, multiplyMoney, mmss, showTimeLabel, listWords, seatTypeWords } from '../lib/format.js';
import { serverNow } from '../lib/api.js';
import { describeError, seatsInMessage } from '../lib/errors.js';
import { createSeatMap } from './seatmap.js';
import { recallShow } from './showcontext.js';
import { startCountdown } from './countdown.js';
import { waitForAdmission } from './queue.js';
import { createCustomerForm } from './customerform.js';

const MAX_SEATS = 10;
const HOLD_KEY = (showId) => `marquee.hold.${showId}`;
const ADMISSION_CODES = new Set(['ADMISSION_REQUIRED', 'ADMISSION_INVALID', 'ADMISSION_EXPIRED']);

export async function renderShow(container, ctx, [showId]) {
  const serial = ctx.serial;
  const known = recallShow(showId);
  replace(container, h('p', { class: 'muted' }, 'Loading the seat map…'));
  const firstMap = await ctx.api.get(`/api/v1/shows/${showId}/seatmap`, { auth: false });
  if (!ctx.isCurrent(serial)) return undefined;

  const leaving = new AbortController();
  let hold = null; // {holdId, seatIds, expiresAt} while this user holds seats here
  let stopCountdown = null;
  let busy = false;

  // ---- the page ----
  const selectionStatus = h('p', { class: 'selection-summary', id: nextId('summary') });
  const liveNote = h('p', { class: 'live-note small muted' }, 'Connecting for live updates…');
  const holdButton = h('button', { type: 'button', class: 'button primary', disabled: true }, 'Hold seats');
  const clearButton = h('button', { type: 'button', class: 'button', hidden: true }, 'Clear selection');
  const quantityId = nextId('qty');
  const quantity = h('select', { id: quantityId },
    Array.from({ length: MAX_SEATS }, (_, i) => h('option', { value: String(i + 1), selected: i === 1 }, String(i + 1))));
  const typeId = nextId('type');
  const typeSelect = h('select', { id: typeId });
  const typeField = h('div', { class: 'field-inline' }, h('label', { for: typeId }, 'Seat type'), typeSelect);
  const bestButton = h('button', { type: 'button', class: 'button' }, 'Find best seats');
  const queuePanel = h('section', { class: 'card queue', hidden: true, 'aria-live': 'polite' });
  const holdPanel = h('section', { class: 'card hold-panel', hidden: true, 'aria-labelledby': 'hold-heading' });
  const pickPanel = h('section', { class: 'card pick-panel', id: 'your-seats', 'aria-labelledby': 'pick-heading' });

  const seatMap = createSeatMap({
    showId,
    maxSeats: MAX_SEATS,
    onSelectionChange: (ids, warning) => { updateSelection(ids); if (warning) ctx.alerts.announce(warning); if (warning) selectionStatus.textContent = warning; },
    onSelectedTaken: (ids) => {
      const words = `${ids.length === 1 ? 'Seat' : 'Seats'} ${listWords(ids)} ${ids.length === 1 ? 'was' : 'were'} just taken by someone else and removed from your selection.`;
      selectionStatus.textContent = words;
      ctx.alerts.announce(words);
    },
    onLiveChange: (live) => { liveNote.textContent = live ? 'Live: seats update as others book.' : 'Reconnecting for live updates…'; },
  });
  seatMap.setMap(firstMap);

  // Opened from a link (not from the movie page): the seat map names the movie and the start; the
  // title comes from the movie's public page (a cached read), and the page still works without it.
  let title = known ? known.movie.title : null;
  if (!title) {
    try {
      title = (await ctx.api.get(`/api/v1/movies/${firstMap.movieId}`, { auth: false })).title;
    } catch { /* the heading falls back to a plain one */ }
    if (!ctx.isCurrent(serial)) return undefined;
  }
  const started = Date.parse(firstMap.startTime) <= serverNow();
  const heading = title || 'Choose your seats';
  const subtitle = [known ? known.theatre.name : null, firstMap.screenName, showTimeLabel(firstMap.startTime)]
    .filter(Boolean).join(' · ');
  const backHref = `#/movies/${firstMap.movieId}`;

  const skipToSeats = h('a', { href: '#your-seats', class: 'skip-inline' }, 'Skip past the seat map');
  skipToSeats.addEventListener('click', (event) => {
    // In-page anchors would fight the hash router: move focus instead.
    event.preventDefault();
    focusQuietly(pickPanel.querySelector('h2'));
  });

  replace(pickPanel,
    h('h2', { id: 'pick-heading' }, 'Your seats'),
    selectionStatus,
    h('div', { class: 'actions' }, holdButton, clearButton),
    h('div', { class: 'best', role: 'group', 'aria-labelledby': 'best-heading' },
      h('h3', { id: 'best-heading', class: 'small-heading' }, 'Or let us choose the best seats'),
      h('div', { class: 'actions' },
        h('div', { class: 'field-inline' }, h('label', { for: quantityId }, 'How many'), quantity),
        typeField,
        bestButton)));

  replace(container,
    h('p', { class: 'small' }, h('a', { href: backHref }, '← Back to shows')),
    h('h1', {}, heading),
    h('p', { class: 'show-subtitle' }, subtitle, ' · ', h('span', {}, `${money(firstMap.price)} a seat`)),
    started ? h('p', { class: 'notice' }, 'This show has started, so it can no longer be booked.') : null,
    h('div', { class: 'booking-layout' },
      h('section', { class: 'card seats-section', 'aria-labelledby': 'seats-heading' },
        h('h2', { id: 'seats-heading' }, 'Pick your seats'),
        h('p', { class: 'small muted' }, `Choose up to ${MAX_SEATS} seats. Use Tab or the arrow keys to move between seats and Enter or Space to pick one.`),
        skipToSeats,
        seatMap.element,
        liveNote),
      // The side column: picking, or the queue, or the hold with its form — one at a time.
      h('div', { class: 'side-column' }, queuePanel, holdPanel, pickPanel)));

  const types = seatMap.seatTypes();
  replace(typeSelect, h('option', { value: '' }, 'Any'), types.map((t) => h('option', { value: t }, seatTypeWords(t))));
  typeField.hidden = types.length < 2;
  updateSelection([]);
  seatMap.startLive();

  // ---- picking ----
  function updateSelection(ids) {
    const count = ids.length;
    selectionStatus.textContent = count
      ? `${count} ${count === 1 ? 'seat' : 'seats'}: ${listWords(ids)} · ${money(multiplyMoney(seatMap.price, count))}`
      : `No seats picked yet. Pick up to ${MAX_SEATS} on the map, or let us choose.`;
    holdButton.textContent = count ? `Hold ${count} ${count === 1 ? 'seat' : 'seats'}` : 'Hold seats';
    holdButton.disabled = busy || !!hold || count === 0 || started;
    clearButton.hidden = count === 0;
    bestButton.disabled = busy || !!hold || started;
  }

  clearButton.addEventListener('click', () => seatMap.clearSelection());
  holdButton.addEventListener('click', () => {
    const seatIds = seatMap.selected();
    if (seatIds.length) placeHold({ showId, seatIds, quantity: seatIds.length });
  });
  bestButton.addEventListener('click', () => {
    const body = { showId, quantity: Number(quantity.value), best: true };
    if (typeSelect.value) body.seatType = typeSelect.value;
    placeHold(body);
  });

  function setBusy(value) {
    busy = value;
    seatMap.setPending(value);
    seatMap.setLocked(value || !!hold);
    updateSelection(seatMap.selected());
  }

  /** POST /holds; through the waiting room if the show has one switched on. */
  async function placeHold(body) {
    if (busy) return;
    ctx.alerts.clear();
    setBusy(true);
    try {
      let answer;
      try {
        answer = await ctx.api.post('/api/v1/holds', { body });
      } catch (err) {
        if (!ADMISSION_CODES.has(err.code)) throw err;
        const admission = await waitForAdmission({ api: ctx.api, showId, panel: queuePanel, signal: leaving.signal });
        answer = await ctx.api.post('/api/v1/holds', { body: admission ? { ...body, admission } : body });
      }
      if (!ctx.isCurrent(serial)) return;
      // Seats become "mine" before the map stops waiting: our own hold's "held" event, which may
      // have come first, must not read as someone else taking the selection.
      busy = false;
      enterHeld(answer, true);
      seatMap.setPending(false);
    } catch (err) {
      if (!ctx.isCurrent(serial) || err.name === 'AbortError') { if (ctx.isCurrent(serial)) setBusy(false); return; }
      if (err.code === 'SEATS_UNAVAILABLE') {
        ctx.alerts.show(err);
        // Show the truth at once (the stream may be a moment behind, or cut off), then drop the
        // seats that are gone from the selection.
        await refreshMap();
        const taken = seatsInMessage(err.message);
        setBusy(false);
        if (taken.length) selectionStatus.textContent = describeError(err);
      } else {
        ctx.alerts.show(err);
        setBusy(false);
      }
      recoverFocus();
    }
  }

  // The hold button was disabled while its request ran; if it had the focus, the focus fell to
  // <body>: bring keyboard users back to the seats, where the next step is.
  function recoverFocus() {
    if (!document.activeElement || document.activeElement === document.body) {
      focusQuietly(container.querySelector('#seats-heading'));
    }
  }

  async function refreshMap() {
    const before = seatMap.drawn;
    try {
      const map = await ctx.api.get(`/api/v1/shows/${showId}/seatmap`, { auth: false });
      // The stream drew something meanwhile: it is live, and what it sends next corrects the map;
      // this answer might be older than what it drew, so it is not applied over it.
      if (ctx.isCurrent(serial) && seatMap.drawn === before) seatMap.setMap(map);
    } catch { /* the stream will bring it; the error already shown matters more */ }
  }

  // ---- the hold ----
  const countdownText = h('span', { class: 'countdown', role: 'timer', 'aria-label': 'Time left on your hold' }, '--:--');
  const countdownNote = h('p', { class: 'visually-hidden', 'aria-live': 'polite' });
  const holdSeats = h('p', { class: 'hold-seats' });
  const releaseButton = h('button', { type: 'button', class: 'button' }, 'Release seats');
  const form = createCustomerForm({
    user: ctx.session.current && ctx.session.current.user,
    submitLabel: 'Continue to payment',
    onSubmit: createOrder,
  });
  replace(holdPanel,
    h('h2', { id: 'hold-heading', tabindex: '-1' }, 'Your seats are held'),
    h('p', { class: 'hold-timer' }, 'Complete your booking within ', countdownText, ' — after that the seats are released.'),
    countdownNote,
    holdSeats,
    h('div', { class: 'actions' }, releaseButton),
    h('h3', {}, 'Your details'),
    form.element);

  function enterHeld(answer, fresh) {
    hold = { holdId: answer.holdId, seatIds: answer.seatIds, expiresAt: answer.expiresAt };
    sessionStorage.setItem(HOLD_KEY(showId), hold.holdId);
    seatMap.clearSelection();
    seatMap.setMine(hold.seatIds);
    seatMap.setLocked(true);
    holdSeats.textContent = `${hold.seatIds.length === 1 ? 'Seat' : 'Seats'} ${listWords(hold.seatIds)} · ${money(multiplyMoney(seatMap.price, hold.seatIds.length))}`;
    holdPanel.hidden = false;
    pickPanel.hidden = true;
    updateSelection([]);
    let warned = false;
    if (stopCountdown) stopCountdown();
    stopCountdown = startCountdown(hold.expiresAt, {
      onTick: (left) => {
        countdownText.textContent = mmss(left);
        countdownText.classList.toggle('urgent', left <= 60);
        if (!warned && left <= 60 && left > 0) {
          warned = true;
          countdownNote.textContent = 'One minute left to complete your booking.';
        }
      },
      onExpire: () => holdExpired(),
    });
    if (fresh) {
      ctx.alerts.announce(`${listWords(hold.seatIds)} held for you.`);
      focusQuietly(holdPanel.querySelector('h2'));
    }
  }

  function leaveHeld() {
    if (stopCountdown) stopCountdown();
    stopCountdown = null;
    hold = null;
    sessionStorage.removeItem(HOLD_KEY(showId));
    holdPanel.hidden = true;
    pickPanel.hidden = false;
    seatMap.setMine([]);
    seatMap.setLocked(false);
    seatMap.clearSelection();
    updateSelection([]);
  }

  function holdExpired(message = 'Your hold has expired — the seats have been released. Pick seats again to book.') {
    leaveHeld();
    ctx.alerts.show(message, { tone: 'warning' });
    focusQuietly(container.querySelector('#seats-heading'));
    // The stream reports the expiry within moments; a fresh map a little later is a safety net.
    setTimeout(() => { if (ctx.isCurrent(serial)) refreshMap(); }, 1500);
  }

  releaseButton.addEventListener('click', async () => {
    if (!hold) return;
    releaseButton.disabled = true;
    try {
      await ctx.api.post(`/api/v1/holds/${hold.holdId}/release`);
      const seats = hold.seatIds;
      leaveHeld();
      ctx.alerts.announce(`${listWords(seats)} released.`);
      focusQuietly(container.querySelector('#seats-heading'));
    } catch (err) {
      if (err.code === 'HOLD_EXPIRED') holdExpired();
      else ctx.alerts.show(err);
    } finally {
      releaseButton.disabled = false;
    }
  });

  async function createOrder(customer) {
    if (!hold) return;
    ctx.alerts.clear();
    try {
      const order = await ctx.api.post('/api/v1/orders', { body: { holdId: hold.holdId, customer } });
      if (!ctx.isCurrent(serial)) return;
      if (stopCountdown) stopCountdown();
      sessionStorage.removeItem(HOLD_KEY(showId));
      hold = null;
      ctx.navigate(`#/orders/${order.orderId}`);
    } catch (err) {
      if (!ctx.isCurrent(serial)) return;
      if (err.code === 'HOLD_EXPIRED') holdExpired();
      else if (err.code === 'INVALID_STATE' && /released/i.test(err.message)) holdExpired('This hold was released. Pick seats again to book.');
      else ctx.alerts.show(err);
    }
  }

  // A hold made earlier in this visit (say before a reload) is picked up again.
  const savedHold = sessionStorage.getItem(HOLD_KEY(showId));
  if (savedHold) {
    try {
      const existing = await ctx.api.get(`/api/v1/holds/${savedHold}`);
      if (!ctx.isCurrent(serial)) return () => { seatMap.stopLive(); };
      if (existing.status === 'HELD' && Date.parse(existing.expiresAt) > serverNow()) enterHeld(existing, false);
      else if (existing.status === 'CONVERTED' && existing.orderId) {
        sessionStorage.removeItem(HOLD_KEY(showId));
        ctx.alerts.show('You already have an order for these seats.', { tone: 'info' });
        const alertBox = document.getElementById('alert');
        alertBox.querySelector('p').append(' ', h('a', { href: `#/orders/${existing.orderId}` }, 'Go to the order'));
      } else sessionStorage.removeItem(HOLD_KEY(showId));
    } catch {
      sessionStorage.removeItem(HOLD_KEY(showId));
    }
  }

  return () => {
    leaving.abort();
    seatMap.stopLive();
    if (stopCountdown) stopCountdown();
  };
}
