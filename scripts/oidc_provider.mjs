// A real OpenID Connect provider on loopback for SSO tests and demos: panva's certified oidc-provider.
//
//   node scripts/oidc_provider.mjs            listens on 127.0.0.1:9000 (IDP_PORT, IDP_HOST; IDP_PORT=0: a free port)
//
// It prints one line, `issuer=<url>`, once it accepts connections. What it offers:
// - discovery at <issuer>/.well-known/openid-configuration and RFC 7591 dynamic registration at /reg
//   (open: no initial access token), with RFC 7592 management of the registered clients;
// - the authorization code flow with PKCE (S256) required for every client;
// - a development login page (fields `login` and `password`, any password) and then a consent page
//   ("Continue"); "Cancel" on the login page answers the client with error=access_denied;
// - the demo client `lakesail-demo` (secret `lakesail-demo-secret`) for the demo organization's provider,
//   redirecting to the console's SSO callback page on 127.0.0.1:8000 and localhost:8000.
// Accounts: the login is the account. ACCOUNTS below have names; unverified@<any domain> has
// email_verified false; any other login that is an email address is a verified account of that address.
// State (sessions, registered clients) lives in memory and ends with the process.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const ACCOUNTS = {
  'owner@acme.test': ['Olivia', 'Owner'],
  'admin@acme.test': ['Adam', 'Admin'],
  'member@acme.test': ['Mia', 'Member'],
  'new.hire@acme.test': ['Nina', 'Newhire'],
  'oscar@globex.test': ['Oscar', 'Outsider'],
};
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const CALLBACK_PATH = '/sign-in/sso/callback';

function account(login) {
  const email = String(login).trim().toLowerCase();
  if (!EMAIL.test(email)) return undefined;
  const [given, family] = ACCOUNTS[email] ?? [email.split('@')[0], ''];
  const claims = {
    sub: email,
    email,
    email_verified: !email.startsWith('unverified@'),
    given_name: given,
    family_name: family,
    name: `${given} ${family}`.trim(),
  };
  return { accountId: email, claims: async () => claims };
}

const host = process.env.IDP_HOST ?? '127.0.0.1';
const server = createServer();
server.listen(Number(process.env.IDP_PORT ?? 9000), host, () => {
  const { port } = server.address();
  const issuer = `http://${host}:${port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'lakesail-demo',
        client_secret: 'lakesail-demo-secret',
        client_name: 'LakeSail Console (demo)',
        redirect_uris: [`http://127.0.0.1:8000${CALLBACK_PATH}`, `http://localhost:8000${CALLBACK_PATH}`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name'],
    },
    // email and email_verified in the ID token itself (what LakeSail reads), not only from userinfo.
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: true },
      registration: { enabled: true },
      registrationManagement: { enabled: true },
    },
    pkce: { required: () => true },
    findAccount: async (_ctx, id) => account(id),
    cookies: { keys: [randomBytes(32).toString('base64url')] },
  });
  server.on('request', provider.callback());
  console.log(`issuer=${issuer}`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
