// A third-party OpenID Connect provider (the certified `oidc-provider` package) for the client
// core's tests: Kabinet must sign in to any standards-compliant provider, not only its own
// sandbox. Usage: node provider.mjs [PORT]; prints "issuer URL" once it listens on loopback.
import http from 'node:http';
import Provider from 'oidc-provider';

const server = http.createServer();
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'kabinet-desktop',
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        redirect_uris: ['http://127.0.0.1/callback'],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      },
    ],
    features: { devInteractions: { enabled: true }, revocation: { enabled: true } },
    scopes: ['openid', 'offline_access'],
    claims: { openid: ['sub'] },
    findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id }) }),
  });
  server.on('request', provider.callback());
  console.log(`issuer ${issuer}`);
});
