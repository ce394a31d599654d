// The signed-in user's token, kept in localStorage so a reload (or a new tab) stays signed in.
// The customer app and the operator page keep theirs under different keys: an operator testing
// a booking in the same browser should not lose their operator session.

/** What a page says when the server stops accepting its token (401), on its way back to sign-in. */
export const SESSION_ENDED = 'Your session has ended, please sign in again';

/** The claims of a JWT (not verified: the server does that), or null if it isn't one. */
export function decodeJwt(token) {
  const parts = String(token || '').trim().split('.');
  if (parts.length !== 3) return null;
  try {
    const base64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
    const json = new TextDecoder().decode(Uint8Array.from(atob(padded), (c) => c.charCodeAt(0)));
    const claims = JSON.parse(json);
    return claims && typeof claims === 'object' ? claims : null;
  } catch {
    return null;
  }
}

export function createSession(storageKey) {
  function read() {
    try {
      const saved = JSON.parse(localStorage.getItem(storageKey) || 'null');
      return saved && typeof saved.token === 'string' ? saved : null;
    } catch {
      return null;
    }
  }

  return {
    /** {token, user:{userId, name, email, roles}, expiresAt} or null. */
    get current() { return read(); },
    get token() { const s = read(); return s ? s.token : null; },
    /** True when a token is stored and its expiry (if we know it) has not passed. */
    isLive() {
      const s = read();
      if (!s) return false;
      const expires = Date.parse(s.expiresAt || '');
      return !Number.isFinite(expires) || expires > Date.now();
    },
    save({ token, user, expiresAt }) {
      localStorage.setItem(storageKey, JSON.stringify({ token, user, expiresAt }));
    },
    /** From a pasted token: the claims give the name to show and the expiry. */
    saveToken(token) {
      const claims = decodeJwt(token);
      if (!claims || !claims.sub) return false;
      this.save({
        token: token.trim(),
        user: { userId: claims.sub, name: claims.name || claims.sub, email: claims.email || null, roles: claims.roles || [] },
        expiresAt: claims.exp ? new Date(claims.exp * 1000).toISOString() : null,
      });
      return true;
    },
    clear() { localStorage.removeItem(storageKey); },
  };
}
