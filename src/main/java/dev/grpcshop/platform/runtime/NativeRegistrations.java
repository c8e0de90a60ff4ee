package dev.grpcshop.platform.runtime;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Native image: the google.rpc error-detail messages come from a library jar, so quarkus-grpc does not
 * register them (quarkus#47936), and protobuf reaches their accessors reflectively. Without this, the
 * native executable answered INTERNAL instead of INVALID_ARGUMENT with a BadRequest (found by running
 * PackagedOrderFlowIT against a native build).
 */
@RegisterForReflection(methods = true, fields = true, targets = {
        com.google.rpc.Status.class, com.google.rpc.Status.Builder.class,
        com.google.rpc.BadRequest.class, com.google.rpc.BadRequest.Builder.class,
        com.google.rpc.BadRequest.FieldViolation.class, com.google.rpc.BadRequest.FieldViolation.Builder.class,
        com.google.rpc.ErrorInfo.class, com.google.rpc.ErrorInfo.Builder.class,
        com.google.rpc.ResourceInfo.class, com.google.rpc.ResourceInfo.Builder.class,
        com.google.protobuf.Any.class, com.google.protobuf.Any.Builder.class })
final class NativeRegistrations {

    private NativeRegistrations() {
    }
}
