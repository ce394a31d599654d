// The seat map: draws a show's layout, keeps it current from the live stream, and lets people pick
// seats by mouse, touch or keyboard. It knows nothing of holds or orders; the show page tells it
// which seats are "mine" (held by this user) and whether picking is allowed right now.
//
// State per seat, from the server: sold (unavailableSeatIds), held (heldSeatIds: holds and orders
// awaiting payment, this user's own included). From this page: selected, mine.

import { h, replace } from '../lib/dom.js';
import { money, seatNumber, seatTypeWords, listWords } from '../lib/format.js';

export function createSeatMap({ showId, maxSeats = 10, onSelectionChange = () => {}, onSelectedTaken = () => {}, onLiveChange = () => {} }) {
  const held = new Set();
  const sold = new Set();
  let mine = new Set();
  let selected = new Set();
  let locked = false; // while a hold exists or is being made, the map is for looking only
  let pending = false; // a hold request is in flight: its seats will come back as "held" first
  let price = 0;
  let layoutKey = '';
  const buttons = new Map(); // seatId → button
  const order = new Map(); // seatId → layout index, for layout-ordered lists
  const seatInfo = new Map(); // seatId → {row, number, type}
  let rowsOfButtons = []; // [[button…]…] front to back, for arrow keys

  const legend = h('ul', { class: 'legend', role: 'list', 'aria-label': 'Key to the seat map' });
  const grid = h('div', { class: 'seat-grid' });
  const scroller = h('div', { class: 'seat-scroller', role: 'group', 'aria-label': 'Seats, front row nearest the screen', tabindex: '-1' },
    h('div', { class: 'screen-bar', 'aria-hidden': 'true' }, 'Screen this way'),
    grid);
  const element = h('div', { class: 'seatmap' }, legend, scroller);

  function stateOf(seatId) {
    if (mine.has(seatId)) return 'mine';
    if (sold.has(seatId)) return 'sold';
    if (held.has(seatId)) return 'held';
    if (selected.has(seatId)) return 'selected';
    return 'available';
  }

  const STATE_WORDS = { mine: 'held by you', sold: 'sold', held: 'held by someone else', selected: 'selected', available: 'available' };
  const GLYPH = { sold: '✕', mine: '✓', selected: '✓' };

  function paint(seatId) {
    const button = buttons.get(seatId);
    if (!button) return;
    const info = seatInfo.get(seatId);
    const state = stateOf(seatId);
    button.dataset.state = state;
    button.setAttribute('aria-pressed', String(state === 'selected' || state === 'mine'));
    button.setAttribute('aria-label', `Row ${info.row} seat ${info.number}, ${seatTypeWords(info.type)}, ${STATE_WORDS[state]}`);
    button.textContent = GLYPH[state] || String(info.number);
    // Taken seats can't be picked; while locked nothing can. Disabled buttons leave the tab order,
    // so Tab walks through the seats one can actually choose.
    const disable = locked || state === 'sold' || state === 'held';
    // A seat taken by someone else while it has the keyboard's focus would drop focus to <body>:
    // hand it to the nearest seat that can still be picked first.
    if (disable && !button.disabled && document.activeElement === button && !locked) focusNearestFree(seatId);
    button.disabled = disable;
  }

  function focusNearestFree(seatId) {
    const ids = byLayout(buttons.keys());
    const at = ids.indexOf(seatId);
    for (let d = 1; d < ids.length; d += 1) {
      for (const i of [at + d, at - d]) {
        const id = ids[i];
        if (id && id !== seatId && !buttons.get(id).disabled && stateOf(id) !== 'sold' && stateOf(id) !== 'held') {
          buttons.get(id).focus();
          return;
        }
      }
    }
  }

  function paintAll() { for (const id of buttons.keys()) paint(id); }

  function byLayout(ids) { return [...ids].sort((a, b) => (order.get(a) ?? 1e9) - (order.get(b) ?? 1e9)); }

  /** Columns shared by every row: each seat number gets one, and a number no row has is one aisle column. */
  function columnsFor(rows) {
    const numbers = new Set();
    for (const row of rows) for (const id of row.seats) numbers.add(seatNumber(row.rowLabel, id));
    const sorted = [...numbers].sort((a, b) => a - b);
    const column = new Map();
    let next = 2; // column 1 is the row label
    sorted.forEach((n, i) => {
      if (i > 0 && n > sorted[i - 1] + 1) next += 1; // a gap in the numbers is an aisle
      column.set(n, next);
      next += 1;
    });
    return { column, count: next - 2 };
  }

  function build(layout) {
    const rows = layout.rows || [];
    buttons.clear();
    order.clear();
    seatInfo.clear();
    rowsOfButtons = [];
    const { column, count } = columnsFor(rows);
    grid.style.setProperty('--columns', String(count));
    const types = [];
    const children = [];
    let previousType = null;
    let index = 0;
    for (const row of rows) {
      const type = row.seatType || 'REGULAR';
      if (!types.includes(type)) types.push(type);
      // A caption where the seat type changes: the type is told in words, not by colour alone.
      if (type !== previousType) {
        children.push(h('p', { class: 'seat-type-caption', 'aria-hidden': 'true' }, `${seatTypeWords(type)} · ${money(price)}`));
        previousType = type;
      }
      const rowButtons = [];
      const rowEl = h('div', { class: 'seat-row', role: 'group', 'aria-label': `Row ${row.rowLabel}`, dataset: { type } },
        h('span', { class: 'row-label', 'aria-hidden': 'true', style: 'grid-column: 1' }, row.rowLabel));
      for (const seatId of row.seats) {
        const number = seatNumber(row.rowLabel, seatId);
        seatInfo.set(seatId, { row: row.rowLabel, number, type });
        order.set(seatId, index);
        index += 1;
        const button = h('button', {
          type: 'button', class: 'seat', title: `${row.rowLabel}${number}`,
          style: `grid-column: ${column.get(number)}`, dataset: { seat: seatId, type: type.toLowerCase(), col: column.get(number) },
        });
        buttons.set(seatId, button);
        rowButtons.push(button);
        rowEl.append(button);
      }
      rowEl.append(h('span', { class: 'row-label', 'aria-hidden': 'true', style: `grid-column: ${count + 2}` }, row.rowLabel));
      rowsOfButtons.push(rowButtons);
      children.push(rowEl);
    }
    replace(grid, children);
    replace(legend,
      types.map((type) => legendItem(`type-${type.toLowerCase()}`, '', `${seatTypeWords(type)} seat, free — ${money(price)}`)),
      legendItem('selected', '✓', 'your pick'),
      legendItem('held', '', 'held by someone'),
      legendItem('sold', '✕', 'sold'));
    paintAll();
  }

  function legendItem(kind, glyph, words) {
    return h('li', {}, h('span', { class: 'seat swatch', dataset: { state: kind.startsWith('type-') ? 'available' : kind, type: kind.startsWith('type-') ? kind.slice(5) : '' }, 'aria-hidden': 'true' }, glyph), ' ', words);
  }

  /** Selected seats someone else just took are dropped (and reported), unless our own hold is in flight. */
  function pruneSelection() {
    if (pending) return;
    const lost = [...selected].filter((id) => held.has(id) || sold.has(id));
    if (!lost.length) return;
    for (const id of lost) selected.delete(id);
    onSelectedTaken(byLayout(lost));
    onSelectionChange(api.selected());
  }

  grid.addEventListener('click', (event) => {
    const button = event.target.closest('button.seat');
    if (!button || button.disabled) return;
    toggle(button.dataset.seat);
  });

  grid.addEventListener('keydown', (event) => {
    const button = event.target.closest('button.seat');
    if (!button) return;
    const moves = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0], Home: [0, -Infinity], End: [0, Infinity] };
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    const target = neighbour(button, move);
    if (target) target.focus();
  });

  /** The next enabled seat in a direction: along the row, or the nearest by column in the next row that has one. */
  function neighbour(from, [dRow, dCol]) {
    const rowIndex = rowsOfButtons.findIndex((r) => r.includes(from));
    const row = rowsOfButtons[rowIndex];
    const enabled = (b) => !b.disabled;
    if (dRow === 0) {
      const candidates = row.filter((b) => enabled(b) || b === from);
      const at = candidates.indexOf(from);
      if (dCol === -Infinity) return candidates[0];
      if (dCol === Infinity) return candidates[candidates.length - 1];
      return candidates[at + dCol] || null;
    }
    const col = Number(from.dataset.col);
    for (let r = rowIndex + dRow; r >= 0 && r < rowsOfButtons.length; r += dRow) {
      const options = rowsOfButtons[r].filter(enabled);
      if (!options.length) continue;
      return options.reduce((best, b) => {
        const distance = Math.abs(Number(b.dataset.col) - col);
        return distance < best.distance ? { b, distance } : best;
      }, { b: null, distance: Infinity }).b;
    }
    return null;
  }

  function toggle(seatId) {
    if (locked) return;
    const state = stateOf(seatId);
    if (state === 'selected') selected.delete(seatId);
    else if (state === 'available') {
      if (selected.size >= maxSeats) {
        onSelectionChange(api.selected(), `You can pick up to ${maxSeats} seats at a time.`);
        return;
      }
      selected.add(seatId);
    } else return;
    paint(seatId);
    onSelectionChange(api.selected());
  }

  // Live updates: EventSource reconnects by itself with Last-Event-ID; only if it gives up
  // (readyState CLOSED, e.g. a 503 answer) do we open a new one, a little later.
  let source = null;
  let retryTimer = null;
  let stopped = true;

  function startLive() {
    stopped = false;
    if (source) return;
    source = new EventSource(`/api/v1/shows/${showId}/seatmap/stream`);
    source.addEventListener('open', () => onLiveChange(true));
    source.addEventListener('seatmap', (event) => {
      try { api.setMap(JSON.parse(event.data)); } catch { /* a malformed event is skipped; the next map corrects */ }
    });
    source.addEventListener('seats', (event) => {
      try { api.applyChange(JSON.parse(event.data)); } catch { /* as above */ }
    });
    source.addEventListener('error', () => {
      onLiveChange(false);
      if (source && source.readyState === EventSource.CLOSED) {
        source = null;
        if (!stopped) retryTimer = setTimeout(startLive, 3000);
      }
    });
  }

  function stopLive() {
    stopped = true;
    clearTimeout(retryTimer);
    if (source) source.close();
    source = null;
  }

  // Counts what has been drawn (whole maps and changes): a seat map fetched meanwhile may be older
  // than a change the stream delivered while the fetch was on its way, and must not undo it.
  let drawn = 0;

  const api = {
    element,
    get price() { return price; },
    get drawn() { return drawn; },
    /** Replace everything with a whole seat map (GET …/seatmap or the stream's `seatmap` event). */
    setMap(map) {
      drawn += 1;
      price = map.price;
      const key = JSON.stringify(map.layout) + price;
      held.clear();
      sold.clear();
      for (const id of map.heldSeatIds || []) held.add(id);
      for (const id of map.unavailableSeatIds || []) sold.add(id);
      if (key !== layoutKey) {
        layoutKey = key;
        build(map.layout);
      } else paintAll();
      pruneSelection();
    },
    /** A `seats` event: available first, then held, then sold (as the API notes say). */
    applyChange(change) {
      drawn += 1;
      const touched = new Set();
      for (const id of change.available || []) { held.delete(id); sold.delete(id); touched.add(id); }
      for (const id of change.held || []) { held.add(id); touched.add(id); }
      for (const id of change.sold || []) { held.delete(id); sold.add(id); touched.add(id); }
      for (const id of touched) paint(id);
      pruneSelection();
    },
    selected() { return byLayout(selected); },
    seatTypes() { return [...new Set([...seatInfo.values()].map((s) => s.type))]; },
    hasSeat(id) { return seatInfo.has(id); },
    stateOf,
    clearSelection() { const was = [...selected]; selected = new Set(); was.forEach(paint); onSelectionChange([]); },
    setMine(ids) { const before = mine; mine = new Set(ids); for (const id of new Set([...before, ...ids])) paint(id); },
    setLocked(value) { locked = value; paintAll(); },
    setPending(value) { pending = value; if (!value) pruneSelection(); },
    /** Seats that are free right now, in layout order (for messages). */
    describe(ids) { return listWords(byLayout(ids)); },
    focusFirstSeat() { const first = [...buttons.values()].find((b) => !b.disabled); if (first) first.focus(); },
    startLive,
    stopLive,
  };
  return api;
}
