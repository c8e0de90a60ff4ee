package dev.grpcshop.platform.grpc;

import dev.grpcshop.platform.runtime.ServiceRoles;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Answers UNIMPLEMENTED for the services this instance does not run (see {@link ServiceRoles}). */
@GlobalInterceptor
@ApplicationScoped
public class ServiceRolesInterceptor implements ServerInterceptor {

    @Inject
    ServiceRoles roles;

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String service = call.getMethodDescriptor().getServiceName();
        if (roles.serves(service)) {
            return next.startCall(call, headers);
        }
        call.close(Status.UNIMPLEMENTED.withDescription(service + " does not run on this instance (app.services)"),
                new Metadata());
        return new ServerCall.Listener<>() {
        };
    }
}
