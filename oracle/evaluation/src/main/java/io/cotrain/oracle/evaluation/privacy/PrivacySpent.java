package io.cotrain.oracle.evaluation.privacy;

/**
 * An (epsilon, delta) guarantee read off Renyi differential privacy ({@link RdpAccountant#privacySpent}).
 *
 * @param epsilon the smallest epsilon over the orders at the requested delta, at least 0; infinite when no order
 *                bounds the privacy loss (no noise)
 * @param order   the Renyi order that gave it; NaN when none gave a number
 */
public record PrivacySpent(double epsilon, double order) {}
