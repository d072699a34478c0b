package io.cotrain.oracle.valuation;

import java.util.List;

/**
 * What an estimator found for a round's players.
 *
 * @param values each player's value, by player index
 * @param rowValues each player's value on each held-out row
 * @param evaluations coalition evaluations made
 * @param exact whether the values are exact (a small round valued over every coalition) or estimated
 */
public record PlayerValues(List<PlayerValue> values, double[][] rowValues, int evaluations, boolean exact) {}
