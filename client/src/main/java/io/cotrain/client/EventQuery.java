package io.cotrain.client;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.datatypes.Event;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.utils.Numeric;

/**
 * Which logs to read: the contracts that emitted them and, per topic position, the values allowed (empty: any).
 * Immutable; each method returns a narrower query.
 *
 * @param addresses the emitting contracts
 * @param topics per position, the values any of which matches; an empty list matches anything
 */
public record EventQuery(List<String> addresses, List<List<String>> topics) {
    public EventQuery {
        if (addresses.isEmpty()) throw new IllegalArgumentException("an event query needs at least one address");
        addresses = List.copyOf(addresses);
        topics = topics.stream().map(List::copyOf).toList();
    }

    /**
     * @param events the events to read, any of which matches (topic 0)
     * @param addresses the contracts that emit them
     * @return the query
     */
    public static EventQuery of(List<Event> events, String... addresses) {
        List<String> signatures = events.stream().map(EventEncoder::encode).toList();
        return new EventQuery(Arrays.asList(addresses), List.of(signatures));
    }

    /**
     * @param values the values the next indexed argument may take, any of which matches
     * @return this query narrowed on the next topic position
     */
    public EventQuery indexed(BigInteger... values) {
        if (values.length == 0) {
            // an empty position would match anything: a query for no ids must not become one for all
            throw new IllegalArgumentException("indexed() needs at least one value; use anyIndexed() to match any");
        }
        List<List<String>> narrowed = new ArrayList<>(topics);
        narrowed.add(Arrays.stream(values)
                .map(value -> Numeric.toHexStringWithPrefixZeroPadded(value, 64))
                .toList());
        return new EventQuery(addresses, narrowed);
    }

    /** @return this query with the next indexed argument left open */
    public EventQuery anyIndexed() {
        List<List<String>> widened = new ArrayList<>(topics);
        widened.add(List.of());
        return new EventQuery(addresses, widened);
    }

    /** @return the JSON-RPC filter for blocks {@code from..to}, both included */
    EthFilter filter(BigInteger from, BigInteger to) {
        EthFilter filter =
                new EthFilter(DefaultBlockParameter.valueOf(from), DefaultBlockParameter.valueOf(to), addresses);
        for (List<String> position : topics) {
            switch (position.size()) {
                case 0 -> filter.addNullTopic();
                case 1 -> filter.addSingleTopic(position.getFirst());
                default -> filter.addOptionalTopics(position.toArray(String[]::new));
            }
        }
        return filter;
    }
}
