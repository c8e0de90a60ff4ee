package dev.grpcshop.order;

import dev.grpcshop.platform.stream.StreamsConfig;
import dev.grpcshop.api.order.v1.CancelOrderRequest;
import dev.grpcshop.api.order.v1.CreateOrderRequest;
import dev.grpcshop.api.order.v1.GetOrderRequest;
import dev.grpcshop.api.order.v1.ListOrdersRequest;
import dev.grpcshop.api.order.v1.Order;
import dev.grpcshop.api.order.v1.OrderService;
import dev.grpcshop.api.order.v1.OrderStatus;
import dev.grpcshop.api.order.v1.WatchOrderRequest;
import dev.grpcshop.order.outbox.OutboxDelivery;
import dev.grpcshop.platform.grpc.BlockingWork;
import dev.grpcshop.platform.runtime.Meters;
import dev.grpcshop.platform.stream.PacedStream;
import dev.grpcshop.platform.stream.PageReaders;
import dev.grpcshop.platform.stream.ReplayThenLive;
import dev.grpcshop.platform.error.Violations;
import dev.grpcshop.platform.security.Caller;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** gRPC endpoint of order.v1.OrderService. */
@GrpcService
public class OrderGrpcEndpoint implements OrderService {

    private static final int PAGE_SIZE = 500;

    private final OrderPlacement placement;
    private final OrderBook book;
    private final OrderFeed feed;
    private final OutboxDelivery delivery;
    private final OrdersConfig config;
    private final int maxPending;
    private final AtomicInteger liveWatches;
    private final PageReaders pageReaders;
    private final AtomicInteger liveLists;

    @Inject
    public OrderGrpcEndpoint(OrderPlacement placement, OrderBook book, OrderFeed feed, OutboxDelivery delivery,
            OrdersConfig config, MeterRegistry registry,
            StreamsConfig streams, PageReaders pageReaders) {
        this.placement = placement;
        this.book = book;
        this.feed = feed;
        this.delivery = delivery;
        this.config = config;
        this.maxPending = streams.maxPending();
        this.pageReaders = pageReaders;
        this.liveWatches = Meters.liveStreams(registry, "order.WatchOrder");
        this.liveLists = Meters.liveStreams(registry, "order.ListOrders");
    }

    @Override
    public Uni<Order> createOrder(CreateOrderRequest request) {
        Caller.current().requireActsFor(request.getUserId());
        return BlockingWork.onWorker(() -> OrderMapper.toProto(placement.place(request)));
    }

    @Override
    public Uni<Order> getOrder(GetOrderRequest request) {
        Caller caller = Caller.current();
        return BlockingWork.onWorker(() -> OrderMapper.toProto(ownOrder(caller, request.getOrderId())));
    }

    @Override
    public Uni<Order> cancelOrder(CancelOrderRequest request) {
        Caller caller = Caller.current();
        return BlockingWork.onWorker(() -> {
            OrderBook.Cancellation cancellation = book.cancel(ownOrder(caller, request.getOrderId()).id);
            delivery.deliverSoon(cancellation.next());
            return OrderMapper.toProto(cancellation.order());
        });
    }

    @Override
    public Multi<Order> listOrders(ListOrdersRequest request) {
        int maxLimit = config.list().maxLimit();
        new Violations()
                .userId("user_id", request.getUserId())
                .check(request.getLimit() >= 0 && request.getLimit() <= maxLimit, "limit",
                        "must be between 0 and " + maxLimit)
                .throwIfAny();
        Caller.current().requireActsFor(request.getUserId());
        return PacedStream.<Order> pages(request.getLimit() == 0 ? maxLimit : request.getLimit(), PAGE_SIZE,
                (last, size) -> book.page(request.getUserId(), last, size).stream().map(OrderMapper::toProto).toList(),
                pageReaders, liveLists);
    }

    @Override
    public Multi<Order> watchOrder(WatchOrderRequest request) {
        String orderId = requireOrderId(request.getOrderId());
        Caller caller = Caller.current();
        return PacedStream.<Order> push(maxPending, liveWatches, out -> ReplayThenLive.wire(out,
                consumer -> feed.subscribe(order -> {
                    if (order.getId().equals(orderId)) {
                        consumer.accept(order);
                    }
                }),
                () -> List.of(OrderMapper.toProto(ownOrder(caller, orderId))),
                Order::getVersion,
                // the watch ends once the payment has settled
                order -> order.getStatus() != OrderStatus.ORDER_STATUS_PENDING));
    }

    /** The order, if the caller may see it: PERMISSION_DENIED for another user's order. */
    private OrderEntity ownOrder(Caller caller, String orderId) {
        OrderEntity order = book.get(requireOrderId(orderId));
        caller.requireActsFor(order.userId);
        return order;
    }

    private static String requireOrderId(String orderId) {
        new Violations().key("order_id", orderId).throwIfAny();
        return orderId;
    }
}
