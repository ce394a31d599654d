// The customer app: a hash router (the server serves files only, no fallback to index.html), the
// header, and the context every view gets. Each view is `render(container, ctx, params)` and may
// return a cleanup function, called when the route changes (to close streams and stop timers).

import { createSessionApi } from '../lib/api.js';
import { createSession, SESSION_ENDED } from '../lib/session.js';
import { createAlerts } from '../lib/alerts.js';
import { renderSignIn } from '../lib/signin.js';
import { focusQuietly } from '../lib/dom.js';
import { describeError } from '../lib/errors.js';
import { renderMovies } from './movies.js';
import { renderMovie } from './movie.js';
import { renderShow } from './show.js';
import { renderOrders } from './orders.js';
import { renderOrder } from './order.js';
import { SAVED_CUSTOMER } from './customerform.js';

const view = document.getElementById('view');
const alerts = createAlerts(document.getElementById('alert'), document.getElementById('announcer'));
const session = createSession('marquee.token');

let sessionNotice = null;
const api = createSessionApi(session, () => {
  sessionNotice = SESSION_ENDED;
  route();
});

const ROUTES = [
  [/^#?\/?$/, renderMovies],
  [/^#\/movies\/?$/, renderMovies],
  [/^#\/movies\/([0-9a-f-]{36})$/, renderMovie],
  [/^#\/shows\/([0-9a-f-]{36})$/, renderShow],
  [/^#\/orders\/?$/, renderOrders],
  [/^#\/orders\/([0-9a-f-]{36})$/, renderOrder],
];

let cleanup = null;
let firstRoute = true;
// Incremented per route so a slow view that finishes after the user moved on can tell.
let routeSerial = 0;

const ctx = {
  api,
  session,
  alerts,
  navigate(hash) {
    if (window.location.hash === hash) route();
    else window.location.hash = hash;
  },
  /** True while the route that started at `serial` is still the current one. */
  isCurrent(serial) { return serial === routeSerial; },
  get serial() { return routeSerial; },
};

function updateHeader() {
  const nav = document.getElementById('account-nav');
  const current = session.isLive() ? session.current : null;
  nav.hidden = !current;
  document.getElementById('who').textContent = current ? `Signed in as ${current.user.name || current.user.userId}` : '';
  const hash = window.location.hash || '#/';
  const here = { 'nav-orders': hash === '#/orders', 'nav-movies': hash === '#/' || hash === '#/movies' };
  for (const [id, on] of Object.entries(here)) {
    if (on) document.getElementById(id).setAttribute('aria-current', 'page');
    else document.getElementById(id).removeAttribute('aria-current');
  }
}

async function route() {
  // Only '#/…' is a route; any other hash is an in-page anchor and must not re-render the page.
  if (window.location.hash && !window.location.hash.startsWith('#/')) return;
  routeSerial += 1;
  if (cleanup) {
    try { cleanup(); } catch { /* a view's cleanup must not stop navigation */ }
    cleanup = null;
  }
  alerts.clear();
  updateHeader();

  if (!session.isLive()) {
    const notice = sessionNotice || (session.current ? SESSION_ENDED : null);
    session.clear();
    sessionNotice = null;
    updateHeader();
    await renderSignIn(view, {
      api,
      session,
      notice,
      title: 'Sign in to book',
      onSignedIn: () => { updateHeader(); route(); },
    });
    return;
  }

  const hash = window.location.hash || '#/';
  const found = ROUTES.map(([pattern, render]) => [pattern.exec(hash), render]).find(([match]) => match);
  if (!found) {
    view.replaceChildren();
    const heading = document.createElement('h1');
    heading.textContent = 'Page not found';
    const back = document.createElement('a');
    back.href = '#/';
    back.textContent = 'Go to the movies';
    view.append(heading, back);
    return;
  }
  const [match, render] = found;
  const serial = routeSerial;
  try {
    const result = await render(view, ctx, match.slice(1));
    if (typeof result === 'function') {
      // A view that finished after the user moved on cleans up at once.
      if (serial === routeSerial) cleanup = result;
      else result();
    }
  } catch (err) {
    if (serial !== routeSerial || (err && err.code === 'UNAUTHORIZED')) return;
    // The page could not be built (an unknown show, the service down…): say so in the alert and
    // leave a way on, never a half-drawn page or a spinner that never ends.
    alerts.show(err);
    view.replaceChildren(
      Object.assign(document.createElement('h1'), { textContent: err && err.code === 'NOT_FOUND' ? 'Not found' : 'This page could not be loaded' }),
      Object.assign(document.createElement('p'), { textContent: describeError(err) }),
      Object.assign(document.createElement('a'), { href: '#/', textContent: 'Go to the movies' }));
  }
  if (serial !== routeSerial) return;
  // Move focus to the new page's heading so screen readers start there — not on first load,
  // where the skip link must stay the first thing Tab reaches.
  if (!firstRoute && !view.contains(document.activeElement)) focusQuietly(view.querySelector('h1'));
  firstRoute = false;
}

document.getElementById('sign-out').addEventListener('click', () => {
  session.clear();
  sessionStorage.clear();
  localStorage.removeItem(SAVED_CUSTOMER);
  ctx.navigate('#/');
});
// The skip link moves focus without touching the hash (which the router owns).
document.querySelector('.skip-link').addEventListener('click', (event) => {
  event.preventDefault();
  focusQuietly(document.getElementById('main'));
});
window.addEventListener('hashchange', route);
// Another tab signing out (or in) changes what this one may do.
window.addEventListener('storage', (event) => { if (event.key === 'marquee.token') route(); });
route();
