package dev.grpcshop.order;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

@Embeddable
public class OrderLine {

    @Column(nullable = false)
    public String sku;

    @Column(nullable = false)
    public int quantity;

    @Column(name = "unit_price_minor", nullable = false)
    public long unitPriceMinor;
}
