// "My orders": newest first, paged with the server's cursor. Each order says its status in words,
// shows the ticket code once paid, and can be cancelled while pending or confirmed.

import { h, replace } from '../lib/dom.js';
import { orderFacts, cancelControl, canCancel, noCancelNote } from './ordercard.js';

export async function renderOrders(container, ctx) {
  const serial = ctx.serial;
  const list = h('ul', { class: 'order-list', role: 'list' });
  const empty = h('p', { hidden: true }, 'You have no orders yet. ', h('a', { href: '#/' }, 'Find a movie'), '.');
  const more = h('button', { type: 'button', class: 'button', hidden: true }, 'Load more orders');
  replace(container, h('h1', {}, 'My orders'), list, empty, more);

  let cursor = null;
  async function page() {
    more.disabled = true;
    try {
      const data = await ctx.api.get('/api/v1/orders', { query: { limit: 10, cursor } });
      if (!ctx.isCurrent(serial)) return;
      const firstNew = list.children.length;
      for (const order of data.items) list.append(item(order));
      cursor = data.nextCursor;
      more.hidden = !cursor;
      empty.hidden = list.children.length > 0;
      if (firstNew > 0 && list.children[firstNew]) list.children[firstNew].querySelector('h2').focus();
    } catch (err) {
      if (ctx.isCurrent(serial)) ctx.alerts.show(err);
    } finally {
      more.disabled = false;
    }
  }

  function item(order) {
    const li = h('li', { class: 'card order', dataset: { order: order.orderId } });
    fill(li, order);
    return li;
  }

  function fill(li, order) {
    replace(li,
      h('h2', { tabindex: '-1' }, order.movie.title),
      orderFacts(order),
      order.ticketCode && order.status === 'CONFIRMED'
        ? h('p', { class: 'order-code' }, 'Ticket code ', h('strong', {}, order.ticketCode))
        : null,
      h('div', { class: 'actions' },
        order.status === 'PAYMENT_PENDING' ? h('a', { class: 'button primary', href: `#/orders/${order.orderId}` }, 'Pay now') : null,
        order.status === 'CONFIRMED' ? h('a', { class: 'button', href: `#/orders/${order.orderId}` }, 'View ticket') : null,
        canCancel(order)
          ? cancelControl(ctx, order, async (updated) => {
            const fresh = updated || await ctx.api.get(`/api/v1/orders/${order.orderId}`).catch(() => null);
            if (fresh) { fill(li, fresh); li.querySelector('h2').focus(); }
          })
          : noCancelNote(order)));
  }

  more.addEventListener('click', page);
  await page();
}
