package io.cotrain.contracts;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.web3j.tuples.generated.Tuple2;

/** Reads all of a model's commit ids from the model registry's paged {@code commitsOf} view. */
public final class CommitPages {
    /** One {@code commitsOf(modelId, offset, limit)} call: the page's ids and the model's commit count. */
    @FunctionalInterface
    public interface Page {
        Tuple2<List<BigInteger>, BigInteger> read(BigInteger offset, BigInteger limit);
    }

    private CommitPages() {}

    /**
     * @param page reads one page, the caller's way (retries, error mapping)
     * @param pageSize ids per call
     * @return every commit id, in the order the registry recorded them
     */
    public static List<BigInteger> all(Page page, int pageSize) {
        List<BigInteger> ids = new ArrayList<>();
        BigInteger total;
        do {
            var read = page.read(BigInteger.valueOf(ids.size()), BigInteger.valueOf(pageSize));
            total = read.component2();
            if (read.component1().isEmpty()) break;
            ids.addAll(read.component1());
        } while (BigInteger.valueOf(ids.size()).compareTo(total) < 0);
        return ids;
    }
}
