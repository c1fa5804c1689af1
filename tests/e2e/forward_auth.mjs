// tests/e2e/forward_auth.mjs - forward-auth in a real browser behind a real nginx.
//
// Starts its own sekishod (config file in a fresh temp dir: [forward_auth]
// with cookie_domain example.test and five rules) and Debian's nginx with
// three server blocks: the portal auth.example.test proxied to sekishod,
// app.example.test and intranet.example.test protected by auth_request, and
// a small upstream that echoes the Remote-User and Remote-Groups it gets.
// Chromium maps *.example.test to 127.0.0.1, so cookies with
// Domain=example.test work as in production.  Checks, with a screenshot of
// each page in tests/e2e/artifacts/fa-*.png:
//   - a bypass path needs no sign-in, and a client's own Remote-User header
//     never reaches the application;
//   - a signed-out visit lands on the portal's login page with rd, and after
//     sign-in (and the forced password change) the browser is back on the
//     application, which sees the user and the role;
//   - a deny rule and a rule limited to other networks give 403, signed in;
//   - a two_factor path with a one-factor session goes to /login/stepup,
//     which tells a user without a device to add one; with a device the
//     step-up takes a code and returns to the application;
//   - rd outside the cookie domain is never followed (signed in or not);
//   - sign-out ends the session for the applications at once, even for a
//     copy of the old cookie while cache_ttl (300 s here) has not run out;
//   - an account with TOTP signs in with a code and passes the two_factor rule;
//   - the denials are in the audit log (sekisho audit export), with the user;
//   - paths that nginx and the application normalise (dot segments,
//     percent-encoding, double slashes) cannot slip past a rule.
// Exits non-zero on the first failed expectation.
//
//   SEKISHOD=build/sekishod SEKISHO=build/sekisho node tests/e2e/forward_auth.mjs
import { chromium } from 'playwright-core';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

const here = dirname(fileURLToPath(import.meta.url));
const artifacts = join(here, 'artifacts');
mkdirSync(artifacts, { recursive: true });
const sekishod = process.env.SEKISHOD || join(here, '../../build/sekishod');
const sekisho = process.env.SEKISHO || join(dirname(sekishod), 'sekisho');
const dir = mkdtempSync(join(tmpdir(), 'sekisho-e2e-fa-'));
const procs = [];
let browser, checks = 0, last = 'start';

function ok(cond, what) { assert.ok(cond, what); checks++; last = what; }

function totp(key, at) {
  return execFileSync('oathtool', ['--totp', '-b', '--now', '@' + at, key]).toString().trim();
}
const now = () => Math.floor(Date.now() / 1000);

function cli(args, input) {
  return execFileSync(sekisho, ['--config', join(dir, 's.conf'), ...args],
                      { input: input ?? '', stdio: ['pipe', 'pipe', 'pipe'] }).toString();
}

// A loopback port nobody listens on now (the kernel's choice).
function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

// Starts a program; resolves once its output matches ready (or, when ready is a
// port number, once that port accepts connections); rejects when it exits or
// after 30 s.
function start(name, file, args, ready) {
  return new Promise((resolve, reject) => {
    const p = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    procs.push(p);
    let out = '', done = false;
    const finish = (err) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      err ? reject(err) : resolve({ proc: p, out: () => out });
    };
    const timer = setTimeout(() => finish(new Error(`${name} not ready in 30 s: ${out}`)), 30000);
    p.stdout.on('data', d => { out += d; if (typeof ready !== 'number' && ready.test(out)) finish(); });
    p.stderr.on('data', d => { out += d; });
    p.on('exit', code => finish(new Error(`${name} exited (${code}): ${out}`)));
    if (typeof ready === 'number') {
      const attempt = () => {
        if (done) return;
        const c = connect(ready, '127.0.0.1');
        c.on('connect', () => { c.destroy(); finish(); });
        c.on('error', () => { c.destroy(); setTimeout(attempt, 50); });
      };
      attempt();
    }
  });
}

