package dev.grpcshop.order;

import dev.grpcshop.api.order.v1.Order;

/** A committed change of an order. */
public record OrderChanged(Order order) {
}
