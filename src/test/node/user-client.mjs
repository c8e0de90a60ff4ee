// A UserService client built from proto/ alone, the way a NestJS service loads a contract (@grpc/proto-loader):
// node user-client.mjs <host:port> <bearer token>  ->  one JSON line with each call's answer or status.
// The one Google import (google/rpc/status.proto) comes from npm's google-proto-files.
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const googleProtos = path.dirname(createRequire(import.meta.url).resolve('google-proto-files/package.json'));
const definition = protoLoader.loadSync('user/v1/user.proto', {
  includeDirs: [path.resolve(here, '../../../proto'), googleProtos],
  longs: String, enums: String, defaults: true,
});
const { UserService } = grpc.loadPackageDefinition(definition).user.v1;

const [target, token] = process.argv.slice(2);
const client = new UserService(target, grpc.credentials.createInsecure());
const withToken = new grpc.Metadata();
withToken.set('authorization', `Bearer ${token}`);

// resolves to {ok: message} or {code: 'NOT_FOUND', details: '...'}
const call = (method, request, metadata = withToken) => new Promise((resolve) =>
  client[method](request, metadata, { deadline: Date.now() + 10_000 }, (error, response) =>
    resolve(error ? { code: grpc.status[error.code], details: error.details } : { ok: response })));

const email = `node.${Date.now()}@example.com`;
const created = await call('CreateUser', { name: 'Node Client', email });
const read = created.ok ? await call('GetUser', { id: created.ok.id }) : created;
const missing = await call('GetUser', { id: '999999999' });
const invalid = await call('CreateUser', { name: '', email: 'not-an-email' });
const anonymous = await call('GetUser', { id: '1' }, new grpc.Metadata());
console.log(JSON.stringify({ email, created, read, missing, invalid, anonymous }));
client.close();
