// The sign-in screen shared by the customer app and the operator page. In development the server
// offers POST /api/v1/dev/sign-in (a name is enough); in production that endpoint is 404 and people
// paste a token from the organisation's identity provider instead.

import { h, replace, nextId, focusQuietly } from './dom.js';
import { decodeJwt } from './session.js';
import { describeError } from './errors.js';

/**
 * Whether the server offers development sign-in. A GET asks without side effects: the route exists
 * only for POST, so a development server answers 405 and a production one 404.
 */
async function devSignInOffered(api) {
  try {
    await api.get('/api/v1/dev/sign-in', { auth: false });
    return true;
  } catch (err) {
    return err.code !== 'NOT_FOUND';
  }
}

/**
 * Render the sign-in screen into `container`.
 * options: {api, session, admin, title, intro, notice, onSignedIn}
 */
export async function renderSignIn(container, { api, session, admin = false, title = 'Sign in', intro, notice, onSignedIn }) {
  const headingId = nextId('signin');
  const errorBox = h('p', { class: 'form-error', role: 'alert' });
  const section = h('section', { class: 'card narrow signin', 'aria-labelledby': headingId },
    h('h1', { id: headingId, tabindex: '-1' }, title),
    notice ? h('p', { class: 'notice', role: 'status' }, notice) : null,
    intro ? h('p', {}, intro) : null,
    errorBox,
    h('p', { class: 'muted', text: 'Checking how to sign in…' }));
  replace(container, section);

  const offered = await devSignInOffered(api);
  section.lastChild.remove();

  function showError(text) { errorBox.textContent = text; }

  // Paste a token: always available (collapsed when development sign-in is on).
  const tokenId = nextId('token');
  const tokenHint = nextId('token-hint');
  const tokenInput = h('textarea', { id: tokenId, rows: '4', spellcheck: 'false', autocomplete: 'off', 'aria-describedby': tokenHint, required: true });
  const tokenForm = h('form', { class: 'stack', novalidate: true },
    h('label', { for: tokenId }, 'Access token'),
    h('p', { id: tokenHint, class: 'hint' }, "Paste the token your organisation's sign-in service gave you (it starts with “ey”)."),
    tokenInput,
    h('button', { type: 'submit', class: 'button' }, 'Use this token'));
  tokenForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = tokenInput.value.trim();
    const claims = decodeJwt(token);
    if (!claims || !claims.sub) {
      showError("That doesn't look like a token. Paste the whole token, three parts separated by dots.");
      tokenInput.focus();
      return;
    }
    if (claims.exp && claims.exp * 1000 <= Date.now()) {
      showError('That token has expired. Ask for a new one.');
      tokenInput.focus();
      return;
    }
    session.saveToken(token);
    onSignedIn();
  });

  if (!offered) {
    section.append(
      h('p', { class: 'notice' }, 'Development sign-in is off on this server. Sign in with a token from your organisation’s identity provider.'),
      tokenForm);
    focusQuietly(section.querySelector('h1'));
    return;
  }

  const nameId = nextId('name');
  const emailId = nextId('email');
  const nameInput = h('input', { id: nameId, name: 'name', autocomplete: 'name', required: true, maxlength: '100' });
  const emailInput = h('input', { id: emailId, name: 'email', type: 'email', autocomplete: 'email' });
  const submit = h('button', { type: 'submit', class: 'button primary' }, 'Sign in');
  const devForm = h('form', { class: 'stack', novalidate: true },
    h('label', { for: nameId }, 'Your name'),
    nameInput,
    h('label', { for: emailId }, 'Email ', h('span', { class: 'hint-inline' }, '(optional)')),
    emailInput,
    submit);
  devForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const name = nameInput.value.trim();
    if (!name) {
      showError('Please enter your name.');
      nameInput.focus();
      return;
    }
    submit.disabled = true;
    showError('');
    try {
      const body = { name };
      if (emailInput.value.trim()) body.email = emailInput.value.trim();
      if (admin) body.admin = true;
      const answer = await api.post('/api/v1/dev/sign-in', { body, auth: false });
      session.save(answer);
      onSignedIn();
    } catch (err) {
      submit.disabled = false;
      if (err.code === 'NOT_FOUND') {
        showError('Development sign-in is off on this server. Paste a token instead.');
        details.open = true;
      } else {
        showError(describeError(err));
      }
    }
  });

  const details = h('details', { class: 'token-paste' }, h('summary', {}, 'Have a token? Paste it instead'), tokenForm);
  section.append(
    h('p', { class: 'muted' }, 'This is a development server: enter any name to sign in.'),
    devForm,
    details);
  if (notice) focusQuietly(section.querySelector('h1'));
  else nameInput.focus();
}
