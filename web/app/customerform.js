// The customer details form. The checks mirror the server's rules (name 1–255 characters, a
// plausible e-mail, phone 7–15 digits with an optional leading +) so mistakes are caught here, next
// to the field, instead of as a 400 after the round trip.

import { h, nextId } from '../lib/dom.js';

// The last details used on this browser, to fill the form next time; forgotten on sign-out (the
// next person on a shared device must not find them).
export const SAVED_CUSTOMER = 'marquee.customer';
const SAVED = SAVED_CUSTOMER;

const RULES = {
  name: (v) => (v.length === 0 ? 'Enter the name for the booking.' : v.length > 255 ? 'The name can be at most 255 characters.' : ''),
  email: (v) => (/^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(v) ? '' : 'Enter an e-mail address like name@example.com.'),
  phone: (v) => (/^\+?\d{7,15}$/.test(v) ? '' : 'Enter 7 to 15 digits, optionally starting with +.'),
};

/** Spaces, dashes, dots and brackets are how people write numbers; the server wants digits only. */
function normalisePhone(value) { return value.replace(/[\s\-().]/g, ''); }

/** createCustomerForm({user, submitLabel, onSubmit(customer) → Promise}) → {element, focus()} */
export function createCustomerForm({ user, submitLabel, onSubmit }) {
  let saved = {};
  try { saved = JSON.parse(localStorage.getItem(SAVED) || '{}') || {}; } catch { saved = {}; }
  const fields = {};
  const form = h('form', { class: 'stack customer-form', novalidate: true, 'aria-label': 'Your details' });

  function field(key, label, attrs, hint) {
    const id = nextId(key);
    const hintId = hint ? nextId(`${key}-hint`) : null;
    const errorId = nextId(`${key}-error`);
    const input = h('input', { id, name: key, required: true, 'aria-describedby': [hintId, errorId].filter(Boolean).join(' '), ...attrs });
    const error = h('p', { id: errorId, class: 'field-error' });
    fields[key] = { input, error };
    return h('div', { class: 'field' },
      h('label', { for: id }, label),
      hint ? h('p', { id: hintId, class: 'hint' }, hint) : null,
      input,
      error);
  }

  const submit = h('button', { type: 'submit', class: 'button primary' }, submitLabel);
  form.append(
    field('name', 'Full name', { autocomplete: 'name', maxlength: '255', value: saved.name || (user && user.name) || '' }),
    field('email', 'E-mail', { type: 'email', autocomplete: 'email', value: saved.email || (user && user.email) || '' }, 'We send the ticket here.'),
    field('phone', 'Mobile phone', { type: 'tel', autocomplete: 'tel', inputmode: 'tel', value: saved.phone || '' }, '7 to 15 digits, may start with + (for example +919876543210).'),
    submit);

  function check(key) {
    const { input, error } = fields[key];
    const value = key === 'phone' ? normalisePhone(input.value.trim()) : input.value.trim();
    const message = RULES[key](value);
    error.textContent = message;
    input.setAttribute('aria-invalid', String(!!message));
    return { value, message };
  }

  // A field is re-checked as it changes only once it has been judged wrong, so nobody gets
  // scolded while still typing.
  for (const key of Object.keys(RULES)) {
    fields[key].input.addEventListener('input', () => { if (fields[key].input.getAttribute('aria-invalid') === 'true') check(key); });
    fields[key].input.addEventListener('blur', () => { if (fields[key].input.value) check(key); });
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const customer = {};
    let firstBad = null;
    for (const key of Object.keys(RULES)) {
      const { value, message } = check(key);
      customer[key] = value;
      if (message && !firstBad) firstBad = fields[key].input;
    }
    if (firstBad) { firstBad.focus(); return; }
    try { localStorage.setItem(SAVED, JSON.stringify(customer)); } catch { /* convenience only */ }
    submit.disabled = true;
    try { await onSubmit(customer); } finally { submit.disabled = false; }
  });

  return { element: form, focus() { fields.name.input.focus(); }, setDisabled(v) { submit.disabled = v; } };
}
