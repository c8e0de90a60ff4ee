// The NestJS baseline of src/bench/h2load-unary.sh: user.v1 GetUser, CreateUser and ListUsers served by NestJS's
// gRPC transport (@grpc/grpc-js underneath) from an in-memory map, as the stack our users come from would serve
// them. Not part of the product. Usage: node server.mjs PORT   (after npm ci in this folder)
// Plain JavaScript, so the Nest decorators are applied as functions instead of with @ syntax.
import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { GrpcMethod, RpcException, Transport } from '@nestjs/microservices';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { from } from 'rxjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const googleProtos = path.dirname(createRequire(import.meta.url).resolve('google-proto-files/package.json'));
const NOT_FOUND = 5;

class UsersController {
  users = new Map(); // id (a decimal string, as proto-loader gives int64) -> User, in id order
  lastId = 0;

  getUser({ id }) {
    const user = this.users.get(id);
    if (!user) {
      throw new RpcException({ code: NOT_FOUND, message: `user ${id} not found` });
    }
    return user;
  }

  createUser({ name, email }) {
    const now = Date.now();
    const at = { seconds: String(Math.floor(now / 1000)), nanos: (now % 1000) * 1e6 };
    const user = { id: String(++this.lastId), name, email, status: 'USER_STATUS_ACTIVE', createdAt: at, updatedAt: at };
    this.users.set(user.id, user);
    return user;
  }

  listUsers({ limit, afterId }) {
    const after = Number(afterId || 0);
    const page = [];
    for (const user of this.users.values()) {
      if (Number(user.id) > after) {
        page.push(user);
        if (limit > 0 && page.length === limit) {
          break;
        }
      }
    }
    return from(page); // an Observable: Nest writes each item to the response stream
  }
}
for (const [method, rpc] of [['getUser', 'GetUser'], ['createUser', 'CreateUser'], ['listUsers', 'ListUsers']]) {
  GrpcMethod('UserService', rpc)(UsersController.prototype, method,
    Object.getOwnPropertyDescriptor(UsersController.prototype, method));
}
Controller()(UsersController);

class AppModule {}
Module({ controllers: [UsersController] })(AppModule);

const app = await NestFactory.createMicroservice(AppModule, {
  transport: Transport.GRPC,
  logger: ['error', 'warn'],
  options: {
    url: `127.0.0.1:${process.argv[2]}`,
    package: 'user.v1',
    protoPath: 'user/v1/user.proto',
    loader: { includeDirs: [path.resolve(here, '../../../proto'), googleProtos], longs: String, enums: String },
  },
});
await app.listen();
console.log(`NestJS UserService on ${process.argv[2]}`);
