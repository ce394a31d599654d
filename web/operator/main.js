// The operator page: sign in with an admin token, then the shows overview, "Create show" and
// "Cancel show". One page, no routes.

import { createSessionApi } from '../lib/api.js';
import { createSession, SESSION_ENDED } from '../lib/session.js';
import { createAlerts } from '../lib/alerts.js';
import { renderSignIn } from '../lib/signin.js';
import { h, replace, focusQuietly } from '../lib/dom.js';
import { createShowsPanel } from './shows.js';
import { createShowForm } from './createshow.js';

const view = document.getElementById('view');
const alerts = createAlerts(document.getElementById('alert'), document.getElementById('announcer'));
const session = createSession('marquee.adminToken');

let notice = null;
let generation = 0; // bumped on every (re)start so late answers of an old session are dropped

const api = createSessionApi(session, () => {
  notice = SESSION_ENDED;
  start();
});

function updateHeader() {
  const current = session.isLive() ? session.current : null;
  document.getElementById('account-nav').hidden = !current;
  document.getElementById('who').textContent = current ? `Signed in as ${current.user.name || current.user.userId}` : '';
}

async function start() {
  generation += 1;
  const mine = generation;
  alerts.clear();
  updateHeader();
  if (!session.isLive()) {
    const message = notice || (session.current ? SESSION_ENDED : null);
    notice = null;
    session.clear();
    updateHeader();
    await renderSignIn(view, {
      api, session, admin: true, notice: message,
      title: 'Operator sign-in',
      intro: 'Sign in with an operator account to manage shows.',
      onSignedIn: start,
    });
    return;
  }

  const ctx = { api, alerts, isCurrent: () => mine === generation };
  const shows = createShowsPanel(ctx);
  const form = createShowForm(ctx, { onCreated: () => shows.reload() });
  replace(view,
    h('h1', {}, 'Shows'),
    shows.element,
    form.element);
  try {
    await shows.reload();
  } catch (err) {
    if (!ctx.isCurrent()) return;
    if (err.code === 'FORBIDDEN') {
      replace(view,
        h('h1', { tabindex: '-1' }, 'This page is for operators'),
        h('p', {}, `You are signed in as ${session.current.user.name || session.current.user.userId}, which is not an operator account.`),
        h('p', {}, 'Sign out, then sign in with an operator account — or go to the ', h('a', { href: '/' }, 'customer site'), '.'),
        h('button', { type: 'button', class: 'button', onclick: signOut }, 'Sign out'));
      focusQuietly(view.querySelector('h1'));
      return;
    }
    if (err.code !== 'UNAUTHORIZED') alerts.show(err);
    return;
  }
  form.load().catch((err) => { if (ctx.isCurrent() && err.code !== 'UNAUTHORIZED') alerts.show(err); });
}

function signOut() {
  session.clear();
  start();
}

document.getElementById('sign-out').addEventListener('click', signOut);
document.querySelector('.skip-link').addEventListener('click', (event) => {
  event.preventDefault();
  focusQuietly(document.getElementById('main'));
});
window.addEventListener('storage', (event) => { if (event.key === 'marquee.adminToken') start(); });
start();
