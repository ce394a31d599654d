// One order: while awaiting payment, a summary with the payment window and "Pay"; once paid, the
// ticket. Reached right after the details form, and from "My orders".

import { h, replace, focusQuietly } from '../lib/dom.js';
import { money, mmss } from '../lib/format.js';
import { startCountdown } from './countdown.js';
import { orderFacts, ticket, cancelControl, statusBadge, canCancel, noCancelNote } from './ordercard.js';

export async function renderOrder(container, ctx, [orderId]) {
  const serial = ctx.serial;
  let stopCountdown = null;
  replace(container, h('p', { class: 'muted' }, 'Loading your order…'));

  async function load(focus) {
    const order = await ctx.api.get(`/api/v1/orders/${orderId}`);
    if (!ctx.isCurrent(serial)) return;
    show(order, focus);
  }

  function show(order, focus) {
    if (stopCountdown) stopCountdown();
    stopCountdown = null;
    const back = h('p', { class: 'small' }, h('a', { href: '#/orders' }, '← My orders'));
    const cancel = canCancel(order)
      ? cancelControl(ctx, order, (updated) => (updated ? show(updated, true) : load(true).catch((e) => ctx.alerts.show(e))))
      : noCancelNote(order);

    if (order.status === 'CONFIRMED') {
      replace(container, back,
        h('h1', {}, 'Your ticket'),
        h('p', { class: 'success', role: 'status' }, 'Booked! Enjoy the show.'),
        ticket(order),
        h('div', { class: 'actions' }, h('a', { class: 'button', href: '#/orders' }, 'My orders'), h('a', { class: 'button', href: '#/' }, 'Book another movie')),
        cancel);
    } else if (order.status === 'PAYMENT_PENDING') {
      const timer = h('span', { class: 'countdown', role: 'timer' }, '--:--');
      const pay = h('button', { type: 'button', class: 'button primary big' }, `Pay ${money(order.amount)}`);
      replace(container, back,
        h('h1', {}, 'Review and pay'),
        h('section', { class: 'card narrow', 'aria-labelledby': 'summary-heading' },
          h('h2', { id: 'summary-heading' }, order.movie.title),
          orderFacts(order),
          h('p', { class: 'hold-timer' }, 'Pay within ', timer, ' to keep these seats.'),
          h('p', { class: 'small muted' }, 'This is a demonstration: no card is charged.'),
          h('div', { class: 'actions' }, pay),
          cancel));
      stopCountdown = startCountdown(order.expiresAt, {
        onTick: (left) => { timer.textContent = mmss(left); timer.classList.toggle('urgent', left <= 60); },
        // The server marks the order EXPIRED as the window closes; read it back to show that.
        onExpire: () => setTimeout(() => { if (ctx.isCurrent(serial)) load(true).catch((e) => ctx.alerts.show(e)); }, 1000),
      });
      pay.addEventListener('click', async () => {
        pay.disabled = true;
        pay.textContent = 'Paying…';
        try {
          const paid = await ctx.api.post(`/api/v1/orders/${orderId}/confirm-payment`);
          if (!ctx.isCurrent(serial)) return;
          ctx.alerts.announce(`Payment done. Your ticket code is ${paid.ticketCode}.`);
          show(paid, true);
        } catch (err) {
          if (!ctx.isCurrent(serial)) return;
          ctx.alerts.show(err);
          if (err.code === 'ORDER_EXPIRED' || err.code === 'INVALID_STATE') load(false).catch(() => {});
          else { pay.disabled = false; pay.textContent = `Pay ${money(order.amount)}`; }
        }
      });
    } else {
      const why = {
        EXPIRED: 'The payment window passed before payment, so the seats were released.',
        CANCELLED: 'This order was cancelled and its seats released.',
        REFUNDED: `This booking was cancelled and ${money(order.amount)} refunded.`,
      }[order.status] || '';
      replace(container, back,
        h('h1', {}, order.movie.title),
        h('section', { class: 'card narrow' }, h('p', {}, 'Status: ', statusBadge(order.status)), why ? h('p', {}, why) : null, orderFacts(order, { includeStatus: false })),
        h('p', {}, h('a', { class: 'button', href: '#/' }, 'Book again')));
    }
    if (focus) focusQuietly(container.querySelector('h1'));
  }

  await load(false);
  return () => { if (stopCountdown) stopCountdown(); };
}
