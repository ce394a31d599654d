// Pieces shared by the order page and "My orders": the facts of an order, the ticket, and the
// cancel button with its confirm step.

import { h, replace, focusQuietly } from '../lib/dom.js';
import { money, showTimeLabel, listWords, ORDER_STATUS_WORDS } from '../lib/format.js';
import { serverNow } from '../lib/api.js';

export function statusBadge(status) {
  return h('span', { class: `badge badge-${String(status).toLowerCase()}` }, ORDER_STATUS_WORDS[status] || status);
}

/** Movie, theatre, time, seats, amount as a description list. */
export function orderFacts(order, { includeStatus = true } = {}) {
  const rows = [
    ['Theatre', order.theatre && order.theatre.name],
    ['Show time', order.show && showTimeLabel(order.show.startTime)],
    [order.seats.length === 1 ? 'Seat' : 'Seats', listWords(order.seats)],
    [order.status === 'CONFIRMED' ? 'Amount paid' : 'Amount', money(order.amount)],
  ];
  if (includeStatus) rows.push(['Status', statusBadge(order.status)]);
  return h('dl', { class: 'facts-list' }, rows.filter(([, v]) => v).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

/** The ticket: the code big and clear, then the facts. */
export function ticket(order) {
  return h('section', { class: 'ticket', 'aria-labelledby': 'ticket-code-label' },
    h('p', { class: 'ticket-movie' }, order.movie.title),
    h('p', { class: 'ticket-code-label', id: 'ticket-code-label' }, 'Ticket code'),
    h('p', { class: 'ticket-code' }, order.ticketCode),
    orderFacts(order, { includeStatus: false }),
    h('p', { class: 'small muted' }, 'Show this code at the theatre. We have also sent it to ', order.customer ? order.customer.email : 'your e-mail', '.'));
}

/**
 * "Cancel order" with a confirm step in place (no modal: the question appears where the button
 * was, and keyboard focus moves to it). onCancelled(updatedOrder) runs after the server agrees.
 */
export function cancelControl(ctx, order, onCancelled) {
  const box = h('div', { class: 'cancel-control' });
  const refund = order.status === 'CONFIRMED';
  const label = refund ? 'Cancel and refund' : 'Cancel order';

  function showButton() {
    replace(box, h('button', {
      type: 'button', class: 'button danger-outline',
      'aria-label': `${label}: ${order.movie.title}, ${showTimeLabel(order.show.startTime)}`,
      onclick: showConfirm,
    }, label));
  }

  function showConfirm() {
    const question = h('p', { class: 'confirm-question', tabindex: '-1' },
      refund
        ? `Cancel this booking? ${money(order.amount)} will be refunded and the seats released.`
        : 'Cancel this order? The seats will be released.');
    const yes = h('button', { type: 'button', class: 'button danger' }, refund ? 'Yes, cancel and refund' : 'Yes, cancel it');
    const no = h('button', { type: 'button', class: 'button' }, 'Keep it');
    replace(box, h('div', { class: 'confirm', role: 'group', 'aria-label': 'Confirm cancellation' }, question, h('div', { class: 'actions' }, yes, no)));
    focusQuietly(question);
    no.addEventListener('click', () => { showButton(); box.querySelector('button').focus(); });
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      no.disabled = true;
      try {
        const updated = await ctx.api.post(`/api/v1/orders/${order.orderId}/cancel`);
        ctx.alerts.announce(updated.status === 'REFUNDED' ? `Cancelled. ${money(updated.amount)} will be refunded.` : 'Order cancelled.');
        onCancelled(updated);
      } catch (err) {
        ctx.alerts.show(err);
        showButton();
        // After a refusal the order's status may have moved on (expired, say): let the page re-read it.
        if (err.code === 'ORDER_EXPIRED' || err.code === 'INVALID_STATE') onCancelled(null);
      }
    });
  }

  showButton();
  return box;
}

/**
 * Whether the customer may cancel: an unpaid order always; a paid one only where the theatre
 * refunds (theatre.cancellationAvailable) and before the show starts. The server decides in the
 * end (409 CANCELLATION_NOT_ALLOWED); this only avoids offering what it would refuse.
 */
export function canCancel(order) {
  if (order.status === 'PAYMENT_PENDING') return true;
  if (order.status !== 'CONFIRMED') return false;
  return order.theatre.cancellationAvailable !== false && Date.parse(order.show.startTime) > serverNow();
}

/** Why a paid order has no cancel button, in words (null when it has one or needs none). */
export function noCancelNote(order) {
  if (order.status !== 'CONFIRMED' || canCancel(order)) return null;
  return h('p', { class: 'small muted' }, order.theatre.cancellationAvailable === false
    ? 'This theatre does not allow cancellations.'
    : 'The show has started, so this booking can no longer be cancelled.');
}
