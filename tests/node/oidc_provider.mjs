// A real OpenID provider (panva's oidc-provider) for the sign-in tests, on 127.0.0.1.
//
// Protocol with the Python test (tests/test_auth_oidc.py), one JSON line each way:
//   1. it listens on a free loopback port and prints {"port": N};
//   2. it reads {"clients": [...], "users": {"id": {"name": ..., "groups": [...]}}} on
//      stdin (the test knows the viewer's callback URL only once the viewer listens);
//   3. it builds the provider and prints {"ready": true, "issuer": "http://127.0.0.1:N"}.
//
// The login page is the provider's development interaction (any password is accepted;
// the user name picks the account).  A user without "groups" gets no groups claim at all.
//
// For the refusal tests, GET /__test/next-id-token?do=expired|wrong-aud|tampered changes
// the ID token of the next token response only:
//   expired   – exp and iat an hour in the past, re-signed with the provider's own key
//   wrong-aud – aud names another client, re-signed with the provider's own key
//   tampered  – the groups claim raised to the administrators' group, the signature kept
//               (so it no longer matches)
import http from 'node:http';
import readline from 'node:readline';

import { SignJWT, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address();
const issuer = `http://127.0.0.1:${port}`;
process.stdout.write(`${JSON.stringify({ port })}\n`);

const rl = readline.createInterface({ input: process.stdin });
const setup = JSON.parse(await new Promise((resolve) => rl.once('line', resolve)));

const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const jwk = { ...(await exportJWK(privateKey)), kid: 'tvb-test-key', use: 'sig', alg: 'RS256' };
const users = setup.users;

const provider = new Provider(issuer, {
  clients: setup.clients,
  jwks: { keys: [jwk] },
  // The groups claim rides on the openid scope, so every ID token carries it.
  claims: { openid: ['sub', 'groups'], profile: ['name', 'preferred_username'], email: ['email'] },
  conformIdTokenClaims: false, // the claims go into the ID token, not only to /userinfo
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['tvb-test-cookie-key'] },
  async findAccount(ctx, id) {
    const user = users[id];
    if (!user) return undefined;
    return {
      accountId: id,
      async claims() {
        const out = { sub: id, name: user.name, preferred_username: id, email: `${id}@example.org` };
        if (user.groups !== undefined) out.groups = user.groups;
        return out;
      },
    };
  },
  // A first-party client: consent is implied (the organisation's own provider does the same).
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope(ctx.oidc.params.scope);
    await grant.save();
    return grant;
  },
});
provider.on('server_error', (ctx, err) => process.stderr.write(`server_error: ${err}\n`));

let nextChange = null;

async function resign(payload, header) {
  return new SignJWT(payload).setProtectedHeader(header).sign(privateKey);
}

provider.use(async (ctx, next) => {
  if (ctx.path === '/__test/next-id-token') {
    nextChange = ctx.query.do;
    ctx.body = { next: nextChange };
    return;
  }
  await next();
  if (ctx.path === '/token' && nextChange && ctx.body && ctx.body.id_token) {
    const token = ctx.body.id_token;
    const header = decodeProtectedHeader(token);
    const claims = decodeJwt(token);
    const now = Math.floor(Date.now() / 1000);
    if (nextChange === 'expired') {
      ctx.body.id_token = await resign({ ...claims, iat: now - 7200, exp: now - 3600 }, header);
    } else if (nextChange === 'wrong-aud') {
      ctx.body.id_token = await resign({ ...claims, aud: 'another-application' }, header);
    } else if (nextChange === 'tampered') {
      const [h, , s] = token.split('.');
      const body = Buffer.from(JSON.stringify({ ...claims, groups: ['tvb-beheer'] }))
        .toString('base64url');
      ctx.body.id_token = `${h}.${body}.${s}`;
    }
    nextChange = null;
  }
});

server.on('request', provider.callback());
process.stdout.write(`${JSON.stringify({ ready: true, issuer })}\n`);
rl.on('close', () => process.exit(0)); // the test closes stdin (or ends the process)
