package dev.grpcshop.support;

import dev.grpcshop.api.notification.v1.ListNotificationsRequest;
import dev.grpcshop.api.notification.v1.Notification;
import dev.grpcshop.api.notification.v1.NotificationServiceGrpc;
import dev.grpcshop.api.order.v1.CreateOrderRequest;
import dev.grpcshop.api.order.v1.LineItem;
import dev.grpcshop.api.order.v1.OrderServiceGrpc;
import dev.grpcshop.api.payment.v1.PaymentServiceGrpc;
import dev.grpcshop.api.user.v1.CreateUserRequest;
import dev.grpcshop.api.user.v1.UserServiceGrpc;
import io.grpc.ManagedChannel;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** Blocking stubs of all four services over one real channel, and builders for typical requests. */
public final class Shop implements AutoCloseable {

    public final ManagedChannel channel;
    public final UserServiceGrpc.UserServiceBlockingStub users;
    public final OrderServiceGrpc.OrderServiceBlockingStub orders;
    public final PaymentServiceGrpc.PaymentServiceBlockingStub payments;
    public final NotificationServiceGrpc.NotificationServiceBlockingStub notifications;

    public Shop(ManagedChannel channel) {
        this.channel = channel;
        this.users = UserServiceGrpc.newBlockingStub(channel);
        this.orders = OrderServiceGrpc.newBlockingStub(channel);
        this.payments = PaymentServiceGrpc.newBlockingStub(channel);
        this.notifications = NotificationServiceGrpc.newBlockingStub(channel);
    }

    public static Shop connect() {
        return new Shop(GrpcTestSupport.channel());
    }

    /** A new active user with a unique email. */
    public long newUser() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        return users.createUser(CreateUserRequest.newBuilder().setName("Buyer " + tag)
                .setEmail("buyer." + tag + "@shop.example.com").build()).getId();
    }

    /** An order of two lines (2 x 12.50 + 1 x 5.00 = 30.00 EUR) paid with {@code cardToken}. */
    public static CreateOrderRequest order(long userId, String cardToken) {
        return CreateOrderRequest.newBuilder()
                .setUserId(userId)
                .setCurrency("EUR")
                .setIdempotencyKey(UUID.randomUUID().toString())
                .setCardToken(cardToken)
                .addItems(LineItem.newBuilder().setSku("BOOK-1").setQuantity(2).setUnitPriceMinor(1250))
                .addItems(LineItem.newBuilder().setSku("PEN-7").setQuantity(1).setUnitPriceMinor(500))
                .build();
    }

    public List<Notification> notificationsOf(long userId) {
        List<Notification> all = new ArrayList<>();
        notifications.listNotifications(ListNotificationsRequest.newBuilder().setUserId(userId).build())
                .forEachRemaining(all::add);
        return all;
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
