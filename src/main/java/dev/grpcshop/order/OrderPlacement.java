package dev.grpcshop.order;

import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import dev.grpcshop.api.order.v1.CreateOrderRequest;
import dev.grpcshop.api.order.v1.LineItem;
import dev.grpcshop.order.clients.UserClient;
import dev.grpcshop.order.outbox.OutboxDelivery;
import dev.grpcshop.platform.error.DuplicateKey;
import dev.grpcshop.platform.error.ApiError;
import dev.grpcshop.platform.error.Currencies;
import dev.grpcshop.platform.grpc.Hashing;
import dev.grpcshop.platform.error.Violations;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * CreateOrder: validate, check the user (UserService), store the order PENDING with its CHARGE entry (or find the
 * order stored under the same idempotency key, in the same transaction), and charge it (PaymentService) at once.
 * If PaymentService cannot be reached, the order is returned PENDING and the outbox relay charges it later under
 * the same idempotency key. Blocking; runs on worker threads.
 */
@ApplicationScoped
public class OrderPlacement {

    static final int MAX_SKU_LENGTH = 64;
    // Keeps every total far below Long.MAX_VALUE: 10^12 minor units per unit price.
    static final long MAX_UNIT_PRICE_MINOR = 1_000_000_000_000L;

    @Inject
    OrderBook book;
    @Inject
    UserClient users;
    @Inject
    OutboxDelivery delivery;
    @Inject
    OrdersConfig config;

    public OrderEntity place(CreateOrderRequest request) {
        long total = validate(request);
        String fingerprint = Hashing.fingerprint(request);
        try {
            users.requireActiveUser(request.getUserId());
        } catch (RuntimeException refused) {
            // A retry of an order placed before the user was suspended (or while UserService is down) gets its order.
            OrderEntity first = book.findByKey(request.getIdempotencyKey()).orElseThrow(() -> refused);
            return sameRequest(first, fingerprint);
        }
        OrderBook.Created created;
        try {
            created = book.findOrCreatePending(request, fingerprint, total);
        } catch (DuplicateKey raced) {
            return sameRequest(book.findByKey(request.getIdempotencyKey()).orElseThrow(), fingerprint);
        }
        if (created.charge() == null) {
            return sameRequest(created.order(), fingerprint);
        }
        delivery.charge(created.charge());
        return book.get(created.order().id); // settled, or PENDING for the outbox to charge later
    }

    /** Checks every field and returns the order total in minor units. */
    private long validate(CreateOrderRequest request) {
        Violations violations = new Violations()
                .userId("user_id", request.getUserId())
                .key("idempotency_key", request.getIdempotencyKey())
                .key("card_token", request.getCardToken());
        Currencies.check(violations, "currency", request.getCurrency());
        int maxItems = config.maxItems();
        if (request.getItemsCount() == 0) {
            violations.add("items", "must contain at least one item");
        } else if (request.getItemsCount() > maxItems) {
            violations.add("items", "must contain at most " + maxItems + " items");
        }
        long total = 0;
        for (int i = 0; i < Math.min(request.getItemsCount(), maxItems); i++) {
            LineItem item = request.getItems(i);
            String field = "items[" + i + "]";
            violations.text(field + ".sku", item.getSku(), MAX_SKU_LENGTH)
                    .check(item.getQuantity() > 0 && item.getQuantity() <= config.maxQuantity(), field + ".quantity",
                            "must be between 1 and " + config.maxQuantity())
                    .check(item.getUnitPriceMinor() > 0 && item.getUnitPriceMinor() <= MAX_UNIT_PRICE_MINOR,
                            field + ".unit_price_minor", "must be between 1 and " + MAX_UNIT_PRICE_MINOR);
            if (item.getQuantity() > 0 && item.getUnitPriceMinor() > 0) {
                total += (long) item.getQuantity() * Math.min(item.getUnitPriceMinor(), MAX_UNIT_PRICE_MINOR);
            }
        }
        violations.throwIfAny();
        return total;
    }

    private static OrderEntity sameRequest(OrderEntity first, String fingerprint) {
        if (!first.requestFingerprint.equals(fingerprint)) {
            throw ApiError.of(Code.ALREADY_EXISTS, "idempotency key already used for a different order",
                    ErrorInfo.newBuilder().setReason("IDEMPOTENCY_KEY_REUSED").setDomain(ApiError.DOMAIN)
                            .putMetadata("order_id", first.id).build());
        }
        return first; // a retry of the first request: the same order, never a second one
    }
}
