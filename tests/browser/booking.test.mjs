// The whole booking flow as a customer does it: sign in → movie → date → show → two seats → hold
// (with its countdown) → details → pay → ticket → My orders → cancel → refunded.
// Also takes the desktop screenshots of each main screen.

import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE, launch, openPage, createCatalogue, signIn, buy, hold, unique, screenshot, seat, seatLabel, eventually,
  browserTest,
} from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

browserTest('a customer books two seats, pays, sees the ticket, and cancels for a refund', async () => {
  const cat = await createCatalogue({ rows: 6, seats: 10, premiumRows: 2, aisleAfter: 5 });
  const title = cat.movie.title;
  // Other people on the show, so the seat map has held and sold seats to draw.
  const other = await signIn(unique('Other Buyer'));
  await buy(BASE, other.token, cat.show.showId, ['F7', 'F8']);
  const holder = await signIn(unique('Other Holder'));
  await hold(BASE, holder.token, cat.show.showId, ['D1', 'D2', 'D3']);

  const page = await openPage(browser);

  // Sign in.
  await page.getByLabel('Your name').fill(unique('Asha'));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Movies', level: 1 }).waitFor();
  assert.ok(await page.getByRole('button', { name: 'Sign out' }).isVisible());

  // Movies: the new movie is in "Recommended" (newest release first), maybe after "Load more".
  await page.getByRole('tab', { name: 'Recommended' }).click();
  const panel = page.getByRole('tabpanel', { name: 'Recommended' });
  const movieLink = panel.getByRole('link', { name: title });
  await panel.getByRole('listitem').first().waitFor();
  for (let i = 0; i < 10 && !(await movieLink.isVisible()); i += 1) {
    const more = panel.getByRole('button', { name: 'Load more movies' });
    if (!(await more.isVisible())) break;
    await more.click();
    await page.waitForLoadState('networkidle');
  }
  await screenshot(page, '01-movies.png');
  await movieLink.click();

  // The movie's page: details, the date, the show.
  await page.getByRole('heading', { name: title, level: 1 }).waitFor();
  await page.getByRole('group', { name: 'Dates with shows' }).getByRole('button').first().click();
  const showButton = page.getByRole('button', { name: /^6:00 PM, Screen 1, ₹250, Available$/ });
  await showButton.waitFor();
  await screenshot(page, '02-movie.png');
  await showButton.click();

  // The seat map: others' seats are marked in words, not only colour.
  await page.getByRole('heading', { name: 'Pick your seats', level: 2 }).waitFor();
  assert.equal(await seatLabel(page, 'F', 7), 'Row F seat 7, premium, sold');
  assert.equal(await seatLabel(page, 'D', 2), 'Row D seat 2, regular, held by someone else');
  assert.equal(await seatLabel(page, 'C', 4), 'Row C seat 4, regular, available');
  await seat(page, 'C', 4).click();
  await seat(page, 'C', 5).click();
  assert.equal(await seat(page, 'C', 4).getAttribute('aria-pressed'), 'true');
  await page.getByText('2 seats: C4 and C5 · ₹500').waitFor();
  await screenshot(page, '03-seatmap.png');

  // Hold: a countdown from about five minutes.
  await page.getByRole('button', { name: 'Hold 2 seats' }).click();
  await page.getByRole('heading', { name: 'Your seats are held' }).waitFor();
  const timer = page.getByRole('timer');
  assert.match(await timer.textContent(), /^0[45]:\d\d$/);
  assert.equal(await seatLabel(page, 'C', 4), 'Row C seat 4, regular, held by you');
  // Our own hold coming back on the stream is not "someone else took your seats".
  assert.equal(await page.getByText(/just taken by someone else/).count(), 0);

  // Details.
  await page.getByLabel('Full name').fill('Asha Rao');
  await page.getByLabel('E-mail').fill('asha@example.com');
  await page.getByLabel('Mobile phone').fill('98765');
  await page.getByRole('button', { name: 'Continue to payment' }).click();
  await page.getByText('Enter 7 to 15 digits, optionally starting with +.').waitFor();
  await page.getByLabel('Mobile phone').fill('+91 98765 43210');
  await screenshot(page, '04-hold.png');
  await page.getByRole('button', { name: 'Continue to payment' }).click();

  // Review and pay.
  await page.getByRole('heading', { name: 'Review and pay' }).waitFor();
  await page.getByRole('button', { name: 'Pay ₹500' }).click();

  // The ticket.
  await page.getByRole('heading', { name: 'Your ticket' }).waitFor();
  const code = (await page.getByText(/^BMS-/).textContent()).trim();
  assert.match(code, /^BMS-[A-Z2-9]{8}$/);
  assert.ok(await page.getByText(title).first().isVisible());
  assert.ok(await page.getByText('C4 and C5').isVisible());
  await screenshot(page, '05-ticket.png');

  // My orders lists it, confirmed, with the code.
  await page.getByRole('link', { name: 'My orders' }).first().click();
  await page.getByRole('heading', { name: 'My orders', level: 1 }).waitFor();
  // Found by its movie (unique to this test): the ticket code goes away once it is refunded.
  const order = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: title }) });
  await order.waitFor();
  assert.ok(await order.getByText(code).isVisible());
  assert.ok(await order.getByText('Confirmed').isVisible());
  await screenshot(page, '06-orders.png');

  // Cancel, with a confirm step: a refund.
  await order.getByRole('button', { name: /^Cancel and refund/ }).click();
  await order.getByRole('button', { name: 'Yes, cancel and refund' }).click();
  // (Exact: the confirm question, on screen until the server answers, says "will be refunded".)
  await order.getByText('Refunded', { exact: true }).waitFor();
  assert.equal(await order.getByText('Confirmed').count(), 0);

  // And the seats are free again for everyone.
  await eventually(async () => {
    const map = await (await fetch(`${BASE}/api/v1/shows/${cat.show.showId}/seatmap`)).json();
    return !map.heldSeatIds.includes('C4') && !map.unavailableSeatIds.includes('C4');
  }, { message: 'C4 free again' });
  assert.deepEqual(page.pageErrors, []);
});
