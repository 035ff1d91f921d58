// A real OpenID Connect provider for the sign-in tests: panva/node-oidc-provider (OpenID Certified),
// on 127.0.0.1. Its own development login form accepts any login; the account's claims (e-mail and
// the `groups` the app maps to roles) come from USERS. Consent is pre-agreed for the one client, as
// a firm's provider does for its own apps, so a sign-in is: login form, then back to the app.
//
//   PORT=9000 REDIRECT_URI=http://127.0.0.1:8501/oauth2callback CLIENT_SECRET=... \
//   USERS='{"vera@firm.test": ["staff"]}' node server.mjs
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const users = JSON.parse(process.env.USERS || '{}');
const redirect = process.env.REDIRECT_URI;
const scope = 'openid email profile groups';

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'routing-roi',
    client_secret: process.env.CLIENT_SECRET,
    redirect_uris: [redirect],
    post_logout_redirect_uris: [redirect],  // Streamlit comes back to /oauth2callback after logout
    response_types: ['code'],
    grant_types: ['authorization_code'],
  }],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
  scopes: ['openid', 'email', 'profile', 'groups'],
  // the claims go into the ID token, which is what Streamlit reads (it calls no userinfo endpoint)
  conformIdTokenClaims: false,
  cookies: { keys: ['routing-roi-test-idp-cookie-key'] },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: id, email_verified: true, name: id, groups: users[id] || [] };
      },
    };
  },
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope(scope);
    grant.addOIDCClaims(['email', 'email_verified', 'name', 'groups']);
    await grant.save();
    return grant;
  },
});
provider.listen(port, '127.0.0.1', () => console.log(`oidc-provider listening on ${issuer}`));
