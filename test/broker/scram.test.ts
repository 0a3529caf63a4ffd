/** The SCRAM server against RFC 7677's SCRAM-SHA-256 example exchange, and its refusals. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { UserStore } from '../../broker/auth/credentials.ts';
import { ScramServer } from '../../broker/auth/scram.ts';

// RFC 7677 section 3: user "user", password "pencil"
const CLIENT_FIRST = 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO';
const SERVER_NONCE = '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';
const SERVER_FIRST = 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096';
const CLIENT_FINAL =
  'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=';
const SERVER_FINAL = 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=';

function store(): UserStore {
  const users = new UserStore(4096);
  users.add('user', 'pencil', Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'));
  return users;
}

test('RFC 7677 example: the server-first and server-final messages are byte for byte the RFC', () => {
  const s = new ScramServer('sha256', store(), () => SERVER_NONCE);
  const first = s.step(Buffer.from(CLIENT_FIRST));
  assert.ok(first.ok);
  assert.is(first.ok && first.reply.toString(), SERVER_FIRST);
  const final = s.step(Buffer.from(CLIENT_FINAL));
  assert.ok(final.ok && final.done);
  assert.is(final.ok && final.reply.toString(), SERVER_FINAL);
  assert.is(final.ok && final.user, 'user');
});

test('a wrong proof, a wrong nonce, an unknown user and a replayed final are refused', () => {
  const badProof = CLIENT_FINAL.replace('p=dHzb', 'p=eHzb');
  const badNonce = CLIENT_FINAL.replace('hNlF$k0,', 'hNlF$k1,');
  for (const final of [badProof, badNonce]) {
    const s = new ScramServer('sha256', store(), () => SERVER_NONCE);
    s.step(Buffer.from(CLIENT_FIRST));
    assert.not.ok(s.step(Buffer.from(final)).ok, final);
  }
  const stranger = new ScramServer('sha256', store(), () => SERVER_NONCE);
  const first = stranger.step(Buffer.from('n,,n=nobody,r=abc'));
  assert.ok(first.ok, 'an unknown user still gets a challenge');
  const again = new ScramServer('sha256', store(), () => SERVER_NONCE).step(Buffer.from('n,,n=nobody,r=abc'));
  assert.is(first.ok && first.reply.toString(), again.ok && again.reply.toString(), 'with a stable salt');
  assert.not.ok(stranger.step(Buffer.from(`c=biws,r=abc${SERVER_NONCE},p=AAAA`)).ok);
  const done = new ScramServer('sha256', store(), () => SERVER_NONCE);
  done.step(Buffer.from(CLIENT_FIRST));
  assert.ok(done.step(Buffer.from(CLIENT_FINAL)).ok);
  assert.not.ok(done.step(Buffer.from(CLIENT_FINAL)).ok);
  assert.not.ok(new ScramServer('sha256', store()).step(Buffer.from('p=tls-unique,,n=user,r=x')).ok, 'channel binding');
});

test.run();
