/** Token sign-in: the token stays in this tab's sessionStorage and is sent as a Bearer token. */
import { useState } from 'react';
import { api, errorText, getToken, type Me, setToken } from '../api.js';
import { useLoad } from '../util.js';

export function useMe(): [Me | null, () => void, string | null] {
  const [me, reload] = useLoad(async () => (getToken() ? api.me() : ({ kind: 'public' } as Me)), []);
  return [me.state === 'ok' ? me.value : null, reload, me.state === 'error' ? me.error : null];
}

export function Login({ me, onChange, who }: { me: Me | null; onChange: () => void; who: string }) {
  const [token, setTokenText] = useState('');
  const [error, setError] = useState<string | null>(null);
  if (me && me.kind === 'person')
    return (
      <p className="signed-in">
        Signed in as <strong data-testid="signed-in">{me.name}</strong> ({me.role}
        {me.org ? `, ${me.org}` : ''}){' '}
        <button
          type="button"
          onClick={() => {
            setToken(null);
            onChange();
          }}
        >
          Sign out
        </button>
      </p>
    );
  return (
    <form
      className="login"
      onSubmit={async (e) => {
        e.preventDefault();
        setError(null);
        setToken(token.trim());
        try {
          await api.me();
          setTokenText('');
          onChange();
        } catch (err) {
          setToken(null);
          setError(errorText(err));
        }
      }}
    >
      <label>
        {who} token
        <input
          type="password"
          autoComplete="off"
          value={token}
          onChange={(e) => setTokenText(e.target.value)}
          required
        />
      </label>
      <button type="submit">Sign in</button>
      {error && <p role="alert">Sign-in failed: {error}</p>}
    </form>
  );
}
