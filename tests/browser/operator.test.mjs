// The operator page: sign in as an operator, see the shows with their numbers, create a show
// (and be told plainly about an overlap), and cancel a show — the dialog refuses until the title
// or CANCEL is typed; afterwards the show reads Cancelled and a customer's paid order is refunded.
// A customer's token is turned away with "This page is for operators".

import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE, launch, openPage, createCatalogue, signIn, buy, unique, screenshot, must, kolkataDate, browserTest, eventually,
} from './helpers.mjs';

/** 'YYYY-MM-DD' → 'Fri 4 Dec', as the table writes dates. */
function dayLabel(ymd) {
  const [y, m, d] = ymd.split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return `${['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][date.getUTCDay()]} ${d} ${['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][m - 1]}`;
}

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** Resolves once the shows table is not being redrawn (the page marks it aria-busy meanwhile). */
function tableSettled(page) {
  return page.waitForFunction(() => document.querySelector('table') && !document.querySelector('table[aria-busy="true"]'));
}

/** The table row of the show (movie title + start), loading more pages until it is there. */
async function findRow(page, title, time) {
  const row = page.getByRole('row').filter({ hasText: title }).filter({ hasText: time });
  await tableSettled(page);
  for (let i = 0; i < 20 && !(await row.count()); i += 1) {
    const more = page.getByRole('button', { name: 'Load more shows' });
    if (!(await more.isVisible())) break;
    await more.click();
    await tableSettled(page);
  }
  return row;
}

browserTest('an operator creates a show and cancels another, and the paid order is refunded', async () => {
  const cat = await createCatalogue({ rows: 4, seats: 8, time: '18:00' });
  const title = cat.movie.title;
  const customer = await signIn(unique('Paying Customer'));
  const paid = await buy(BASE, customer.token, cat.show.showId, ['B3', 'B4']);
  assert.equal(paid.status, 'CONFIRMED');

  const page = await openPage(browser, { path: '/admin' });
  await page.getByLabel('Your name').fill(unique('Olga Operator'));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Shows', level: 1 }).waitFor();

  // Only the show's day, so the table is short.
  await page.getByLabel('From', { exact: true }).fill(cat.day);
  await page.getByLabel('To', { exact: true }).fill(cat.day);
  await page.getByRole('button', { name: 'Show these dates' }).click();
  // The table lists only that day once redrawn: every row starts on it.
  await page.waitForFunction((day) => {
    const rows = [...document.querySelectorAll('tbody tr')];
    return !document.querySelector('table[aria-busy="true"]') && rows.length > 0 && rows.every((r) => r.textContent.includes(day));
  }, dayLabel(cat.day));
  const row = await findRow(page, title, '6:00 PM');
  await row.waitFor();
  const cells = await row.getByRole('cell').allTextContents();
  // Theatre, screen, start, status, sold, held, available, seats, revenue, confirmed orders.
  assert.equal(cells[3], 'Scheduled');
  assert.deepEqual(cells.slice(4, 10), ['2', '0', '30', '32', '₹500', '1']);

  // Create a show through the form, in the theatre's own clock.
  await page.getByLabel('Movie', { exact: true }).selectOption({ label: title });
  await page.getByLabel('Theatre', { exact: true }).selectOption({ label: `${cat.theatre.name}, Testville` });
  await page.getByLabel('Screen', { exact: true }).selectOption({ label: 'Screen 1 (Standard, 32 seats)' });
  await page.getByLabel('Starts at').fill(`${cat.day}T21:00`);
  await page.getByLabel('Price per seat (₹)').fill('320.50');
  await page.getByRole('button', { name: 'Create show' }).click();
  await page.getByText(/^Show created: .* 9:00 PM, ₹320\.50 a seat\.$/).waitFor();
  const created = await findRow(page, title, '9:00 PM');
  await created.waitFor();

  // The same slot again overlaps: said in words.
  await page.getByRole('button', { name: 'Create show' }).click();
  await page.getByRole('alert').filter({ hasText: 'That screen already has a show at that time.' }).waitFor();
  await row.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await screenshot(page, '07-operator.png');

  // Cancel the 6 PM show: the dialog states the consequences and refuses until confirmed.
  await row.getByRole('button', { name: /^Cancel show/ }).click();
  const dialog = page.getByRole('dialog', { name: 'Cancel this show?' });
  await dialog.waitFor();
  assert.ok(await dialog.getByText(/^1 confirmed order \(as of when the list was loaded, and any paid since\) will be refunded\.$/).isVisible());
  const confirm = dialog.getByRole('button', { name: 'Cancel show' });
  assert.ok(await confirm.isDisabled());
  const input = dialog.getByLabel('Type the movie title or CANCEL to confirm');
  await input.fill('cancel it');
  assert.ok(await confirm.isDisabled());
  await input.press('Enter');
  assert.ok(await dialog.isVisible(), 'Enter with the wrong words must not cancel');
  await input.fill('CANCEL');
  assert.ok(await confirm.isEnabled());
  await screenshot(page, '08-cancel-dialog.png');
  await confirm.click();

  await page.getByText('Cancelled: 0 orders cancelled, 1 refunded.').waitFor();
  assert.equal(await dialog.count(), 0);
  const after = await findRow(page, title, '6:00 PM');
  await eventually(async () => (await after.getByRole('cell').nth(3).textContent()) === 'Cancelled', { message: 'row reads Cancelled' });
  assert.equal(await after.getByRole('button', { name: /^Cancel show/ }).count(), 0);

  const order = await must(200, BASE, 'GET', `/api/v1/orders/${paid.orderId}`, { token: customer.token });
  assert.equal(order.status, 'REFUNDED');
  assert.deepEqual(page.pageErrors, []);
});

browserTest('a customer token gets "This page is for operators"', async () => {
  const page = await openPage(browser, { path: '/admin', key: 'marquee.adminToken', session: await signIn(unique('Just A Customer')) });
  await page.goto('/admin');
  await page.getByRole('heading', { name: 'This page is for operators' }).waitFor();
  await page.getByRole('button', { name: 'Sign out' }).first().click();
  await page.getByRole('heading', { name: 'Operator sign-in' }).waitFor();
});