// A raw GET through nginx (exactly this path, no normalisation by a client).
function get(port, host, path, cookie, extra = {}) {
  return new Promise((resolve, reject) => {
    const headers = { ...extra, Host: host };
    if (cookie) headers.Cookie = cookie;
    const rq = httpRequest({ host: '127.0.0.1', port, path, headers, agent: false }, res => {
      let body = '';
      res.on('data', d => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    rq.on('error', reject);
    rq.setTimeout(10000, () => rq.destroy(new Error(`GET ${host}${path}: no answer in 10 s`)));
    rq.end();
  });
}

async function shot(page, name) {
  await page.screenshot({ path: join(artifacts, 'fa-' + name + '.png'), fullPage: true });
}

async function submit(page) {
  await Promise.all([page.waitForLoadState('load'), page.click('#submit')]);
}

async function fillLogin(page, user, password) {
  await page.fill('#username', user);
  await page.fill('#password', password);
  await submit(page);
}

async function changePassword(page, current, next) {
  await page.fill('#current_password', current);
  await page.fill('#new_password', next);
  await page.fill('#confirm_password', next);
  await submit(page);
}

async function main() {
  const [sp, np, up] = [await freePort(), await freePort(), await freePort()];
  const portal = `http://auth.example.test:${np}`;
  const app = `http://app.example.test:${np}`;
  const intranet = `http://intranet.example.test:${np}`;
  const loginUrl = rd => `${portal}/login?rd=${encodeURIComponent(rd)}`;

  writeFileSync(join(dir, 's.conf'), `
[storage]
database = ${dir}/sekisho.db
key_file = ${dir}/sekisho.key
[mfa]
required = optional
[server]
trusted_proxies = 127.0.0.1
[forward_auth]
portal_url = ${portal}
cookie_domain = example.test
; long enough that a sign-out can only take effect by invalidation
cache_ttl = 300
[rule public]
host = app.example.test
path = /public*
policy = bypass
[rule admin]
host = app.example.test
path = /admin*
policy = two_factor
[rule forbidden]
host = app.example.test
path = /forbidden*
policy = deny
[rule intranet]
host = intranet.example.test
policy = one_factor
networks = 10.0.0.0/8
[rule apps]
host = *.example.test
policy = one_factor
`);
  mkdirSync(join(dir, 'nginx'));
  writeFileSync(join(dir, 'nginx.conf'), `
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log info;
events { worker_connections 256; }
http {
  access_log ${dir}/nginx-access.log;
  client_body_temp_path ${dir}/nginx/body;
  proxy_temp_path ${dir}/nginx/proxy;
  fastcgi_temp_path ${dir}/nginx/fastcgi;
  uwsgi_temp_path ${dir}/nginx/uwsgi;
  scgi_temp_path ${dir}/nginx/scgi;
  upstream sekisho { server 127.0.0.1:${sp}; keepalive 8; }

  # The portal.
  server {
    listen 127.0.0.1:${np};
    server_name auth.example.test;
    location / {
      proxy_pass http://sekisho;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $remote_addr;
    }
  }

  # The protected applications.
  server {
    listen 127.0.0.1:${np};
    server_name app.example.test intranet.example.test;
    location / {
      auth_request /_sekisho;
      auth_request_set $redirect $upstream_http_location;
      auth_request_set $sekisho_user $upstream_http_remote_user;
      auth_request_set $sekisho_groups $upstream_http_remote_groups;
      error_page 401 =302 $redirect;
      proxy_pass http://127.0.0.1:${up};
      proxy_set_header Remote-User $sekisho_user;
      proxy_set_header Remote-Groups $sekisho_groups;
    }
    location = /_sekisho {
      internal;
      proxy_pass http://sekisho/auth/verify;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Original-URL $scheme://$http_host$request_uri;
      proxy_set_header X-Forwarded-For $remote_addr;
    }
  }

  # The application itself: says whom nginx said it serves.
  server {
    listen 127.0.0.1:${up};
    location / {
      default_type text/plain;
      return 200 "upstream page for $http_remote_user ($http_remote_groups) at $uri\\n";
    }
  }
}
`);

  await start('sekishod', sekishod, ['--config', join(dir, 's.conf'), '--port', String(sp)], /listening on/);
  await start('nginx', '/usr/sbin/nginx', ['-p', dir, '-e', join(dir, 'nginx-error.log'),
                                           '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], np);
  ok(true, 'sekishod and nginx started');
  cli(['user', 'add', 'kenji', '--password-stdin'], 'Hashi-no-Ue-55b\n');
  cli(['user', 'add', 'yuki', '--password-stdin'], 'Hashi-no-Ue-55b\n');

  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
           '--disable-component-update', '--no-first-run', '--disable-sync',
           '--host-resolver-rules=MAP *.example.test 127.0.0.1'],
  });
  const newContext = () => browser.newContext({ locale: 'en-US', viewport: { width: 480, height: 800 } });
  const ctx = await newContext();
  const page = await ctx.newPage();

  // A bypass path: no sign-in.
  let r = await page.goto(`${app}/public/index.html`);
  ok(r.status() === 200 && page.url() === `${app}/public/index.html`, 'bypass rule: no sign-in');
  ok((await page.textContent('body')).includes('upstream page for  () at /public/index.html'),
     'bypass rule: the upstream answers, with no user');
  await shot(page, '01-public');
  r = await get(np, `app.example.test:${np}`, '/public/index.html', null,
                { 'Remote-User': 'admin', 'Remote-Groups': 'admin' });
  ok(r.status === 200 && r.body.includes('upstream page for  () at'),
     `a Remote-User sent by the client never reaches the application (${r.body.trim()})`);

  // Signed out: to the portal's login, with the original URL as rd.
  await page.goto(`${app}/hello?x=1&y=%2F`);
  ok(page.url() === loginUrl(`${app}/hello?x=1&y=%2F`), `signed out: the login page with rd (${page.url()})`);
  ok(await page.locator('#username').count() === 1, 'the login form is shown');
  await shot(page, '02-login');

  // Sign-in, the forced change of the issued password, and back to the application.
  await fillLogin(page, 'kenji', 'Hashi-no-Ue-55b');
  ok(page.url() === `${portal}/login/password`, 'issued password: the forced change');
  await shot(page, '03-change-password');
  await changePassword(page, 'Hashi-no-Ue-55b', 'Nami-no-Oto-29c');
  ok(page.url() === `${app}/hello?x=1&y=%2F`, `after sign-in: back at the application (${page.url()})`);
  ok((await page.textContent('body')).includes('upstream page for kenji (user) at /hello'),
     'the application sees Remote-User kenji, Remote-Groups user');
  await shot(page, '04-app-signed-in');
  const session = (await ctx.cookies()).find(c => c.name === 'sekisho_dev_session');
  ok(session && session.domain === '.example.test' && session.httpOnly,
     'one session cookie for every subdomain (Domain=example.test, HttpOnly)');

  // A deny rule, and a rule for other networks: 403 although signed in.
  r = await page.goto(`${app}/forbidden/report`);
  ok(r.status() === 403 && page.url() === `${app}/forbidden/report`, 'deny rule: 403');
  await shot(page, '05-forbidden');
  r = await page.goto(`${intranet}/`);
  ok(r.status() === 403, 'rule for 10.0.0.0/8, client 127.0.0.1: 403 even signed in');
  await shot(page, '06-intranet');

  // two_factor with a one-factor session: the step-up page, which asks for a device.
  r = await page.goto(`${app}/admin/users`);
  ok(page.url() === `${portal}/login/stepup?rd=${encodeURIComponent(`${app}/admin/users`)}`,
     `two_factor, one-factor session: sent to /login/stepup (${page.url()})`);
  ok(r.status() === 403 && (await page.textContent('body')).includes('has no authenticator yet'),
     'step-up without a device: told to add one');
  await shot(page, '07-stepup-no-device');

  // rd outside the cookie domain: never followed.
  await page.goto(loginUrl('https://evil.test/'));
  ok(page.url() === `${portal}/account`, `signed in, rd=https://evil.test/: the account page (${page.url()})`);
  await shot(page, '08-rd-evil-signed-in');
  {
    const c2 = await newContext();
    const p2 = await c2.newPage();
    await p2.goto(loginUrl('https://app.example.test.evil.test/'));
    await fillLogin(p2, 'kenji', 'Nami-no-Oto-29c');
    ok(p2.url() === `${portal}/account`, `signed out, rd to a look-alike domain: the account page after sign-in (${p2.url()})`);
    await shot(p2, '09-rd-evil-signed-out');
    await c2.close();
  }

  // Sign-out: the applications stop at once, for this browser and for a copy of
  // its old cookie (which the loops' caches had seen: cache_ttl is 300 s).
  const oldCookie = `sekisho_dev_session=${session.value}`;
  for (let i = 0; i < 3; i++) {
    r = await get(np, `app.example.test:${np}`, '/hello', oldCookie);
    ok(r.status === 200 && r.body.includes('upstream page for kenji (user)'), `old cookie before sign-out (${i + 1})`);
  }
  await page.goto(`${portal}/account`);
  await Promise.all([page.waitForLoadState('load'), page.click('#logout')]);
  await shot(page, '10-signed-out');
  await page.goto(`${app}/hello`);
  ok(page.url() === loginUrl(`${app}/hello`), 'after sign-out: the application sends the browser to the login again');
  for (let i = 0; i < 3; i++) {
    r = await get(np, `app.example.test:${np}`, '/hello', oldCookie);
    ok(r.status === 302 && r.headers.location === loginUrl(`${app}/hello`),
       `the ended session's cookie: to the login at once, not from the cache (${r.status})`);
  }

  // An account with TOTP: the code at sign-in, then the two_factor path passes.
  const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
  let t = now(), ycookie;
  cli(['mfa', 'add', 'yuki', '--type', 'totp-token', '--name', 'desk-token'],
      `${secret}\n${totp(secret, t - 30)}\n${totp(secret, t)}\n`);
  {
    const c3 = await newContext();
    const p3 = await c3.newPage();
    await p3.goto(`${app}/admin/users`);
    ok(p3.url() === loginUrl(`${app}/admin/users`), 'yuki, signed out: the login page with rd');
    await fillLogin(p3, 'yuki', 'Hashi-no-Ue-55b');
    ok(p3.url() === `${portal}/login/mfa`, 'yuki has a device: the one-time code first');
    await shot(p3, '11-mfa');
    await p3.fill('#code', totp(secret, now() + 30));
    await submit(p3);
    ok(p3.url() === `${portal}/login/password`, 'then the forced change of the issued password');
    await changePassword(p3, 'Hashi-no-Ue-55b', 'Kawa-no-Nagare-77q');
    ok(p3.url() === `${app}/admin/users`, `after the code and the change: back at the two_factor path (${p3.url()})`);
    ok((await p3.textContent('body')).includes('upstream page for yuki (user) at /admin/users'),
       'two_factor rule passes with a two-factor session');
    await shot(p3, '12-admin-two-factor');
    ycookie = `sekisho_dev_session=${(await c3.cookies()).find(x => x.name === 'sekisho_dev_session').value}`;
    await c3.close();
  }

  // Step-up: kenji signs in with the password only, then gets a device; the
  // two_factor path asks for a code on the step-up page and comes back.
  {
    const c4 = await newContext();
    const p4 = await c4.newPage();
    await p4.goto(`${app}/hello`);
    await fillLogin(p4, 'kenji', 'Nami-no-Oto-29c');
    ok(p4.url() === `${app}/hello`, 'kenji signed in again (one factor)');
    const ksecret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    t = now();
    cli(['mfa', 'add', 'kenji', '--type', 'totp-token', '--name', 'phone'],
        `${ksecret}\n${totp(ksecret, t - 30)}\n${totp(ksecret, t)}\n`);
    await p4.goto(`${app}/admin/users`);
    ok(p4.url() === `${portal}/login/stepup?rd=${encodeURIComponent(`${app}/admin/users`)}`,
       'one-factor session with a device: the step-up page');
    ok(await p4.locator('#code').count() === 1, 'the step-up page asks for a code');
    await shot(p4, '13-stepup');
    await p4.fill('#code', '000000');
    await submit(p4);
    ok(p4.url() === `${portal}/login/stepup` && (await p4.textContent('#error')).length > 0,
       'a wrong step-up code is refused');
    await p4.fill('#code', totp(ksecret, now() + 30));
    await submit(p4);
    ok(p4.url() === `${app}/admin/users`, `after the step-up: back at the application (${p4.url()})`);
    ok((await p4.textContent('body')).includes('upstream page for kenji (user) at /admin/users'),
       'two_factor rule passes after the step-up');
    await shot(p4, '14-admin-after-stepup');
    await c4.close();
  }

  // The rest are independent of each other: every one runs, and the test fails
  // at the end listing all that did not hold.
  const failed = [];
  const expect = (cond, what) => { if (cond) { checks++; last = what; } else failed.push(what); };

  // The denials are audited (default audit = denied).
  const events = cli(['audit', 'export']).trim().split('\n').map(l => JSON.parse(l))
    .filter(e => e.action === 'forward_auth.check');
  const seen = JSON.stringify(events.map(e => [e.actor, e.target, e.result, e.detail]));
  expect(events.some(e => e.result === 'deny' && e.detail === `${app}/forbidden/report` && e.addr === '127.0.0.1'),
         'audit: the deny rule\'s refusal, with the URL and the client address');
  expect(events.some(e => e.result === 'deny' && e.detail === `${intranet}/`), 'audit: the network rule\'s refusal');
  expect(events.length > 0 && events.every(e => e.result === 'deny'), 'audit = denied records refusals only');
  expect(events.some(e => e.result === 'deny' && e.detail === `${intranet}/` && e.actor === 'kenji'),
         `audit: a refusal names the signed-in user it refused (events: ${seen})`);
  expect(events.some(e => e.detail === `${app}/forbidden/report` && e.target === `app.example.test:${np}`),
         `audit: the target is the application's host (events: ${seen})`);

  // Paths the application normalises must be decided as it will see them:
  // "/public/../admin" is /admin to nginx and to the upstream, not /public.
  for (const path of ['/public/../admin/users', '/public/%2e%2e/admin/users', '/public/..%2Fforbidden/report',
                      '/public/./../forbidden/report']) {
    r = await get(np, `app.example.test:${np}`, path);
    expect(r.status !== 200, `signed out, ${path}: must not be served (got ${r.status}: ${r.body.trim().slice(0, 60)})`);
  }
  for (const path of ['//forbidden/report', '/%66orbidden/report', '/public/../forbidden/report']) {
    r = await get(np, `app.example.test:${np}`, path, ycookie);
    expect(r.status === 403, `signed in, ${path}: the deny rule must apply (got ${r.status}: ${r.body.trim().slice(0, 60)})`);
  }
  assert.ok(failed.length === 0, `${failed.length} expectation(s) failed:\n  - ${failed.join('\n  - ')}`);

  console.log(`e2e forward_auth: ${checks} checks passed; screenshots in tests/e2e/artifacts/fa-*.png`);
}

main().then(() => 0, e => {
  console.error(`e2e forward_auth FAILED after ${checks} checks (last passed: ${last}): ${e.message}`);
  for (const f of ['nginx-error.log']) {
    const p = join(dir, f);
    if (existsSync(p)) console.error(`--- ${f} (tail)\n` + readFileSync(p, 'utf8').split('\n').slice(-15).join('\n'));
  }
  return 1;
}).then(async code => {
  if (browser) await browser.close();
  for (const p of procs) if (p.exitCode === null) p.kill('SIGTERM');
  await Promise.all(procs.map(p => p.exitCode !== null ? null : new Promise(res => p.on('exit', res))));
  rmSync(dir, { recursive: true, force: true });
  process.exit(code);
});
