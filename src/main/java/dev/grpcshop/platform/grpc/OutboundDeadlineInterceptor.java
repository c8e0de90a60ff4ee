package dev.grpcshop.platform.grpc;

import dev.grpcshop.platform.runtime.ServiceRole;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.MethodDescriptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Gives every outbound call a deadline counted from the call itself (quarkus.grpc.clients.*.deadline
 * counts from the stub's creation, quarkus#41947), never later than the deadline of the incoming call
 * being served, so a caller's budget is not exceeded downstream.
 */
@GlobalInterceptor
@ApplicationScoped
public class OutboundDeadlineInterceptor implements ClientInterceptor {

    @Inject
    ClientsConfig config;

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        Deadline deadline = Deadline.after(timeoutFor(method.getServiceName()).toMillis(), TimeUnit.MILLISECONDS);
        Deadline incoming = Context.current().getDeadline();
        if (incoming != null) {
            deadline = deadline.minimum(incoming);
        }
        if (options.getDeadline() != null) {
            deadline = deadline.minimum(options.getDeadline());
        }
        return next.newCall(method, options.withDeadline(deadline));
    }

    private Duration timeoutFor(String service) {
        return ServiceRole.ofGrpcService(service).map(role -> switch (role) {
            case USER -> config.userDeadline();
            case PAYMENT -> config.paymentDeadline();
            case NOTIFICATION -> config.notificationDeadline();
            default -> config.defaultDeadline();
        }).orElse(config.defaultDeadline());
    }
}
