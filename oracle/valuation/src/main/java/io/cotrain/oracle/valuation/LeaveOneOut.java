package io.cotrain.oracle.valuation;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Leave-one-out values per held-out row: the utility of the whole round's aggregate minus that of the aggregate
 * without the player. {@code n + 1} evaluations. The baseline the other estimators are measured against: similar
 * updates hide each other (taking one out of many changes little), so a value is often a sliver of noise.
 */
public final class LeaveOneOut {

    private LeaveOneOut() {}

    /**
     * @param players the number of players, at least 1
     * @param game the game
     * @return every player's value (exact: no sampling)
     */
    public static PlayerValues estimate(int players, CoalitionGame game) {
        if (players < 1) throw new IllegalArgumentException("no players");
        BitSet everyone = new BitSet();
        everyone.set(0, players);
        double[] whole = game.utility(everyone);
        double[][] rowValues = new double[players][];
        List<PlayerValue> values = new ArrayList<>(players);
        for (int i = 0; i < players; i++) {
            BitSet without = (BitSet) everyone.clone();
            without.clear(i);
            double[] rest = game.utility(without);
            rowValues[i] = new double[whole.length];
            for (int row = 0; row < whole.length; row++) rowValues[i][row] = whole[row] - rest[row];
            values.add(PlayerValue.of(rowValues[i]));
        }
        return new PlayerValues(List.copyOf(values), rowValues, players + 1, true);
    }
}
